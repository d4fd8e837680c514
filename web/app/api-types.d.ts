/**
 * The JSON documents the dashboard reads, as the API sends them (Traefik's shapes plus
 * Switchyard's additions). Types only: this file is never served.
 */

/** An item's runtime status. */
export type ItemStatus = 'enabled' | 'warning' | 'disabled';

/** A server's state as the load balancer sees it. */
export type ServerState = 'UP' | 'DOWN' | 'DRAINING';

export interface SectionCounts {
  readonly total: number;
  readonly warnings: number;
  /** Disabled items. */
  readonly errors: number;
}

/** `GET /api/overview`. */
export interface Overview {
  readonly http: { readonly routers: SectionCounts; readonly services: SectionCounts; readonly middlewares: SectionCounts };
  readonly tcp: { readonly routers: SectionCounts; readonly services: SectionCounts; readonly middlewares: SectionCounts };
  readonly udp: { readonly routers: SectionCounts; readonly services: SectionCounts };
  readonly features: { readonly tracing: string; readonly metrics: string; readonly accessLog: boolean };
  readonly providers?: readonly string[];
}

/** `GET /api/version`. */
export interface Version {
  readonly Version: string;
  readonly Codename: string;
  readonly startDate: string;
}

/** One of `GET /api/entrypoints`. */
export interface EntryPoint {
  readonly name: string;
  readonly address: string;
}

/** What every item of the lists has. */
export interface Item {
  readonly name: string;
  readonly provider: string;
  readonly status: ItemStatus;
  readonly type?: string;
  readonly error?: readonly string[];
  readonly usedBy?: readonly string[];
}

/** An HTTP, TCP or UDP router. */
export interface Router extends Item {
  readonly rule?: string;
  readonly priority?: number;
  readonly entryPoints?: readonly string[];
  readonly service?: string;
  readonly middlewares?: readonly string[];
  readonly tls?: Readonly<Record<string, unknown>>;
  readonly using?: readonly string[];
}

/** One change of a server's health. */
export interface HealthTransition {
  readonly time: string;
  readonly status: 'UP' | 'DOWN';
  readonly reason: string;
}

/** A loadBalancer's server as `switchyard.servers[]` shows it. */
export interface ServerDetails {
  readonly url: string;
  readonly status: ServerState;
  readonly weight: number;
  readonly effectiveWeight?: number;
  /** Slow-start progress, 0..1; absent when at full weight. */
  readonly slowStart?: number;
  readonly reason?: string;
  readonly history: readonly HealthTransition[];
}

/** One request whose mirror response differed from the primary's. */
export interface MirrorMismatch {
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly primaryStatus: number;
  readonly mirrorStatus: number;
}

/** Live counters of one mirror (`switchyard.mirrors[]`). */
export interface MirrorStats {
  readonly name: string;
  readonly percent: number;
  readonly sent: number;
  readonly completed: number;
  readonly aborted: number;
  readonly failed: number;
  readonly skipped: number;
  readonly compared: number;
  readonly statusMismatches: number;
  readonly bodyMismatches: number;
  readonly meanLatencyDeltaMs: number;
  readonly recent: readonly MirrorMismatch[];
}

/** A child of a weighted or highestRandomWeight service (`switchyard.children[]`). */
export interface ChildDetails {
  readonly name: string;
  readonly weight: number;
  readonly status: ServerState;
}

/** Switchyard's live facts of a built service. */
export interface ServiceDetails {
  readonly strategy?: string;
  readonly affinityEntries?: number;
  readonly servers?: readonly ServerDetails[];
  readonly children?: readonly ChildDetails[];
  readonly mirrors?: readonly MirrorStats[];
}

/** A child reference in a weighted or highestRandomWeight service's configuration. */
export interface WeightedChild {
  readonly name: string;
  readonly weight?: number;
}

/** An HTTP, TCP or UDP service. */
export interface Service extends Item {
  readonly loadBalancer?: {
    readonly servers?: readonly { readonly url?: string; readonly address?: string; readonly weight?: number }[];
    readonly strategy?: string;
    readonly sticky?: { readonly cookie?: { readonly name?: string } };
    readonly healthCheck?: { readonly path?: string; readonly interval?: string; readonly mode?: string };
  };
  readonly weighted?: { readonly services?: readonly WeightedChild[]; readonly sticky?: { readonly cookie?: { readonly name?: string } } };
  readonly highestRandomWeight?: { readonly services?: readonly WeightedChild[] };
  readonly mirroring?: { readonly service?: string; readonly mirrors?: readonly { readonly name: string; readonly percent?: number }[] };
  readonly failover?: { readonly service?: string; readonly fallback?: string };
  readonly serverStatus?: Readonly<Record<string, string>>;
  readonly switchyard?: ServiceDetails;
}

/** An HTTP or TCP middleware: its kind's configuration sits under the kind's key. */
export interface Middleware extends Item {
  readonly [kind: string]: unknown;
}

/** One of `GET /api/diagnostics`. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly resource: string;
  readonly path: string;
  readonly source?: { readonly file: string; readonly line: number; readonly column: number };
  readonly message: string;
}

/** Live statistics of one entry point, router, service or server over the rolling window. */
export interface LiveStats {
  readonly requests: number;
  readonly rate: number;
  readonly inFlight: number;
  readonly window: { readonly '1xx': number; readonly '2xx': number; readonly '3xx': number; readonly '4xx': number; readonly '5xx': number };
  readonly errorRatio: { readonly '4xx': number; readonly '5xx': number };
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number } | null;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly websockets: number;
  readonly stickyStarted?: number;
  readonly lastRequestAt?: string;
}

/** A service's statistics, with its servers' for a loadBalancer. */
export interface ServiceStats extends LiveStats {
  readonly servers?: Readonly<Record<string, LiveStats>>;
  /** weighted, highestRandomWeight, mirroring: requests handed to each child by qualified name. */
  readonly children?: Readonly<Record<string, number>>;
}

/** `GET /api/stats` and each `stats` event of `/api/stats/stream`. */
export interface StatsSnapshot {
  readonly at: string;
  readonly windowSeconds: number;
  readonly entryPoints: Readonly<Record<string, LiveStats>>;
  readonly routers: Readonly<Record<string, LiveStats>>;
  readonly services: Readonly<Record<string, ServiceStats>>;
}

/** How one router was judged by `/api/explain`. */
export interface RouterVerdict {
  readonly name: string;
  readonly rule: string;
  readonly priority: number;
  readonly status: ItemStatus;
  readonly result: 'matched' | 'not-matched' | 'disabled' | 'tls-only' | 'plain-only';
  readonly reason: string;
  readonly leaves?: readonly { readonly matcher: string; readonly args: readonly string[]; readonly negated: boolean; readonly matched: boolean }[];
}

/** Why a service would hand the request to a child or server. */
export interface ServiceExplanation {
  readonly name: string;
  readonly type: 'loadbalancer' | 'weighted' | 'mirroring' | 'failover' | 'highestrandomweight' | 'internal';
  readonly decision: string;
  readonly via?: string;
  readonly server?: string;
  readonly servers?: readonly { readonly url: string; readonly status: ServerState; readonly weight: number }[];
  readonly children?: readonly { readonly name: string; readonly weight: number; readonly chosen: boolean }[];
  readonly child?: ServiceExplanation;
  readonly mirrors?: readonly { readonly name: string; readonly percent: number }[];
  readonly available: boolean;
}

/** `GET /api/explain`. */
export interface Explanation {
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
  readonly routers: readonly RouterVerdict[];
  readonly middlewares: readonly string[];
  readonly service: ServiceExplanation | null;
  readonly outcome: string;
}
