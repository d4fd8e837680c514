/**
 * Router rules and priorities for Ingress paths, with the Kubernetes semantics (a deliberate
 * difference from Traefik, DESIGN.md "Deliberate differences"):
 * - `Exact` → ``Path(`/p`)``;
 * - `Prefix` is element-wise: `/aaa` matches `/aaa` and `/aaa/…`, not `/aaaccc`, and a trailing
 *   slash in the Ingress path is ignored: ``(Path(`/aaa`) || PathPrefix(`/aaa/`))``; `/` matches
 *   every path (Traefik: character prefix, unless `strictPrefixMatching`);
 * - `ImplementationSpecific` (or no pathType) is Traefik's: ``PathPrefix`` or the matcher named
 *   by the `router.pathmatcher` annotation (`Path`, `PathPrefix`, `PathRegexp`);
 * - hosts: ``Host(`example.com`)``; `*.example.com` matches exactly one more leftmost label, which
 *   the v3 Host matcher does itself (v2 syntax: a HostRegexp template); no host: any host.
 *
 * Priorities are explicit (Traefik uses the rule length, so Prefix `/foo` beats Exact `/foo`):
 * an exact host before a wildcard host before no host; within that, the longer path first, and
 * Exact before Prefix for the same path. Each path has three consecutive priorities (its router,
 * then the ingress-nginx "never" and canary routers just above it), so a canary of `/a` never
 * outranks the router of `/a/b`. The default backend of an Ingress without rules gets Traefik's
 * MinInt32. Every priority is between 1 and about 2.6 million.
 */

/** The rule language of the generated routers. */
export type RuleSyntax = 'v3' | 'v2';

/** A rule argument: a backtick string, or a Go double-quoted one when the value holds a backtick. */
export function ruleArgument(value: string): string {
  return value.includes('`') ? JSON.stringify(value) : `\`${value}\``;
}

/** `Name(`a`, `b`)`. */
export function matcher(name: string, ...args: string[]): string {
  return `${name}(${args.map(ruleArgument).join(', ')})`;
}

/** The host matcher, or undefined for a rule without host. */
export function hostMatcher(host: string, syntax: RuleSyntax): string | undefined {
  if (host === '') return undefined;
  if (syntax === 'v2' && host.startsWith('*.')) return matcher('HostRegexp', `{subdomain:[a-zA-Z0-9-]+}.${host.slice(2)}`);
  return matcher('Host', host);
}

/** 2 for an exact host, 1 for a wildcard, 0 for none. */
export function hostRank(host: string): 0 | 1 | 2 {
  if (host === '') return 0;
  return host.startsWith('*.') ? 1 : 2;
}

/** The path matchers `router.pathmatcher` may name. */
export const pathMatchers = ['Path', 'PathPrefix', 'PathRegexp'] as const;
/** A matcher for ImplementationSpecific paths. */
export type PathMatcherName = (typeof pathMatchers)[number];

/** A path's matcher (absent: any path) and what orders it. */
export interface PathMatch {
  readonly expression?: string;
  /** Length of the path as matched (trailing slash of a Prefix path removed). */
  readonly length: number;
  readonly exact: boolean;
}

/** The matcher of one Ingress path, or why it cannot be expressed. */
export function pathMatch(
  path: string, pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific', pathMatcher: PathMatcherName | undefined, syntax: RuleSyntax,
): PathMatch | { readonly problem: string } {
  switch (pathType) {
    case 'Exact':
      return { expression: matcher('Path', path), length: path.length, exact: true };
    case 'Prefix': {
      const trimmed = path.replace(/\/+$/, '');
      if (trimmed === '') return { expression: matcher('PathPrefix', '/'), length: 0, exact: false };
      return { expression: `(${matcher('Path', trimmed)} || ${matcher('PathPrefix', `${trimmed}/`)})`, length: trimmed.length, exact: false };
    }
    case 'ImplementationSpecific': {
      if (path === '') return { length: 0, exact: false };
      const name = pathMatcher ?? 'PathPrefix';
      if (name === 'PathRegexp' && syntax === 'v2') return { problem: 'PathRegexp does not exist in rule syntax v2' };
      if (name !== 'PathRegexp' && !path.startsWith('/')) {
        return { problem: `path ${JSON.stringify(path)} does not start with "/" (${name} would never match)` };
      }
      return { expression: matcher(name, path), length: path.length, exact: name === 'Path' };
    }
    default: {
      const unreachable: never = pathType;
      return unreachable;
    }
  }
}

/** Joins host and path parts; a rule with neither matches everything. */
export function joinRule(parts: readonly (string | undefined)[]): string {
  const present = parts.filter((p): p is string => p !== undefined);
  return present.length === 0 ? matcher('PathPrefix', '/') : present.join(' && ');
}

/**
 * The rule Traefik writes for the same path (used only to name colliding routers as Traefik
 * does, Go-quoted): host with Host, path with the pathType's default matcher, character-wise PathPrefix.
 */
export function traefikRule(host: string, path: string, pathType: string, pathMatcher: PathMatcherName | undefined): string {
  const parts: string[] = [];
  if (host !== '') parts.push(`Host(${JSON.stringify(host)})`);
  if (path !== '') {
    const name = pathType === 'Exact' ? 'Path' : pathType === 'Prefix' ? 'PathPrefix' : pathMatcher ?? 'PathPrefix';
    parts.push(`${name}(${JSON.stringify(path)})`);
  }
  return parts.join(' && ');
}

/** Which router of a path: the path's own, the ingress-nginx "never" router, the canary router. */
export type PrioritySlot = 0 | 1 | 2;

const hostSpan = 1 << 20;
const maxOrderedLength = 65_535;

/** The priority of a path's router (see the header). */
export function pathPriority(rank: 0 | 1 | 2, match: PathMatch, slot: PrioritySlot): number {
  const key = Math.min(match.length, maxOrderedLength) * 2 + (match.exact ? 1 : 0);
  return 1 + rank * hostSpan + 4 + key * 4 + slot;
}

/** Below every path of a host class: an Ingress's default backend for its hosts. */
export function fallbackPriority(rank: 0 | 1 | 2): number {
  return 1 + rank * hostSpan;
}

/** Traefik's priority for the default backend of an Ingress without rules (math.MinInt32). */
export const defaultBackendPriority = -2_147_483_648;
