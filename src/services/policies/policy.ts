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

/** The weights of `servers` as configured, for policies that never change them. */
export function configuredWeights(servers: readonly PolicyServer[]): ReadonlyMap<string, number> {
  const out = new Map<string, number>();
  for (const s of servers) out.set(s.key, s.weight);
  return out;
}
