/**
 * What `traefik_tls_certs_not_after{cn,serial,sans}` says about a certificate
 * [Traefik pkg/tls/tlsmanager.go updateMetrics]: every certificate of the chain, labelled by
 * its subject CN, its serial number in decimal and its DNS names sorted and joined with `,`;
 * the value is its NotAfter in Unix seconds.
 */
import { X509Certificate } from 'node:crypto';

export interface CertificateExpiry {
  readonly cn: string;
  readonly serial: string;
  readonly sans: string;
  /** NotAfter, Unix seconds. */
  readonly notAfter: number;
}

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM chain; blocks that do not parse are skipped (as Traefik does). */
export function certificateExpiries(certPem: string): CertificateExpiry[] {
  const out: CertificateExpiry[] = [];
  for (const m of certPem.matchAll(pemBlock)) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(m[0]);
    } catch {
      continue;
    }
    out.push({
      cn: commonName(cert.subject),
      serial: BigInt(`0x${cert.serialNumber}`).toString(10),
      sans: dnsNames(cert.subjectAltName).sort().join(','),
      notAfter: Math.floor(Date.parse(cert.validTo) / 1000),
    });
  }
  return out;
}

/** `CN=example.com\nO=Acme` → `example.com`. */
function commonName(subject: string): string {
  for (const line of subject.split('\n')) if (line.startsWith('CN=')) return line.slice(3);
  return '';
}

/** `DNS:a.example, IP Address:127.0.0.1, DNS:b.example` → `['a.example', 'b.example']`. */
function dnsNames(subjectAltName: string | undefined): string[] {
  if (subjectAltName === undefined) return [];
  const out: string[] = [];
  for (const part of subjectAltName.split(', ')) if (part.startsWith('DNS:')) out.push(part.slice(4));
  return out;
}
