/**
 * Live statistics as plain data, so that processes can add up each other's: a worker process
 * exports its registry's state, the control plane adds every worker's to its own when the API
 * asks (server/workers/). The rolling window travels as slot ages (seconds before the export)
 * because each process's clock has its own origin.
 */

/** One StatsCell's raw state (StatsCell.exportState / addState). */
export interface StatsCellState {
  readonly requests: number;
  readonly inFlight: number;
  readonly websockets: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly stickyStarted: number;
  /** Milliseconds between the last finished request and the export; null before the first. */
  readonly lastRequestAgoMs: number | null;
  /** Window slots with samples: `age` seconds before the export's second. */
  readonly slots: readonly WindowSlotState[];
}

/** One second of a cell's rolling window. */
export interface WindowSlotState {
  readonly age: number;
  /** Counts by status class 1xx…5xx, then "no status". */
  readonly classes: readonly number[];
  /** Latency histogram, sparse: `[bucket, count]` pairs with count > 0. */
  readonly latency: readonly (readonly [number, number])[];
}

/** A service's cell, its servers' cells (loadBalancer) and its children's counts. */
export interface ServiceStatsState {
  readonly cell: StatsCellState | undefined;
  readonly servers: ReadonlyMap<string, StatsCellState> | undefined;
  readonly children: ReadonlyMap<string, number> | undefined;
}

/** A whole registry's raw state (LiveStats.exportState), items with nothing recorded left out. */
export interface LiveStatsState {
  readonly entryPoints: ReadonlyMap<string, StatsCellState>;
  readonly routers: ReadonlyMap<string, StatsCellState>;
  readonly services: ReadonlyMap<string, ServiceStatsState>;
}

/** True when a cell recorded nothing that a sum would show. */
export function isEmptyCellState(state: StatsCellState): boolean {
  return state.requests === 0 && state.inFlight === 0 && state.websockets === 0 && state.bytesIn === 0
    && state.bytesOut === 0 && state.stickyStarted === 0 && state.slots.length === 0;
}
