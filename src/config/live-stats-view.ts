/**
 * The read-only view of live statistics the API shows (`GET /api/stats` and its SSE stream).
 * Declared here so api/ can read it without importing observability/, which implements it
 * (observability/live-stats/).
 */

/** Counts by status class over the rolling window. */
export interface StatusClassCounts {
  readonly '1xx': number;
  readonly '2xx': number;
  readonly '3xx': number;
  readonly '4xx': number;
  readonly '5xx': number;
}

/** Live statistics of one entry point, router, service or server. */
export interface ItemLiveStats {
  /** Requests finished since this item appeared (total). */
  readonly requests: number;
  /** Finished requests per second over the window, two decimals. */
  readonly rate: number;
  /** Requests being served now (an open WebSocket counts under `websockets` instead). */
  readonly inFlight: number;
  /** Finished requests by status class over the window. */
  readonly window: StatusClassCounts;
  /** Share of the window's finished requests with a 4xx or 5xx status, 0..1. */
  readonly errorRatio: { readonly '4xx': number; readonly '5xx': number };
  /** Latency percentiles over the window in milliseconds; null when the window has no sample. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number } | null;
  /** Request body bytes received (total). */
  readonly bytesIn: number;
  /** Response body bytes sent (total). */
  readonly bytesOut: number;
  /** Upgraded connections (WebSockets) open now. */
  readonly websockets: number;
  /** loadBalancer services and their servers: sticky sessions started (a Set-Cookie for a new client), total. */
  readonly stickyStarted?: number;
  /** ISO time of the last finished request; absent before the first. */
  readonly lastRequestAt?: string;
}

/** A service's statistics; a loadBalancer's include its servers by URL. */
export interface ServiceLiveStats extends ItemLiveStats {
  readonly servers?: Readonly<Record<string, ItemLiveStats>>;
  /**
   * weighted, highestRandomWeight and mirroring services: requests (or, for mirrors, copies)
   * this service handed to each child, by the child's qualified name, total. A child shared by
   * several parents counts here only what this parent sent it, so shares are exact.
   */
  readonly children?: Readonly<Record<string, number>>;
}

/** The document of `GET /api/stats` (and each event of `/api/stats/stream`). */
export interface LiveStatsDocument {
  /** ISO time of the sample. */
  readonly at: string;
  /** Length of the rolling window the `window`, `rate`, `errorRatio` and `latencyMs` fields cover. */
  readonly windowSeconds: number;
  readonly entryPoints: Readonly<Record<string, ItemLiveStats>>;
  /** By qualified router name. */
  readonly routers: Readonly<Record<string, ItemLiveStats>>;
  /** By qualified service name. */
  readonly services: Readonly<Record<string, ServiceLiveStats>>;
}

/** What the API reads: one consistent sample of every item's statistics, taken now. */
export interface LiveStatsView {
  snapshot(): LiveStatsDocument;
}
