/**
 * The names Traefik accepts in TLS options (Go's crypto/tls names, pkg/tls/cipher.go and
 * pkg/tls/certificate.go) and what they are called in OpenSSL, which node:tls speaks.
 *
 * Cipher suites: Go only lets TLS 1.0–1.2 suites be chosen; the TLS 1.3 names are accepted and
 * have no effect, and TLS 1.3 always offers its three suites. `TLS_FALLBACK_SCSV` is accepted and
 * means nothing to a server (OpenSSL answers the signal by itself). RC4 and 3DES suites are known
 * names that this build of OpenSSL may not offer: they are reported as unavailable, never as
 * unknown.
 *
 * Curves: the Go constant names and the RFC 8446 names Traefik accepts, plus the hybrid
 * post-quantum groups (X25519MLKEM768 and the SecP*MLKEM* ones Traefik lists).
 *
 * One table for both directions: entry points' TLS options (server/tls) and servers
 * transports towards HTTPS servers (proxy/).
 */
import { getCiphers, type SecureVersion } from 'node:tls';

/** Go cipher suite name → OpenSSL name; null for TLS 1.3 suites and the fallback signal. */
const CIPHER_SUITES: Readonly<Record<string, string | null>> = {
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: 'ECDHE-ECDSA-RC4-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'ECDHE-RSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_AES_128_GCM_SHA256: null,
  TLS_AES_256_GCM_SHA384: null,
  TLS_CHACHA20_POLY1305_SHA256: null,
  TLS_FALLBACK_SCSV: null,
};

/**
 * Go's default TLS 1.0–1.2 suites (tls.CipherSuites(), which Traefik's options default to):
 * ECDHE with AES-GCM, ChaCha20-Poly1305 and AES-CBC-SHA, in Go's preference order.
 */
export const DEFAULT_TLS12_CIPHERS: readonly string[] = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA',
];

/** The TLS 1.3 suites, always offered (Go does not let them be configured). */
export const TLS13_CIPHERS: readonly string[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** What one configured cipher suite name means here. */
export type CipherSuiteMapping =
  | { readonly kind: 'tls12'; readonly openssl: string }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'unavailable'; readonly openssl: string }
  | { readonly kind: 'unknown' };

/** Maps a Go cipher suite name (case-sensitive, as in Traefik). */
export function mapCipherSuite(name: string): CipherSuiteMapping {
  if (!Object.hasOwn(CIPHER_SUITES, name)) return { kind: 'unknown' };
  const openssl = CIPHER_SUITES[name]!;
  if (openssl === null) return { kind: 'ignored' };
  return getCiphers().includes(openssl.toLowerCase()) ? { kind: 'tls12', openssl } : { kind: 'unavailable', openssl };
}

/**
 * OpenSSL name of a negotiated suite → Go's name (tls.CipherSuiteName), as Traefik writes it in
 * the access log and metric labels. The longer ChaCha20 names come later in CIPHER_SUITES, so
 * they win, as in Go; TLS 1.3 suites carry their IANA name in OpenSSL too.
 */
const GO_NAMES_BY_OPENSSL: ReadonlyMap<string, string> = new Map([
  ...Object.entries(CIPHER_SUITES).flatMap(([go, openssl]) => (openssl === null ? [] : [[openssl, go] as const])),
  ...TLS13_CIPHERS.map((name) => [name, name] as const),
]);

/** Go's name of the suite OpenSSL calls `openssl`; undefined for a suite Go does not implement. */
export function goCipherSuiteName(openssl: string): string | undefined {
  return GO_NAMES_BY_OPENSSL.get(openssl);
}

/** Go/RFC curve name → OpenSSL group name. */
const CURVES: Readonly<Record<string, string>> = {
  secp256r1: 'P-256',
  CurveP256: 'P-256',
  secp384r1: 'P-384',
  CurveP384: 'P-384',
  secp521r1: 'P-521',
  CurveP521: 'P-521',
  x25519: 'X25519',
  X25519: 'X25519',
  x25519mlkem768: 'X25519MLKEM768',
  X25519MLKEM768: 'X25519MLKEM768',
  secp256r1mlkem768: 'SecP256r1MLKEM768',
  SecP256r1MLKEM768: 'SecP256r1MLKEM768',
  secp384r1mlkem1024: 'SecP384r1MLKEM1024',
  SecP384r1MLKEM1024: 'SecP384r1MLKEM1024',
};

/** Maps a curve name Traefik accepts to its OpenSSL group name; undefined when unknown. */
export function mapCurve(name: string): string | undefined {
  return Object.hasOwn(CURVES, name) ? CURVES[name] : undefined;
}

/** Traefik's `VersionTLS1x` → node's `TLSv1.x`. */
export const TLS_VERSIONS = {
  VersionTLS10: 'TLSv1',
  VersionTLS11: 'TLSv1.1',
  VersionTLS12: 'TLSv1.2',
  VersionTLS13: 'TLSv1.3',
} as const;

/** A Traefik TLS version name. */
export type GoTlsVersion = keyof typeof TLS_VERSIONS;

const tls13Suites = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

/**
 * The OpenSSL cipher list for Go cipher suite names (TLS 1.3 suites always kept: Node would
 * otherwise switch TLS 1.3 off for a list that names none), or the index of the first unknown
 * name. Suites this OpenSSL lacks (RC4, 3DES) are left out. An empty list gives '' (defaults).
 */
export function openSslCiphers(goNames: readonly string[]): { ciphers: string } | { unknown: number } {
  if (goNames.length === 0) return { ciphers: '' };
  const out: string[] = [];
  for (let i = 0; i < goNames.length; i++) {
    const mapped = mapCipherSuite(goNames[i]!);
    if (mapped.kind === 'unknown') return { unknown: i };
    if (mapped.kind === 'tls12' && !out.includes(mapped.openssl)) out.push(mapped.openssl);
  }
  return { ciphers: [tls13Suites, ...out].join(':') };
}

const versionOrder: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Node's name for a Go TLS version name (`VersionTLS12` → `TLSv1.2`), or undefined. */
export function nodeTlsVersion(goName: string): SecureVersion | undefined {
  return Object.hasOwn(TLS_VERSIONS, goName) ? TLS_VERSIONS[goName as GoTlsVersion] : undefined;
}

/** Compares two versions (negative when `a` is older). */
export function compareTlsVersions(a: SecureVersion, b: SecureVersion): number {
  return versionOrder.indexOf(a) - versionOrder.indexOf(b);
}

/** Every Go TLS version name, for messages. */
export const goTlsVersionNames: readonly string[] = Object.keys(TLS_VERSIONS);
