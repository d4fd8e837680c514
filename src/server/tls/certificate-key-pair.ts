/**
 * Parses a certificate (chain) and its private key into what the certificate store serves:
 * the PEM texts, an identity for caching, and the names the certificate answers to.
 *
 * The names follow Traefik (pkg/tls/certificate_store.go parseCertificate): the subject CN,
 * the DNS subjectAltNames and the IP subjectAltNames, all lower-cased; the CN counts even when
 * it is not among the SANs. IP addresses are written in one canonical form (IPv6 compressed,
 * IPv4-mapped IPv6 as dotted IPv4, as Go prints them) so they compare with a connection's local
 * address. The key must belong to the leaf certificate (Go's X509KeyPair checks the same).
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

/** A certificate ready to serve. */
export interface ServedCertificate {
  /** Stable identity of the pair (hash of both PEM texts), for caching secure contexts. */
  readonly id: string;
  /** The certificate and its chain, as given. */
  readonly certPem: string;
  readonly keyPem: string;
  /** Names it answers to: CN, DNS and IP SANs, lower-cased, without trailing dots. */
  readonly names: readonly string[];
  /** Where it came from, for messages (`tls.certificates[0]`, `acme`, `generated`). */
  readonly source: string;
}

/** Why a pair could not be used. */
export type KeyPairProblem = 'certificate' | 'key' | 'mismatch';

export type KeyPairResult =
  | { readonly ok: true; readonly certificate: ServedCertificate }
  | { readonly ok: false; readonly problem: KeyPairProblem; readonly message: string };

/** Parses a PEM certificate (its first block is the leaf) and PEM private key. */
export function parseKeyPair(certPem: string, keyPem: string, source: string): KeyPairResult {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certPem);
  } catch (error) {
    return { ok: false, problem: 'certificate', message: `not a PEM certificate (${errorText(error)})` };
  }
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    return { ok: false, problem: 'key', message: `not a PEM private key (${errorText(error)})` };
  }
  if (!leaf.checkPrivateKey(key)) {
    return { ok: false, problem: 'mismatch', message: 'the private key does not match the certificate' };
  }
  const id = createHash('sha256').update(certPem).update('\0').update(keyPem).digest('hex');
  return { ok: true, certificate: { id, certPem, keyPem, names: certificateNames(leaf), source } };
}

/** CN, DNS SANs and IP SANs of `leaf`, as the certificate store indexes them. */
export function certificateNames(leaf: X509Certificate): string[] {
  const names: string[] = [];
  const add = (name: string) => {
    const normal = stripTrailingDots(name.toLowerCase());
    if (normal !== '' && !names.includes(normal)) names.push(normal);
  };
  const commonName = lastCommonName(leaf.subject);
  if (commonName !== undefined) add(isIP(commonName) !== 0 ? canonicalIp(commonName) : commonName);
  for (const entry of splitSubjectAltName(leaf.subjectAltName ?? '')) {
    if (entry.startsWith('DNS:')) add(unquote(entry.slice(4)));
    else if (entry.startsWith('IP Address:')) add(canonicalIp(unquote(entry.slice(11))));
  }
  return names;
}

/**
 * Canonical text of an IP address: IPv4 dotted, IPv6 compressed lower-case (RFC 5952), an
 * IPv4-mapped IPv6 address as its IPv4 form. Anything else comes back lower-cased.
 */
export function canonicalIp(address: string): string {
  const trimmed = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(trimmed);
  if (version === 4) return trimmed;
  if (version !== 6) return trimmed.toLowerCase();
  const host = new URL(`http://[${trimmed}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped === null) return host;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** The last CN of a subject as node prints it (`CN=a\nO=b`); Go's CommonName is the last one too. */
function lastCommonName(subject: string): string | undefined {
  let found: string | undefined;
  for (const line of subject.split('\n')) {
    if (line.startsWith('CN=')) found = unescapeDn(line.slice(3));
  }
  return found;
}

/** Splits node's subjectAltName text (`DNS:a, IP Address:1.2.3.4`), respecting quoted values. */
function splitSubjectAltName(text: string): string[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && quoted && i + 1 < text.length) {
      current += c + text[++i]!;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted && text[i + 1] === ' ') {
      entries.push(current);
      current = '';
      i++;
      continue;
    }
    current += c;
  }
  if (current !== '') entries.push(current);
  return entries;
}

function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  try {
    return JSON.parse(value) as string;
  } catch {
    return value.slice(1, -1);
  }
}

function unescapeDn(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

function stripTrailingDots(name: string): string {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 46) end--;
  return name.slice(0, end);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
