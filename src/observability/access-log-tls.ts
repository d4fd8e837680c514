/**
 * TLS facts as Traefik's access log writes them (Go's crypto/tls names and pkix.Name strings),
 * from what node:tls reports (OpenSSL's names), so `TLSVersion`, `TLSCipher` and
 * `TLSClientSubject` read the same after a switch from Traefik.
 */
import type { X509Certificate } from 'node:crypto';
import { goCipherSuiteName } from '../lib/go-tls-names.ts';

/** `TLSv1.3` (Node) → `1.3`, `TLSv1` → `1.0` (Traefik's tls.GetVersion). */
export function goTlsVersion(version: string): string {
  if (version === 'TLSv1') return '1.0';
  return version.startsWith('TLSv') ? version.slice(4) : version;
}

/** OpenSSL's name of a negotiated suite → Go's (unknown names are written as OpenSSL has them). */
export function goCipherName(openssl: string): string {
  return goCipherSuiteName(openssl) ?? openssl;
}

/**
 * The attributes Go's pkix.Name parses into fields, by OpenSSL short name, in the order of
 * Name.ToRDNSequence; String() writes that sequence reversed (CN first, C last).
 */
const GO_ATTRIBUTES: readonly (readonly [openssl: string, go: string])[] = [
  ['C', 'C'], ['ST', 'ST'], ['L', 'L'], ['street', 'STREET'], ['postalCode', 'POSTALCODE'],
  ['O', 'O'], ['OU', 'OU'], ['CN', 'CN'], ['serialNumber', 'SERIALNUMBER'],
];
const GO_ATTRIBUTE_NAMES = new Set(GO_ATTRIBUTES.map(([openssl]) => openssl));

/** RFC 2253 escaping as Go's pkix writes a value. */
function escapeValue(value: string): string {
  let out = '';
  const last = value.length - 1;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const escape = ',+"\\<>;'.includes(c) || (c === ' ' && (i === 0 || i === last)) || (c === '#' && i === 0);
    out += escape ? `\\${c}` : c;
  }
  return out;
}

const subjects = new WeakMap<X509Certificate, string>();

/**
 * Go's `pkix.Name.String()` of a certificate's subject (`CN=user,OU=a+OU=b,O=org,C=FR`).
 * Attributes Go does not parse into fields (emailAddress, DC, UID, …) come last, as Go puts
 * them, but named as OpenSSL names them: Go writes their OID and hex-encoded DER value, which
 * node:crypto does not expose. Computed once per certificate.
 */
export function goSubjectName(cert: X509Certificate): string {
  const known = subjects.get(cert);
  if (known !== undefined) return known;
  const fields = cert.toLegacyObject().subject as unknown as Readonly<Record<string, string | readonly string[] | undefined>>;
  const values = (name: string): readonly string[] => {
    const v = fields[name];
    return v === undefined ? [] : typeof v === 'string' ? [v] : v;
  };
  const rdns: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (GO_ATTRIBUTE_NAMES.has(name) || value === undefined) continue;
    rdns.push(values(name).map((v) => `${name}=${escapeValue(v)}`).join('+'));
  }
  for (const [openssl, go] of GO_ATTRIBUTES) {
    const list = values(openssl);
    if (list.length > 0) rdns.push(list.map((v) => `${go}=${escapeValue(v)}`).join('+'));
  }
  const text = rdns.reverse().join(',');
  subjects.set(cert, text);
  return text;
}
