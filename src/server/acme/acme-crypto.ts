/**
 * Keys and certificates for ACME, with node:crypto: key generation for Traefik's key types,
 * the PEM/DER encodings Traefik's acme.json uses (account keys are RSA PKCS#1 DER; certificate
 * keys are PEM, PKCS#1 for RSA and SEC1 for EC, as lego writes them), the PKCS#8 PEM acme-client
 * signs with, and what a served certificate needs to be known by (names, validity).
 */
import { createPrivateKey, generateKeyPair, X509Certificate, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { AcmeKeyType } from '../../config/static-acme.ts';
import { normalizeName } from './domains.ts';

const generate = promisify(generateKeyPair);

/** Traefik's account key: RSA 4096 whatever `keyType` says [Traefik account.go NewAccount]. */
export const accountKeyBits = 4096;

/** lego's spelling of each key type in acme.json's `Account.KeyType` (lego v4). */
export const legoKeyTypeNames: Readonly<Record<AcmeKeyType, string>> = {
  EC256: 'P256', EC384: 'P384', RSA2048: '2048', RSA4096: '4096', RSA8192: '8192',
};

/** A new private key for a certificate of the given type. */
export async function generateCertificateKey(keyType: AcmeKeyType): Promise<KeyObject> {
  switch (keyType) {
    case 'EC256': return (await generate('ec', { namedCurve: 'P-256' })).privateKey;
    case 'EC384': return (await generate('ec', { namedCurve: 'P-384' })).privateKey;
    case 'RSA2048': return (await generate('rsa', { modulusLength: 2048 })).privateKey;
    case 'RSA4096': return (await generate('rsa', { modulusLength: 4096 })).privateKey;
    case 'RSA8192': return (await generate('rsa', { modulusLength: 8192 })).privateKey;
    default: {
      const unreachable: never = keyType;
      throw new Error(`unknown key type ${String(unreachable)}`);
    }
  }
}

/** A new account key, as the DER Traefik stores (RSA PKCS#1). */
export async function generateAccountKeyDer(): Promise<Buffer> {
  const { privateKey } = await generate('rsa', { modulusLength: accountKeyBits });
  return privateKey.export({ format: 'der', type: 'pkcs1' });
}

/** Reads an account key's DER: RSA PKCS#1 (Traefik), else PKCS#8 or SEC1. */
export function accountKeyFromDer(der: Buffer): KeyObject {
  for (const type of ['pkcs1', 'pkcs8', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type });
    } catch {
      // Try the next encoding.
    }
  }
  throw new Error('the account private key is not an RSA PKCS#1, PKCS#8 or SEC1 DER key');
}

/** PKCS#8 PEM, the form acme-client imports into WebCrypto. */
export function pkcs8Pem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The PEM lego writes for a certificate key: PKCS#1 for RSA, SEC1 for EC. */
export function storageKeyPem(key: KeyObject): string {
  return key.asymmetricKeyType === 'rsa'
    ? key.export({ format: 'pem', type: 'pkcs1' }).toString()
    : key.export({ format: 'pem', type: 'sec1' }).toString();
}

/** What the manager needs to know of a certificate chain's leaf. */
export interface CertificateFacts {
  /** DNS names and IP addresses (subjectAltName, else the subject CN), lower-case. */
  readonly names: readonly string[];
  readonly notBefore: number;
  readonly notAfter: number;
}

/** Facts of the first certificate of a PEM chain; undefined when it cannot be read. */
export function certificateFacts(certPem: string): CertificateFacts | undefined {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certPem);
  } catch {
    return undefined;
  }
  const names: string[] = [];
  for (const entry of (leaf.subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) names.push(normalizeName(entry.slice(4)));
    else if (entry.startsWith('IP Address:')) names.push(normalizeName(entry.slice(11)));
  }
  if (names.length === 0) {
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(leaf.subject)?.[1];
    if (cn !== undefined) names.push(normalizeName(cn));
  }
  return { names, notBefore: leaf.validFromDate.getTime(), notAfter: leaf.validToDate.getTime() };
}

/** True when the PEM private key belongs to the leaf of the PEM chain. */
export function keyMatchesCertificate(keyPem: string, certPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}
