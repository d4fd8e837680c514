/**
 * The statistics of one item (entry point, router, service or server) in fixed memory: totals,
 * gauges, and a rolling window of one-second slots, each with its counts by status class and
 * its latency histogram. Slots are reused in a ring: a slot whose second has passed out of the
 * window is cleared the next time a sample lands in it, so recording needs no timer and
 * reading skips slots older than the window.
 */
import type { ItemLiveStats } from '../../config/live-stats-view.ts';
import { LATENCY_BUCKETS, latencyPercentile } from './latency-histogram.ts';
import type { StatsCellState, WindowSlotState } from './live-stats-state.ts';

/** Length of the rolling window in seconds (slots of one second, the current one included). */
export const WINDOW_SECONDS = 10;

/** Status classes 1xx…5xx, then anything else (no status: the client left before a response). */
const CLASSES = 6;

/** Scratch space for reading a window, reused across cells (reads are not concurrent). */
export interface WindowScratch {
  readonly classes: Uint32Array;
  readonly latency: Uint32Array;
}

/** Allocates the scratch space `StatsCell.snapshot` sums a window into. */
export function createWindowScratch(): WindowScratch {
  return { classes: new Uint32Array(CLASSES), latency: new Uint32Array(LATENCY_BUCKETS) };
}

/** Rounds to `digits` decimals. */
function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** One item's statistics. Every method is a handful of array writes: they run per request. */
export class StatsCell {
  /** Finished requests (total). */
  requests = 0;
  /** Requests being served now. */
  inFlight = 0;
  /** Upgraded connections open now. */
  websockets = 0;
  bytesIn = 0;
  bytesOut = 0;
  /** Sticky sessions started (loadBalancer services and servers). */
  stickyStarted = 0;
  /** Clock time (ms) of the last finished request; NaN before the first. */
  lastRequestMs = Number.NaN;
  /** The second each slot holds; a slot of another second is stale. */
  readonly #slotSecond = new Float64Array(WINDOW_SECONDS).fill(Number.NEGATIVE_INFINITY);
  readonly #classes = new Uint32Array(WINDOW_SECONDS * CLASSES);
  readonly #latency = new Uint32Array(WINDOW_SECONDS * LATENCY_BUCKETS);

