/**
 * What a compiled rule is to the rest of the system. rules/ compiles rule text into these;
 * pipeline/ stores them in the RuntimeConfig; server/ calls them on the request path.
 */
import type { RequestHead } from './exchange.ts';

/**
 * A compiled HTTP rule. `match` must not allocate on the common path. `routingPath` is the
 * request path with every `%xx` decoded except RFC 3986 reserved characters (Traefik's routing
 * path, reference §2.2), computed once per request by the route table.
 */
export interface HttpRequestMatcher {
  match(request: RequestHead, routingPath: string): boolean;
  /**
   * Why the rule matches or not: every leaf evaluated (no short-circuit) and a one-line reason.
   * A separate function from `match`, built once from the same rule tree, so explaining costs
   * the request path nothing. Its `matched` always equals `match(request, routingPath)`.
   */
  explain?(request: RequestHead, routingPath: string): RuleExplanation;
  /**
   * The hosts this rule can only ever match (lower-case, exact names or `*.suffix` wildcards),
   * or null when it may match any host. Used to index routers by host.
   */
  readonly hosts: readonly string[] | null;
}

/** One matcher call of a rule and what it gave for one request. */
export interface RuleLeafResult {
  /** Canonical matcher name (`Host`, `PathPrefix`, …). */
  readonly matcher: string;
  readonly args: readonly string[];
  /** Written under a `!` (after De Morgan pushed negations down to the leaves). */
  readonly negated: boolean;
  /** Whether the condition as written holds, negation included: !Host(`a`) holds for host b. */
  readonly matched: boolean;
}

/** A rule evaluated against one request, for people: see HttpRequestMatcher.explain. */
export interface RuleExplanation {
  readonly matched: boolean;
  /** Leaves in the order they are written. */
  readonly leaves: readonly RuleLeafResult[];
  /** `matched`, or one line saying which condition failed and on what, e.g. ``Host(`a.example`) did not match host b.example``. */
  readonly reason: string;
}

/** The facts a TCP rule sees: the peer and, for TLS, the ClientHello. */
export interface TcpConnectionFacts {
  readonly remoteAddress: string;
  /** Lower-cased SNI; '' when absent or not TLS. */
  readonly serverName: string;
  readonly isTls: boolean;
  readonly alpn: readonly string[];
}

/** A compiled TCP rule. */
export interface TcpConnectionMatcher {
  match(connection: TcpConnectionFacts): boolean;
  /** True when the rule is the catch-all ``HostSNI(`*`)``. */
  readonly catchAll: boolean;
  /** True when the rule needs the ClientHello (it reads SNI or ALPN). */
  readonly needsTls: boolean;
}
