/**
 * The read-only view behind `GET /api/explain`: which router would take a request, why the
 * routers before it did not, the middleware chain, and where the service tree would send it,
 * computed without sending anything or changing any load-balancer state. Declared here so that
 * api/ (which parses the query and answers JSON) and services/ (which explain their own choice)
 * share it; server/ implements it over the live routing state.
 */
import type { ServerStatus } from './runtime.ts';

/** The kinds of service an explanation describes; `internal` = api@internal, ping@internal, …. */
export type ServiceExplanationType = 'loadbalancer' | 'weighted' | 'mirroring' | 'failover' | 'highestrandomweight' | 'internal';

/**
 * How a choice was made: a sticky cookie, a client-IP affinity entry, a hash (of the client IP
 * or the request's hash key), the next in the weighted rotation, at random (p2c: the candidates
 * are listed), the lowest least-time score, the only usable choice, or the failover's fallback.
 */
export type ExplainVia = 'sticky-cookie' | 'client-ip-affinity' | 'hash' | 'rotation' | 'random' | 'least-time' | 'only-choice' | 'fallback';

/** Where one service (and, below it, its chosen child) would send a request. */
export interface ServiceExplanation {
  /** Qualified name. */
  readonly name: string;
  readonly type: ServiceExplanationType;
  /** One or two sentences: why this child or server. */
  readonly decision: string;
  readonly via?: ExplainVia;
  /** loadBalancer: the URL of the server that would be picked. */
  readonly server?: string;
  /** loadBalancer: every server, in configuration order. */
  readonly servers?: readonly { readonly url: string; readonly status: ServerStatus; readonly weight: number }[];
  /** weighted, highestRandomWeight: the children (names as written). */
  readonly children?: readonly { readonly name: string; readonly weight: number; readonly chosen: boolean; readonly status?: ServerStatus }[];
  /** The chosen child (weighted, highestRandomWeight, failover) or the main service (mirroring). */
  readonly child?: ServiceExplanation;
  /** mirroring: each mirror, its percent and whether this request would be copied to it. */
  readonly mirrors?: readonly { readonly name: string; readonly percent: number; readonly mirrored?: boolean }[];
  /** False when no server or child is usable: the client gets 503. */
  readonly available: boolean;
  /** loadBalancer: its strategy (`wrr`, `p2c`, `hrw`, …). */
  readonly strategy?: string;
  /** A random pick (p2c): the URLs or children it draws among. */
  readonly candidates?: readonly string[];
  /** The sticky cookie of this level, when it has one. */
  readonly stickyCookie?: {
    readonly name: string;
    /** The request carries a cookie of that name. */
    readonly sent: boolean;
    /** The server URL or child its value names, when it names one this service knows (and, with `secret`, is signed). */
    readonly names?: string;
    /** The response would set (or rewrite) the cookie. */
    readonly set: boolean;
  };
  /** Service-level middlewares (run after the router's), qualified. */
  readonly middlewares?: readonly string[];
}

/** Explains a child service by its name as written in its parent's configuration. */
export type ExplainChild = (name: string) => ServiceExplanation;

/** A request to explain, as `/api/explain` parsed it. */
export interface ExplainInput {
  /** https: the request comes over TLS with SNI = `host`. */
  readonly tls: boolean;
  /** The URL's host name (lower-case; IPv6 without brackets). */
  readonly host: string;
  /** The URL's port, or the scheme's default. */
  readonly port: number;
  /** `host[:port]` as written in the URL: the Host header unless a `Host` header is given. */
  readonly authority: string;
  /** The escaped path as the URL gives it. */
  readonly path: string;
  /** The raw query without `?`; '' when none. */
  readonly query: string;
  readonly method: string;
  /** Header lines in order, names as given. */
  readonly headers: readonly (readonly [string, string])[];
  readonly clientIP: string;
  /** Named entry point; absent: chosen by the URL's port (see docs/explain.md). */
  readonly entryPoint?: string;
}

/** What happened to one router; see RouteResult in rules/route-explanation.ts. */
export interface RouterExplanation {
  readonly name: string;
  readonly rule: string;
  readonly priority: number;
  readonly status: 'enabled' | 'warning' | 'disabled';
  readonly result: 'matched' | 'not-matched' | 'disabled' | 'tls-only' | 'plain-only';
  readonly reason: string;
  readonly leaves?: readonly { readonly matcher: string; readonly args: readonly string[]; readonly negated: boolean; readonly matched: boolean }[];
  /** Same priority as the router before it in the full order: why it comes after that one. */
  readonly order?: string;
}

/** The answer of `/api/explain` (docs/explain.md). */
export interface ExplainAnswer {
  readonly request: {
    readonly entryPoint: string;
    readonly method: string;
    readonly host: string;
    readonly path: string;
    readonly query: string;
    readonly headers: readonly (readonly [string, string])[];
    readonly clientIP: string;
    readonly tls: boolean;
  };
  readonly router: string | null;
  readonly routers: readonly RouterExplanation[];
  readonly middlewares: readonly string[];
  readonly service: ServiceExplanation | null;
  readonly outcome: string;
  /** Routers after the winner with its priority whose rule matches too, and why the winner goes first. */
  readonly alsoMatched: readonly { readonly name: string; readonly priority: number; readonly why: string }[];
  /** The status Switchyard itself would answer (400, 404, 421, 503); absent when a server or internal service answers. */
  readonly status?: number;
}

/** The explanation, or why the request cannot be explained (an unknown entry point: 400). */
export type ExplainResult = { readonly ok: true; readonly answer: ExplainAnswer } | { readonly ok: false; readonly message: string };

/** Implemented by server/ over the routing state currently serving. */
export interface ExplainView {
  explain(input: ExplainInput): ExplainResult;
}
