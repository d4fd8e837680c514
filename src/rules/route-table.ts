/**
 * The HTTP route table of one entry point: finds the first router, in compareRoutes order, whose
 * rule matches a request, without trying every router.
 *
 * Routers whose matcher restricts hosts (`hosts`) are indexed by exact host and by wildcard
 * parent (`*.example.com` under `example.com`). At build time each index key gets the merged list
 * of its own routes, the routes of the wildcard that covers it, and the host-agnostic routes,
 * already in global order; so find() is one map lookup (two for a host only a wildcard covers)
 * and a scan of the candidates, and returns exactly what a scan of every route would.
 */
import type { RequestHead } from '../lib/exchange.ts';
import type { HttpRequestMatcher } from '../lib/matcher.ts';
import { stripTrailingDots } from './host-expression.ts';
import { compareRoutes } from './priority.ts';
import type { Priority } from './priority.ts';
import { routingPath } from './routing-path.ts';

/** A router as the table sees it. */
export interface HttpRoute<T> {
  /** Qualified name (`name@provider`). */
  readonly name: string;
  readonly priority: Priority;
  /** Rank of the provider in `providers.precedence`: lower wins. */
  readonly precedence: number;
  readonly matcher: HttpRequestMatcher;
  readonly value: T;
}

/** Finds the route for a request. */
export interface HttpRouteTable<T> {
  /**
   * The value of the first matching route; undefined when none matches (404); null when the
   * request path has an invalid percent-encoding (400). `request.host` must be canonical
   * (canonicalHost); `request.path` escaped.
   */
  find(request: RequestHead): T | undefined | null;
}

interface HostKeys {
  readonly exact: readonly string[];
  /** Parents of `*.parent` wildcards. */
  readonly wildcardParents: readonly string[];
}

/** Builds a route table; the routes may come in any order. */
export function createHttpRouteTable<T>(routes: readonly HttpRoute<T>[]): HttpRouteTable<T> {
  const sorted = routes
    .map((route, index) => ({ route, index }))
    .sort((a, b) => compareRoutes(a.route, b.route) || a.index - b.index)
    .map((entry) => entry.route);
  const keysOf = sorted.map((route) => hostKeys(route.matcher.hosts));

  const exact = new Map<string, HttpRoute<T>[]>();
  const wildcard = new Map<string, HttpRoute<T>[]>();
  const exactByParent = new Map<string, string[]>();
  for (const keys of keysOf) {
    if (keys === null) continue;
    for (const key of keys.exact) {
      if (exact.has(key)) continue;
      exact.set(key, []);
      const parent = parentOf(key);
      if (parent !== null) {
        const siblings = exactByParent.get(parent);
        if (siblings === undefined) exactByParent.set(parent, [key]);
        else siblings.push(key);
      }
    }
    for (const parent of keys.wildcardParents) if (!wildcard.has(parent)) wildcard.set(parent, []);
  }

  const agnostic: HttpRoute<T>[] = [];
  // Appending in global order keeps every list sorted.
  sorted.forEach((route, i) => {
    const keys = keysOf[i]!;
    if (keys === null) {
      agnostic.push(route);
      for (const list of exact.values()) list.push(route);
      for (const list of wildcard.values()) list.push(route);
      return;
    }
    const targets = new Set<HttpRoute<T>[]>();
    for (const key of keys.exact) targets.add(exact.get(key)!);
    for (const parent of keys.wildcardParents) {
      targets.add(wildcard.get(parent)!);
      for (const key of exactByParent.get(parent) ?? []) targets.add(exact.get(key)!);
    }
    for (const list of targets) list.push(route);
  });

  return {
    find(request) {
      const path = routingPath(request.path);
      if (path === null) return null;
      let host = request.host;
      if (host.length > 0 && host.charCodeAt(host.length - 1) === 46) host = stripTrailingDots(host);
      let candidates = exact.get(host);
      if (candidates === undefined) {
        const dot = host.indexOf('.');
        candidates = (dot >= 0 ? wildcard.get(host.slice(dot + 1)) : undefined) ?? agnostic;
      }
      for (let i = 0; i < candidates.length; i++) {
        const route = candidates[i]!;
        if (route.matcher.match(request, path)) return route.value;
      }
      return undefined;
    },
  };
}

/**
 * Index keys of a matcher's hosts, normalised (lower-case, no trailing dots); null when the route
 * must be tried for every host (no restriction, or an entry the index cannot represent).
 */
function hostKeys(hosts: readonly string[] | null): HostKeys | null {
  if (hosts === null) return null;
  const exactKeys: string[] = [];
  const parents: string[] = [];
  for (const raw of hosts) {
    const host = stripTrailingDots(raw.toLowerCase());
    if (host.startsWith('*.')) {
      const parent = stripTrailingDots(host.slice(2));
      if (parent === '') return null;
      parents.push(parent);
    } else {
      if (host === '' || host.startsWith('*')) return null;
      exactKeys.push(host);
    }
  }
  return { exact: exactKeys, wildcardParents: parents };
}

function parentOf(host: string): string | null {
  const dot = host.indexOf('.');
  return dot < 0 ? null : host.slice(dot + 1);
}
