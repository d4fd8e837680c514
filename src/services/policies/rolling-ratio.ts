/**
 * oxy's memmetrics.RatioCounter as Traefik 1.x vendored it (reference §10.4): the share of "A"
 * events among A + B over a rolling window of buckets (Traefik's `drr`: 10 buckets of 1 s, A =
 * server errors). Two rolling counters, one per kind, each a ring of per-second sums.
 *
 * Reproduced as it behaves, quirks included, so a migrated `drr` service reacts as it did:
 * - "ready" counts bucket changes of both counters together (A's + B's ≥ buckets), not seconds
 *   of data, and never goes back;
 * - clearing stale buckets steps back by 0, 1, 2, 3… resolutions *cumulatively* (offsets 0, 1,
 *   3, 6, 10, …), so after a gap in traffic some buckets keep counts older than the window until
 *   a later clean-up lands on them.
 */
import type { Clock } from '../../lib/clock.ts';

/** A rolling A/(A+B) ratio. */
export interface RatioCounter {
  incA(v: number): void;
  incB(v: number): void;
  /** A / (A + B) over the window; 0 with no data. */
  ratio(): number;
  /** Whether enough buckets have been seen (see the module comment). */
  isReady(): boolean;
}

interface RollingCounter {
  readonly values: Float64Array;
  countedBuckets: number;
  lastBucket: number;
  /** Time of the last increment, in ms; -Infinity before the first (Go's zero time). */
  lastUpdated: number;
}

/** Creates a counter of `buckets` × `resolutionMs` on `clock`. */
export function createRatioCounter(clock: Clock, buckets: number, resolutionMs: number): RatioCounter {
  const a = newCounter(buckets);
  const b = newCounter(buckets);
  const bucketOf = (t: number): number => {
    const i = Math.floor(t / resolutionMs) % buckets;
    return i < 0 ? i + buckets : i;
  };
  const cleanup = (c: RollingCounter): void => {
    const last = Math.floor(c.lastUpdated / resolutionMs);
    let t = clock.now();
    for (let i = 0; i < buckets; i++) {
      t -= i * resolutionMs; // cumulative, as oxy v1 does (module comment)
      if (Math.floor(t / resolutionMs) > last) c.values[bucketOf(t)] = 0;
      else break;
    }
  };
  const inc = (c: RollingCounter, v: number): void => {
    cleanup(c);
    const now = clock.now();
    const bucket = bucketOf(now);
    c.values[bucket]! += v;
    c.lastUpdated = now;
    if (c.countedBuckets < buckets && c.lastBucket !== bucket) {
      c.lastBucket = bucket;
      c.countedBuckets++;
    }
  };
  const count = (c: RollingCounter): number => {
    cleanup(c);
    let sum = 0;
    for (let i = 0; i < buckets; i++) sum += c.values[i]!;
    return sum;
  };
  return {
    incA: (v) => inc(a, v),
    incB: (v) => inc(b, v),
    ratio() {
      const na = count(a);
      const nb = count(b);
      return na + nb === 0 ? 0 : na / (na + nb);
    },
    isReady: () => a.countedBuckets + b.countedBuckets >= buckets,
  };
}

function newCounter(buckets: number): RollingCounter {
  return { values: new Float64Array(buckets), countedBuckets: 0, lastBucket: -1, lastUpdated: -Infinity };
}
