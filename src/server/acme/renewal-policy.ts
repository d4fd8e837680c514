/**
 * When ACME certificates are renewed, as Traefik decides it [Traefik
 * pkg/provider/acme/provider_acme_renewal.go getCertificateRenewDurations]: a table keyed by a
 * duration in hours gives the renew period (renew when less than this remains) and the check
 * interval. The period comes from the certificate's own lifetime (notAfter − notBefore,
 * rounded to hours), the interval from the resolver's `certificatesDuration`; a certificate
 * that cannot be read is renewed. Traefik also asks the CA for renewal information (ARI,
 * RFC 9773) when it can; Switchyard does not (acme-client has no ARI) and uses the table alone.
 */

const hour = 3_600_000;
const day = 24 * hour;

/** Renew period and check interval (ms) for a certificate lifetime in hours. */
export interface RenewDurations {
  /** Renew when the certificate expires sooner than this. */
  readonly renewPeriod: number;
  /** How often certificates are checked. */
  readonly checkInterval: number;
}

/** Traefik's table: ≥1 year, ≥90 days, ≥30 days, ≥6 days, ≥1 day, shorter. */
export function renewDurations(hours: number): RenewDurations {
  if (hours >= 365 * 24) return { renewPeriod: 120 * day, checkInterval: 7 * day };
  if (hours >= 90 * 24) return { renewPeriod: 30 * day, checkInterval: day };
  if (hours >= 30 * 24) return { renewPeriod: 10 * day, checkInterval: 12 * hour };
  if (hours >= 6 * 24) return { renewPeriod: 2 * day, checkInterval: 2 * hour };
  if (hours >= 24) return { renewPeriod: 6 * hour, checkInterval: 10 * 60_000 };
  return { renewPeriod: 20 * 60_000, checkInterval: 60_000 };
}

/** True when a certificate valid from `notBefore` to `notAfter` (epoch ms) is due at `now`. */
export function isRenewalDue(validity: { notBefore: number; notAfter: number } | undefined, now: number): boolean {
  if (validity === undefined) return true;
  const lifetimeHours = Math.round((validity.notAfter - validity.notBefore) / hour);
  return validity.notAfter < now + renewDurations(lifetimeHours).renewPeriod;
}
