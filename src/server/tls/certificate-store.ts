/**
 * A certificate store: which certificate answers a server name.
 *
 * Follows Traefik (pkg/tls/certificate_store.go GetBestCertificate, matchDomain): a certificate
 * name matches the server name when equal, or when it equals the server name with its leftmost
 * labels replaced by `*` one by one (`*.b.example.com`, then `*.*.example.com`, …), so
 * `*.example.com` covers exactly one label; among matches the greatest name in byte order wins,
 * which puts the exact name first, then the most specific wildcard. Certificates with the same
 * set of names are kept once (the first).
 *
 * Differs: when two certificates share a name, Traefik's choice depends on map iteration order;
 * here the first certificate given wins (configuration order, then the extra ones). Lookups are
 * index hits per candidate name, so no per-name cache is kept (Traefik caches each SNI for an
 * hour; SNI values come from clients, so an unbounded cache would be theirs to fill).
 */
import type { ServedCertificate } from './certificate-key-pair.ts';

/** Certificates indexed by the names they answer to. */
export interface CertificateStore {
  /** The certificate for `serverName` (lower-cased, no trailing dot), or undefined. */
  best(serverName: string): ServedCertificate | undefined;
  /**
   * The first certificate whose names include every one of `domains` exactly (Traefik's
   * GetCertificate, used for `defaultGeneratedCert`), or undefined.
   */
  covering(domains: readonly string[]): ServedCertificate | undefined;
  /** The certificates kept, in order. */
  readonly certificates: readonly ServedCertificate[];
}

/** Builds a store; later certificates with exactly the same names as an earlier one are skipped. */
export function createCertificateStore(certificates: readonly ServedCertificate[]): CertificateStore {
  const kept: ServedCertificate[] = [];
  const byNameSet = new Set<string>();
  const byName = new Map<string, ServedCertificate>();
  for (const certificate of certificates) {
    const key = [...certificate.names].sort().join(',');
    if (byNameSet.has(key)) continue;
    byNameSet.add(key);
    kept.push(certificate);
    for (const name of certificate.names) if (!byName.has(name)) byName.set(name, certificate);
  }

  return {
    certificates: kept,
    best(serverName) {
      if (serverName === '') return undefined;
      const exact = byName.get(serverName);
      if (exact !== undefined) return exact;
      // Replace the leftmost labels by `*` one at a time: the first hit is the greatest match.
      let rest = serverName;
      let stars = '';
      for (;;) {
        const dot = rest.indexOf('.');
        if (dot < 0) return byName.get(`${stars}*`);
        rest = rest.slice(dot + 1);
        const candidate = byName.get(`${stars}*.${rest}`);
        if (candidate !== undefined) return candidate;
        stars += '*.';
      }
    },
    covering(domains) {
      return kept.find((certificate) => domains.every((domain) => certificate.names.includes(domain)));
    },
  };
}