  /** The slot index for `second`, cleared first when it held an older second. */
  #slot(second: number): number {
    const i = ((second % WINDOW_SECONDS) + WINDOW_SECONDS) % WINDOW_SECONDS;
    if (this.#slotSecond[i] !== second) {
      this.#slotSecond[i] = second;
      this.#classes.fill(0, i * CLASSES, (i + 1) * CLASSES);
      this.#latency.fill(0, i * LATENCY_BUCKETS, (i + 1) * LATENCY_BUCKETS);
    }
    return i;
  }

  /** A request started being served. */
  begin(): void {
    this.inFlight++;
  }

  /** A request being served ended (never below zero: a cell may be replaced while requests run). */
  end(): void {
    if (this.inFlight > 0) this.inFlight--;
  }

  /** A request being served became an open upgraded connection. */
  upgraded(): void {
    if (this.inFlight > 0) this.inFlight--;
    this.websockets++;
  }

  /** An upgraded connection closed. */
  upgradeClosed(): void {
    if (this.websockets > 0) this.websockets--;
  }

  /**
   * A request finished at clock time `nowMs` with `status`; `bucket` is its latency bucket,
   * or −1 to count it without a latency sample (an upgraded connection's lifetime is none).
   */
  finished(status: number, bucket: number, nowMs: number): void {
    const base = this.#slot(Math.floor(nowMs / 1000));
    const c = status >= 100 && status < 600 ? ((status / 100) | 0) - 1 : CLASSES - 1;
    this.#classes[base * CLASSES + c]!++;
    if (bucket >= 0) this.#latency[base * LATENCY_BUCKETS + bucket]!++;
    this.requests++;
    this.lastRequestMs = nowMs;
  }

  /** A latency sample without a finished request (a server's time to its response head). */
  latency(bucket: number, nowMs: number): void {
    this.#latency[this.#slot(Math.floor(nowMs / 1000)) * LATENCY_BUCKETS + bucket]!++;
  }

  /**
   * The raw state at clock time `nowMs`, for another process to add up (live-stats-state.ts):
   * window slots still in the window, as ages, with their latency buckets sparse.
   */
  exportState(nowMs: number): StatsCellState {
    const now = Math.floor(nowMs / 1000);
    const slots: WindowSlotState[] = [];
    for (let i = 0; i < WINDOW_SECONDS; i++) {
      const s = this.#slotSecond[i]!;
      if (s > now || s <= now - WINDOW_SECONDS) continue;
      const classes = Array.from(this.#classes.subarray(i * CLASSES, (i + 1) * CLASSES));
      const latency: [number, number][] = [];
      for (let k = 0; k < LATENCY_BUCKETS; k++) {
        const n = this.#latency[i * LATENCY_BUCKETS + k]!;
        if (n > 0) latency.push([k, n]);
      }
      if (latency.length > 0 || classes.some((n) => n > 0)) slots.push({ age: now - s, classes, latency });
    }
    return {
      requests: this.requests, inFlight: this.inFlight, websockets: this.websockets,
      bytesIn: this.bytesIn, bytesOut: this.bytesOut, stickyStarted: this.stickyStarted,
      lastRequestAgoMs: Number.isNaN(this.lastRequestMs) ? null : nowMs - this.lastRequestMs,
      slots,
    };
  }

  /** Adds a state exported by another cell (any process) at this cell's clock time `nowMs`. */
  addState(state: StatsCellState, nowMs: number): void {
    this.requests += state.requests;
    this.inFlight += state.inFlight;
    this.websockets += state.websockets;
    this.bytesIn += state.bytesIn;
    this.bytesOut += state.bytesOut;
    this.stickyStarted += state.stickyStarted;
    if (state.lastRequestAgoMs !== null) {
      const at = nowMs - state.lastRequestAgoMs;
      if (Number.isNaN(this.lastRequestMs) || at > this.lastRequestMs) this.lastRequestMs = at;
    }
    const now = Math.floor(nowMs / 1000);
    for (const slot of state.slots) {
      if (slot.age < 0 || slot.age >= WINDOW_SECONDS) continue;
      const base = this.#slot(now - slot.age);
      for (let c = 0; c < CLASSES; c++) this.#classes[base * CLASSES + c]! += slot.classes[c] ?? 0;
      for (const [k, n] of slot.latency) if (k >= 0 && k < LATENCY_BUCKETS) this.#latency[base * LATENCY_BUCKETS + k]! += n;
    }
  }

  /**
   * The item's statistics at clock time `nowMs`. `toIso` turns a clock time into an ISO date;
   * `sticky` adds `stickyStarted` (loadBalancer services and servers).
   */
  snapshot(nowMs: number, toIso: (clockMs: number) => string, sticky: boolean, scratch: WindowScratch): ItemLiveStats {
    const { classes, latency } = scratch;
    classes.fill(0);
    latency.fill(0);
    const now = Math.floor(nowMs / 1000);
    let samples = 0;
    for (let i = 0; i < WINDOW_SECONDS; i++) {
      const s = this.#slotSecond[i]!;
      if (s > now || s <= now - WINDOW_SECONDS) continue;
      for (let c = 0; c < CLASSES; c++) classes[c]! += this.#classes[i * CLASSES + c]!;
      for (let k = 0; k < LATENCY_BUCKETS; k++) {
        const n = this.#latency[i * LATENCY_BUCKETS + k]!;
        latency[k]! += n;
        samples += n;
      }
    }
    let windowed = 0;
    for (let c = 0; c < CLASSES; c++) windowed += classes[c]!;
    const ratio = (n: number): number => (windowed === 0 ? 0 : round(n / windowed, 4));
    return {
      requests: this.requests,
      rate: round(windowed / WINDOW_SECONDS, 2),
      inFlight: this.inFlight,
      window: { '1xx': classes[0]!, '2xx': classes[1]!, '3xx': classes[2]!, '4xx': classes[3]!, '5xx': classes[4]! },
      errorRatio: { '4xx': ratio(classes[3]!), '5xx': ratio(classes[4]!) },
      latencyMs: samples === 0 ? null : {
        p50: round(latencyPercentile(latency, samples, 0.5), 3),
        p95: round(latencyPercentile(latency, samples, 0.95), 3),
        p99: round(latencyPercentile(latency, samples, 0.99), 3),
      },
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      websockets: this.websockets,
      ...(sticky ? { stickyStarted: this.stickyStarted } : {}),
      ...(Number.isNaN(this.lastRequestMs) ? {} : { lastRequestAt: toIso(this.lastRequestMs) }),
    };
  }
}
