/**
 * Router priorities and the order routers are tried in.
 */

/**
 * A router priority. Traefik's internal routers use priorities near MaxInt64 (MaxInt, MaxInt-1,
 * MaxInt-2), which a JavaScript number cannot tell apart; pass those as bigint. Numbers and
 * bigints compare correctly with each other.
 */
export type Priority = number | bigint;

/** What orders a route: see compareRoutes. */
export interface RouteOrder {
  /** Qualified name (`name@provider`). */
  readonly name: string;
  readonly priority: Priority;
  /** Rank of the route's provider in `providers.precedence`: lower wins. */
  readonly precedence: number;
}

/** Traefik's default HTTP priority: the rule's length in UTF-8 bytes (Go's len), whitespace included. */
export function defaultHttpPriority(rule: string): number {
  return Buffer.byteLength(rule, 'utf8');
}

/**
 * Traefik's default TCP priority: -1 for a rule that is exactly ``HostSNI(`*`)`` once whitespace is
 * removed (the catch-all goes last), otherwise the rule's length in UTF-8 bytes.
 */
export function defaultTcpPriority(rule: string): number {
  if (rule.replace(/[ \t\r\n]/g, '') === 'HostSNI(`*`)') return -1;
  return Buffer.byteLength(rule, 'utf8');
}

/**
 * Total order of routes: priority descending, then provider precedence ascending, then qualified
 * name ascending (code-unit order, independent of locale). Traefik leaves ties in an unspecified
 * order; we make them deterministic.
 */
export function compareRoutes(a: RouteOrder, b: RouteOrder): number {
  if (a.priority > b.priority) return -1;
  if (a.priority < b.priority) return 1;
  if (a.precedence !== b.precedence) return a.precedence < b.precedence ? -1 : 1;
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}
