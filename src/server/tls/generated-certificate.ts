/**
 * The generated default certificate: served when no certificate matches the SNI and the default
 * store names no `defaultCertificate`.
 *
 * Follows Traefik (pkg/tls/generate): a self-signed RSA 2048 certificate valid one year, with a
 * fixed subject CN and one random DNS name `<32 hex>.<32 hex>.<suffix>` so that it can never
 * match a real name; key usages digitalSignature, keyEncipherment, dataEncipherment,
 * keyAgreement, extended usage serverAuth, basic constraints CA:false. RSA rather than ECDSA so
 * that options restricted to `TLS_ECDHE_RSA_*` suites still complete a handshake with it.
 *
 * Differs: the CN says `SWITCHYARD DEFAULT CERT` (Traefik: `TRAEFIK DEFAULT CERT`) and the
 * random name ends in `.switchyard.default`; and Traefik generates a new certificate (and key)
 * on every configuration reload, while a source made here generates once and keeps it, making a
 * new one only when the current one comes within `renewBeforeMs` of its expiry.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  bitString, boolean, explicit, implicitPrimitive, nullValue, objectIdentifier, octetString, pem, sequence, set,
  smallInteger, unsignedInteger, utf8String, x509Time,
} from './der-writer.ts';

/** The subject CN of the generated certificate (Traefik's is `TRAEFIK DEFAULT CERT`). */
export const GENERATED_CERTIFICATE_COMMON_NAME = 'SWITCHYARD DEFAULT CERT';

/** A generated certificate and its key, PEM encoded. */
export interface GeneratedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** Wall-clock milliseconds after which it is no longer valid. */
  readonly notAfter: number;
}

/** Hands out the generated default certificate; make one per process and share it. */
export interface GeneratedCertificateSource {
  /** The current certificate, generated on first use and again when close to expiry. */
  get(): GeneratedCertificate;
}

export interface GeneratedCertificateOptions {
  /** Wall-clock time in milliseconds (certificate validity is calendar time); Date.now by default. */
  readonly now?: () => number;
  /** Validity; one year by default, as in Traefik. */
  readonly validityMs?: number;
  /** Make a new certificate when the current one expires within this; 30 days by default. */
  readonly renewBeforeMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Creates a source that generates the default certificate once and renews it near expiry. */
export function createGeneratedCertificateSource(options: GeneratedCertificateOptions = {}): GeneratedCertificateSource {
  const now = options.now ?? Date.now;
  const validityMs = options.validityMs ?? 365 * DAY_MS;
  const renewBeforeMs = Math.min(options.renewBeforeMs ?? 30 * DAY_MS, validityMs / 2);
  let current: GeneratedCertificate | undefined;
  return {
    get() {
      if (current === undefined || current.notAfter - now() <= renewBeforeMs) current = generateSelfSigned(now(), validityMs);
      return current;
    },
  };
}

const OID = {
  commonName: '2.5.4.3',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
} as const;

function generateSelfSigned(nowMs: number, validityMs: number): GeneratedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const random = createHash('sha256').update(randomBytes(100)).digest('hex');
  const dnsName = `${random.slice(0, 32)}.${random.slice(32)}.switchyard.default`;
  const notBefore = new Date(nowMs);
  const notAfter = new Date(nowMs + validityMs);
  const der = certificateDer(privateKey, publicKey, dnsName, notBefore, notAfter);
  return {
    certPem: pem('CERTIFICATE', der),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    // Times are written with whole seconds.
    notAfter: Math.floor(notAfter.getTime() / 1000) * 1000,
  };
}

function certificateDer(privateKey: KeyObject, publicKey: KeyObject, dnsName: string, notBefore: Date, notAfter: Date): Buffer {
  const name = sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(GENERATED_CERTIFICATE_COMMON_NAME))));
  const algorithm = sequence(objectIdentifier(OID.sha256WithRSA), nullValue());
  // digitalSignature(0), keyEncipherment(2), dataEncipherment(3), keyAgreement(4): 1011 1000, 3 unused bits.
  const keyUsage = bitString(Buffer.from([0xb8]), 3);
  const extensions = sequence(
    extension(OID.keyUsage, true, keyUsage),
    extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))),
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.subjectAltName, false, sequence(implicitPrimitive(2, Buffer.from(dnsName, 'ascii')))),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(x509Time(notBefore), x509Time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  return sequence(tbs, algorithm, bitString(signature));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(objectIdentifier(oid), boolean(true), octetString(value))
    : sequence(objectIdentifier(oid), octetString(value));
}
