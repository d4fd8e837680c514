/**
 * Static `certificatesResolvers.<name>.acme` [Traefik pkg/provider/acme/provider.go
 * Configuration, docs reference/install-configuration/tls/certificate-resolvers/acme.md, v3.7].
 * Durations in ms; `certificatesDuration` stays in hours as Traefik has it.
 *
 * Where Switchyard differs:
 *  - an unknown `keyType` is an error (Traefik logs and uses RSA4096);
 *  - `httpChallenge` without `entryPoint` is an error naming the field (Traefik accepts it and
 *    fails only when it first tries to obtain a certificate);
 *  - `dnsChallenge` is parsed but Switchyard has no DNS providers: `acmeResolverDiagnostics`
 *    warns, and the resolver uses its HTTP-01 or TLS-ALPN-01 challenge if it has one;
 *  - `tailscale` resolvers are parsed (any content) and warned about.
 */
import { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import type { Diagnostic } from './diagnostics.ts';
import { addIssue } from './issue-codes.ts';
import { bool, duration, int, nonEmptyStr, oneOf, str, stringList } from './scalar-schemas.ts';

/** Let's Encrypt's production directory, Traefik's default `caServer`. */
export const letsEncryptProductionUrl = 'https://acme-v02.api.letsencrypt.org/directory';

/** The key types Traefik accepts for certificate keys (`keyType`). */
export const acmeKeyTypes = ['EC256', 'EC384', 'RSA2048', 'RSA4096', 'RSA8192'] as const;
export type AcmeKeyType = (typeof acmeKeyTypes)[number];

const eabSchema = configObject({
  kid: nonEmptyStr(),
  /** Base64url without padding, as the CA hands it out. */
  hmacEncoded: nonEmptyStr(),
});

const propagationSchema = configObject({
  disableChecks: bool().default(false),
  disableANSChecks: bool().default(false),
  requireAllRNS: bool().default(false),
  delayBeforeChecks: duration().default(0),
});

const dnsChallengeSchema = configObject({
  provider: str().optional(),
  resolvers: stringList().optional(),
  propagation: propagationSchema.optional(),
  /** Deprecated by Traefik in favour of `propagation.delayBeforeChecks`. */
  delayBeforeCheck: duration().optional(),
  /** Deprecated by Traefik in favour of `propagation.disableChecks`. */
  disablePropagationCheck: bool().optional(),
});

const httpChallengeSchema = configObject({
  entryPoint: nonEmptyStr(),
  delay: duration().default(0),
});

const tlsChallengeSchema = configObject({
  delay: duration().default(0),
});

/** `certificatesResolvers.<name>.acme`. */
export const acmeSchema = configObject({
  email: str().default(''),
  caServer: nonEmptyStr().default(letsEncryptProductionUrl),
  preferredChain: str().optional(),
  profile: str().optional(),
  emailAddresses: stringList().default([]),
  disableCommonName: bool().default(false),
  storage: nonEmptyStr().default('acme.json'),
  keyType: oneOf(acmeKeyTypes).default('RSA4096'),
  eab: eabSchema.optional(),
  /** Hours; Traefik refuses less than one hour. */
  certificatesDuration: int({ min: 1 }).default(2160),
  clientTimeout: duration().default(120_000),
  clientResponseHeaderTimeout: duration().default(30_000),
  certificateTimeout: duration().default(30_000),
  /** Paths of PEM files trusted for the CA server's HTTPS certificate. */
  caCertificates: stringList().default([]),
  caSystemCertPool: bool().default(false),
  caServerName: str().optional(),
  dnsChallenge: dnsChallengeSchema.optional(),
  httpChallenge: httpChallengeSchema.optional(),
  tlsChallenge: tlsChallengeSchema.optional(),
}, (value, ctx) => {
  if (!/^https?:\/\/[^/]/i.test(value.caServer) || !URL.canParse(value.caServer)) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', `expected the URL of an ACME directory, like "${letsEncryptProductionUrl}"`, ['caServer']);
  }
  if (value.clientTimeout < value.clientResponseHeaderTimeout) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', 'clientTimeout must be at least clientResponseHeaderTimeout', ['clientTimeout']);
  }
});

/** `certificatesResolvers.<name>`: `acme` (supported) or `tailscale` (parsed, warned about). */
export const certificatesResolverSchema = configObject({
  acme: acmeSchema.optional(),
  tailscale: z.unknown().optional(),
});

/** `certificatesResolvers` (resolver name → resolver). */
export const certificatesResolversSchema = z.record(z.string(), certificatesResolverSchema);

