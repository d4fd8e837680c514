/**
 * The values of Traefik's client-certificate headers (pure), from node:crypto certificates
 * [Traefik pkg/middlewares/passtlsclientcert, v3]:
 *
 *  - `X-Forwarded-Tls-Client-Cert`: each certificate's DER in base64 (its PEM without the
 *    BEGIN/END lines and line breaks), certificates separated by `,`. v3 does not URL-escape
 *    it (v2 did).
 *  - `X-Forwarded-Tls-Client-Cert-Info`: per certificate, the selected fields as
 *    `Subject="…";Issuer="…";SerialNumber="…";NB="…";NA="…";SAN="…"` (empty ones left out),
 *    certificates separated by `,`, the whole value escaped with Go's `url.QueryEscape`.
 *    Distinguished names list `DC` parts first (in certificate order), then C, ST, L, O, OU
 *    (subject only), SN and CN, each `KEY=value` joined by `,`. NB/NA are Unix seconds; the
 *    serial number is decimal; SANs list DNS names, then e-mail addresses, then IP addresses,
 *    then URIs, joined by `,`.
 */
import type { X509Certificate } from 'node:crypto';
import type { TlsClientCertInfoConfig } from '../../config/http-middlewares-headers.ts';
import { queryEscape } from '../query-escape.ts';

/** Header names, as Traefik writes them. */
export const clientCertHeader = 'X-Forwarded-Tls-Client-Cert';
export const clientCertInfoHeader = 'X-Forwarded-Tls-Client-Cert-Info';

/** Which parts of a distinguished name to write, in Traefik's order. */
interface DnParts {
  readonly country?: boolean;
  readonly province?: boolean;
  readonly locality?: boolean;
  readonly organization?: boolean;
  readonly organizationalUnit?: boolean;
  readonly serialNumber?: boolean;
  readonly commonName?: boolean;
  readonly domainComponent?: boolean;
}

/** The value of X-Forwarded-Tls-Client-Cert for a chain (leaf first). */
export function encodeClientCertPem(certs: readonly X509Certificate[]): string {
  return certs.map((cert) => cert.raw.toString('base64')).join(',');
}

/** The value of X-Forwarded-Tls-Client-Cert-Info for a chain, escaped as Traefik sends it. */
export function encodeClientCertInfo(certs: readonly X509Certificate[], info: TlsClientCertInfoConfig): string {
  return queryEscape(certs.map((cert) => certInfo(cert, info)).join(','));
}

function certInfo(cert: X509Certificate, info: TlsClientCertInfoConfig): string {
  const values: string[] = [];
  const subject = info.subject === undefined ? '' : distinguishedName(cert.subject, info.subject);
  if (subject !== '') values.push(`Subject="${subject}"`);
  const issuer = info.issuer === undefined ? '' : distinguishedName(cert.issuer, info.issuer);
  if (issuer !== '') values.push(`Issuer="${issuer}"`);
  if (info.serialNumber) values.push(`SerialNumber="${BigInt(`0x${cert.serialNumber}`).toString()}"`);
  if (info.notBefore) values.push(`NB="${Math.floor(cert.validFromDate.getTime() / 1000)}"`);
  if (info.notAfter) values.push(`NA="${Math.floor(cert.validToDate.getTime() / 1000)}"`);
  if (info.sans) {
    const sans = subjectAltNames(cert.subjectAltName);
    if (sans.length > 0) values.push(`SAN="${sans.join(',')}"`);
  }
  return values.join(';');
}

/** Parses node's one-attribute-per-line DN text into [key, value] pairs, in certificate order. */
function dnEntries(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return out;
}

/** Go's pkix.Name keeps every value of a list attribute, and the last one of CN and SN. */
function distinguishedName(text: string, parts: DnParts): string {
  const entries = dnEntries(text);
  const all = (key: string): string[] => entries.filter(([k, v]) => k === key && v !== '').map(([, v]) => v);
  const last = (key: string): string[] => all(key).slice(-1);
  const out: string[] = [];
  const add = (enabled: boolean | undefined, label: string, values: string[]): void => {
    if (enabled === true) for (const v of values) out.push(`${label}=${v}`);
  };
  add(parts.domainComponent, 'DC', all('DC'));
  add(parts.country, 'C', all('C'));
  add(parts.province, 'ST', all('ST'));
  add(parts.locality, 'L', all('L'));
  add(parts.organization, 'O', all('O'));
  add(parts.organizationalUnit, 'OU', all('OU'));
  add(parts.serialNumber, 'SN', last('serialNumber'));
  add(parts.commonName, 'CN', last('CN'));
  return out.join(',');
}

/**
 * Node's subjectAltName text (`DNS:a, email:b, IP Address:c, URI:d`; values with special
 * characters as JSON strings) grouped the way Go's x509 exposes them.
 */
export function subjectAltNames(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const groups: Record<string, string[]> = { DNS: [], email: [], 'IP Address': [], URI: [] };
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const type = text.slice(i, colon);
    let value: string;
    let end: number;
    if (text[colon + 1] === '"') {
      end = colon + 2;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      value = JSON.parse(text.slice(colon + 1, end + 1)) as string;
      end += 1;
    } else {
      end = text.indexOf(', ', colon);
      if (end < 0) end = text.length;
      value = text.slice(colon + 1, end);
    }
    groups[type]?.push(type === 'IP Address' ? canonicalIp(value) : value);
    i = end + 2;
  }
  return [...groups['DNS']!, ...groups['email']!, ...groups['IP Address']!, ...groups['URI']!];
}

/** Go prints IPv6 addresses compressed (`::1`); node writes every group. */
function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}
