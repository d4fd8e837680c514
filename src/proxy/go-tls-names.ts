/**
 * Traefik names TLS cipher suites and versions the Go way (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`,
 * `VersionTLS12`); Node's TLS takes OpenSSL's names (`ECDHE-RSA-AES128-GCM-SHA256`, `TLSv1.2`).
 * These tables translate the names Traefik accepts [traefik pkg/tls/cipher.go].
 *
 * src/server/tls/go-tls-names.ts holds the same cipher table for entry points; proxy/ may not
 * import server/, so until the table moves to lib/ the two must be kept equal.
 *
 * Go never lets a configuration choose TLS 1.3 suites (all three are always on); the TLS 1.3
 * names are accepted and ignored here too, and `openSslCiphers` always keeps the TLS 1.3 suites
 * enabled, since Node would otherwise switch TLS 1.3 off for a list that names none.
 */
import type { SecureVersion } from 'node:tls';

/** Go cipher suite name → OpenSSL name; null for the TLS 1.3 suites Go does not let you choose. */
const cipherSuites: ReadonlyMap<string, string | null> = new Map([
  ['TLS_RSA_WITH_RC4_128_SHA', 'RC4-SHA'],
  ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'DES-CBC3-SHA'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  ['TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA256', 'AES128-SHA256'],
  ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', 'ECDHE-ECDSA-RC4-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  ['TLS_ECDHE_RSA_WITH_RC4_128_SHA', 'ECDHE-RSA-RC4-SHA'],
  ['TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', 'ECDHE-RSA-DES-CBC3-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  ['TLS_AES_128_GCM_SHA256', null],
  ['TLS_AES_256_GCM_SHA384', null],
  ['TLS_CHACHA20_POLY1305_SHA256', null],
  // A signal, not a suite: OpenSSL sends it by itself when it should.
  ['TLS_FALLBACK_SCSV', null],
]);

const tls13Suites = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

/**
 * The OpenSSL cipher list for Go cipher suite names, or the index of the first unknown name.
 * An empty list gives '' (Node's defaults).
 */
export function openSslCiphers(goNames: readonly string[]): { ciphers: string } | { unknown: number } {
  if (goNames.length === 0) return { ciphers: '' };
  const out: string[] = [];
  for (let i = 0; i < goNames.length; i++) {
    const name = goNames[i]!;
    if (!cipherSuites.has(name)) return { unknown: i };
    const openSsl = cipherSuites.get(name);
    if (openSsl !== null && openSsl !== undefined && !out.includes(openSsl)) out.push(openSsl);
  }
  return { ciphers: [tls13Suites, ...out].join(':') };
}

const versions: ReadonlyMap<string, SecureVersion> = new Map([
  ['VersionTLS10', 'TLSv1'],
  ['VersionTLS11', 'TLSv1.1'],
  ['VersionTLS12', 'TLSv1.2'],
  ['VersionTLS13', 'TLSv1.3'],
]);

const order: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Node's name for a Go TLS version name (`VersionTLS12` → `TLSv1.2`), or undefined. */
export function nodeTlsVersion(goName: string): SecureVersion | undefined {
  return versions.get(goName);
}

/** Compares two versions (negative when `a` is older). */
export function compareTlsVersions(a: SecureVersion, b: SecureVersion): number {
  return order.indexOf(a) - order.indexOf(b);
}

/** Every Go TLS version name, for messages. */
export const goTlsVersionNames: readonly string[] = [...versions.keys()];