/** `certificatesResolvers.<name>.acme` (durations in ms). */
export type AcmeConfig = DeepReadonly<z.output<typeof acmeSchema>>;
/** `certificatesResolvers.<name>`. */
export type CertificatesResolverConfig = DeepReadonly<z.output<typeof certificatesResolverSchema>>;

/** The ACME resolvers of a static configuration, by name (resolvers without `acme` are left out). */
export function acmeResolvers(
  resolvers: Readonly<Record<string, CertificatesResolverConfig>> | undefined,
): ReadonlyMap<string, AcmeConfig> {
  const out = new Map<string, AcmeConfig>();
  for (const [name, resolver] of Object.entries(resolvers ?? {})) {
    if (resolver.acme !== undefined) out.set(name, resolver.acme);
  }
  return out;
}

/** The challenge types a resolver can use in Switchyard, in Traefik's order of preference. */
export function usableChallenges(acme: AcmeConfig): ('http-01' | 'tls-alpn-01')[] {
  const out: ('http-01' | 'tls-alpn-01')[] = [];
  if (acme.httpChallenge !== undefined) out.push('http-01');
  if (acme.tlsChallenge !== undefined) out.push('tls-alpn-01');
  return out;
}

/** Entry points that must answer HTTP-01 challenges (`acme.httpChallenge.entryPoint`). */
export function httpChallengeEntryPoints(
  resolvers: Readonly<Record<string, CertificatesResolverConfig>> | undefined,
): ReadonlySet<string> {
  const out = new Set<string>();
  for (const acme of acmeResolvers(resolvers).values()) {
    if (acme.httpChallenge !== undefined) out.add(acme.httpChallenge.entryPoint);
  }
  return out;
}

function warning(code: string, path: string, message: string): Diagnostic {
  return { severity: 'warning', code, resource: 'static', path, message };
}

/**
 * Warnings for resolver settings Switchyard cannot act on: DNS-01 (no DNS providers), a
 * resolver left with no usable challenge, an HTTP-01 entry point that does not exist, settings
 * parsed but not applied, and `tailscale` resolvers. Pure; the caller logs or reports them.
 */
export function acmeResolverDiagnostics(
  resolvers: Readonly<Record<string, CertificatesResolverConfig>> | undefined,
  entryPointNames: ReadonlySet<string>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, resolver] of Object.entries(resolvers ?? {})) {
    const at = `certificatesResolvers.${name}`;
    if (resolver.tailscale !== undefined) {
      out.push(warning('STATIC_KEY_NOT_SUPPORTED', `${at}.tailscale`,
        'Tailscale certificate resolvers are not supported by Switchyard; routers using this resolver get no certificate from it'));
    }
    const acme = resolver.acme;
    if (acme === undefined) continue;
    if (acme.dnsChallenge !== undefined) {
      out.push(warning('ACME_DNS_CHALLENGE_NOT_SUPPORTED', `${at}.acme.dnsChallenge`,
        'DNS-01 is not supported: Switchyard has no DNS providers, so wildcard certificates cannot be obtained; '
        + 'the resolver uses httpChallenge or tlsChallenge when one is configured'));
    }
    if (usableChallenges(acme).length === 0) {
      out.push(warning('ACME_NO_CHALLENGE', `${at}.acme`,
        'no usable challenge: configure httpChallenge or tlsChallenge; this resolver cannot obtain certificates'));
    }
    const entryPoint = acme.httpChallenge?.entryPoint;
    if (entryPoint !== undefined && !entryPointNames.has(entryPoint)) {
      out.push(warning('ACME_ENTRY_POINT_NOT_FOUND', `${at}.acme.httpChallenge.entryPoint`,
        `entry point "${entryPoint}" does not exist; HTTP-01 challenges will not be answered`));
    }
    if (acme.emailAddresses.length > 0) {
      out.push(warning('STATIC_SETTING_NOT_APPLIED', `${at}.acme.emailAddresses`,
        'emailAddresses is parsed but not applied yet by Switchyard; certificate requests carry no email addresses'));
    }
    for (const key of ['clientResponseHeaderTimeout', 'certificateTimeout'] as const) {
      if (acme[key] !== 30_000) {
        out.push(warning('STATIC_SETTING_NOT_APPLIED', `${at}.acme.${key}`,
          `${key} is parsed but not applied yet by Switchyard; acme-client's own timeouts apply`));
      }
    }
  }
  return out;
}
