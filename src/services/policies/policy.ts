/**
 * The selection policy contract of the loadBalancer service: a pure choice among servers the
 * caller says are available, fed back with what happened to each request. Health, stickiness,
 * affinity and forwarding live around it (Caddy's split); a policy knows nothing of HTTP.
 */

/** A server (or child) as policies see it. `key` = server URL as written (the identity Traefik hashes). */
export interface PolicyServer {
  readonly key: string;
  readonly weight: number;
}

/** What a policy may look at in a request. */
export interface PickRequest {
  readonly clientIp: string;
  /** hash-strategy key; undefined when the request has none */
  readonly hashKey: string | undefined;
}

/**
 * One selection strategy over a fixed set of servers (all with weight > 0; the caller keeps
 * draining servers out). Events about a server the policy was not built with are ignored, so the
 * caller may report requests that stickiness sent to a draining server.
 */
export interface SelectionPolicy<T extends PolicyServer> {
  /** Picks among `servers` for which available(s) is true; undefined when none is. Never loops forever. */
  pick(request: PickRequest, available: (s: T) => boolean): T | undefined;
  /**
   * What `pick(request, available) ?? pick(request, otherwise[0]) ?? …` would do now, without
   * doing it: no rotation advances, no counter moves, so the next real pick is the same as if
   * peek had never been called. A pick that finds nothing may still move a rotation, which is
   * why the fallback picks are part of the question (slow start picks that way). Undefined when
   * no server is available. Used by `/api/explain`, never on the request path.
   */
  peek(request: PickRequest, available: (s: T) => boolean, ...otherwise: ((s: T) => boolean)[]): PolicyPeek<T> | undefined;
  /** A request to `s` was sent (in-flight +1). */
  onStart(s: T): void;
  /** The response head from `s` arrived after ttfbMs (time to first byte). */
  onHeaders(s: T, ttfbMs: number): void;
  /** The request to `s` ended: status (0 when no response), failed = network error / no response. In-flight −1. */
  onEnd(s: T, status: number, failed: boolean): void;
  /** Current effective weights for the API (drr changes them); key → weight. */
  weights(): ReadonlyMap<string, number>;
  dispose(): void;
}

/**
 * How a pick decides: `rotation` (weighted round robin: the next in turn), `hash` (of the
 * client IP or the request's hash key), `least-time` (lowest score now), `random` (p2c draws),
 * `only-choice` (one server available).
 */
export type PickVia = 'rotation' | 'hash' | 'least-time' | 'random' | 'only-choice';

/** What a pick would do (SelectionPolicy.peek). */
export interface PolicyPeek<T> {
  /** The server the next pick returns; undefined when it is drawn at random (see candidates). */
  readonly server: T | undefined;
  readonly via: PickVia;
  /** The servers the pick chooses among (the available ones, in order). */
  readonly candidates: readonly T[];
}

/**
 * A peek result: `server` chosen `via`, or `only-choice` when just one server was available.
 * Undefined when none was.
 */
export function peekResult<T>(server: T | undefined, via: PickVia, candidates: readonly T[]): PolicyPeek<T> | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return { server: candidates[0], via: 'only-choice', candidates };
  return { server, via, candidates };
}

/** The servers of `servers` for which available(s) is true, in order. */
export function availableOf<T>(servers: readonly T[], available: (s: T) => boolean): T[] {
  const out: T[] = [];
  for (const s of servers) if (available(s)) out.push(s);
  return out;
}

/**
 * The availability the deciding pick of `pick(available) ?? pick(otherwise[0]) ?? …` uses: the
 * first that some server passes, else the last. Exact for policies whose pick changes nothing
 * when it finds no server.
 */
export function decidingAvailability<T>(servers: readonly T[], available: (s: T) => boolean, otherwise: readonly ((s: T) => boolean)[]): (s: T) => boolean {
  const passes = [available, ...otherwise];
  for (const pass of passes) for (const s of servers) if (pass(s)) return pass;
  return passes[passes.length - 1]!;
}

/** The weights of `servers` as configured, for policies that never change them. */
export function configuredWeights(servers: readonly PolicyServer[]): ReadonlyMap<string, number> {
  const out = new Map<string, number>();
  for (const s of servers) out.set(s.key, s.weight);
  return out;
}
