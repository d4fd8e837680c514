/**
 * Domain sets as ACME resolvers handle them [Traefik pkg/types/domains.go, provider.go]: a
 * `{main, sans}` pair names one certificate; names are compared lower-case without a trailing
 * dot; a wildcard covers exactly one label (`*.example.com` covers `a.example.com`, not
 * `example.com` nor `a.b.example.com`). IPv6 addresses are compared in their compressed form.
 */
import { isIP } from 'node:net';

/** One certificate's names, as routers ask for them (`tls.domains`, or a Host rule's hosts). */
export interface DomainRequest {
  readonly main: string;
  readonly sans?: readonly string[];
}

/** A normalized domain set: `main` non-empty, `sans` without duplicates or `main`. */
export interface DomainSet {
  readonly main: string;
  readonly sans: readonly string[];
}

/** A name as compared: lower-case, no trailing dot, IPv6 compressed (`::1`). */
export function normalizeName(name: string): string {
  let trimmed = name.trim().toLowerCase();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) trimmed = trimmed.slice(1, -1);
  if (isIP(trimmed) === 6) return new URL(`http://[${trimmed}]`).hostname.slice(1, -1);
  return trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
}

/** Normalizes a request; undefined when it names nothing. */
export function normalizeDomain(request: DomainRequest): DomainSet | undefined {
  const names = [request.main, ...(request.sans ?? [])].map(normalizeName).filter((n) => n !== '');
  const [main, ...rest] = [...new Set(names)];
  return main === undefined ? undefined : { main, sans: rest };
}

/** Every name of a set, `main` first. */
export function domainNames(domain: DomainSet): string[] {
  return [domain.main, ...domain.sans];
}

/** Identity of a set (Traefik compares main and sans in order). */
export function domainKey(domain: DomainSet): string {
  return domainNames(domain).join(',');
}

/** True when `certName` (possibly a wildcard) covers `name`. */
export function matchesName(name: string, certName: string): boolean {
  if (name === certName) return true;
  if (!certName.startsWith('*.')) return false;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === certName.slice(2);
}

/** True for `*.example.com`. */
export function isWildcard(name: string): boolean {
  return name.startsWith('*');
}
