/**
 * Request outcomes over a rolling window, what the circuit breaker's expression reads. Like
 * oxy's round-trip metrics: 10 buckets of 1 s each, so the window covers the last 10 seconds;
 * a bucket is reused (cleared) once time moved past it.
 *
 * Latencies are kept per bucket as a count per whole millisecond, which bounds memory by the
 * number of distinct latencies rather than by traffic (oxy uses an HDR histogram to the same end).
 */
import type { Clock } from '../../lib/clock.ts';

const bucketCount = 10;
const bucketMs = 1000;

interface Bucket {
  /** Index of the second this bucket holds (floor(now / bucketMs)); -1 when never used. */
  second: number;
  total: number;
  networkErrors: number;
  readonly statuses: Map<number, number>;
  readonly latencies: Map<number, number>;
}

/** Rolling request metrics for one circuit breaker instance. */
export interface RollingMetrics {
  /** Records one finished request: its status, whether it was a network error, its latency. */
  record(status: number, networkError: boolean, latencyMs: number): void;
  /** Network errors over all requests in the window; 0 without requests. */
  networkErrorRatio(): number;
  /**
   * Requests with a status in [from, to) over requests with a status in [dividedByFrom,
   * dividedByTo); 0 when the divisor is 0.
   */
  responseCodeRatio(from: number, to: number, dividedByFrom: number, dividedByTo: number): number;
  /** The latency (ms) at quantile `q` in percent (50 = median); 0 without requests. */
  latencyAtQuantile(q: number): number;
  /** Forgets everything (done when the breaker trips). */
  reset(): void;
}

/** Creates empty rolling metrics on `clock`. */
export function createRollingMetrics(clock: Clock): RollingMetrics {
  const buckets: Bucket[] = Array.from({ length: bucketCount }, () => ({ second: -1, total: 0, networkErrors: 0, statuses: new Map(), latencies: new Map() }));

  const clear = (bucket: Bucket, second: number): void => {
    bucket.second = second;
    bucket.total = 0;
    bucket.networkErrors = 0;
    bucket.statuses.clear();
    bucket.latencies.clear();
  };
  /** The buckets that still belong to the window ending now. */
  const live = (): Bucket[] => {
    const now = Math.floor(clock.now() / bucketMs);
    return buckets.filter((b) => b.second >= 0 && b.second > now - bucketCount && b.second <= now);
  };

  return {
    record(status, networkError, latencyMs) {
      const second = Math.floor(clock.now() / bucketMs);
      const bucket = buckets[((second % bucketCount) + bucketCount) % bucketCount]!;
      if (bucket.second !== second) clear(bucket, second);
      bucket.total++;
      if (networkError) bucket.networkErrors++;
      bucket.statuses.set(status, (bucket.statuses.get(status) ?? 0) + 1);
      // Whole milliseconds, truncated like oxy's int(latency / time.Millisecond).
      const ms = Math.max(0, Math.floor(latencyMs));
      bucket.latencies.set(ms, (bucket.latencies.get(ms) ?? 0) + 1);
    },
    networkErrorRatio() {
      let total = 0;
      let errors = 0;
      for (const b of live()) {
        total += b.total;
        errors += b.networkErrors;
      }
      return total === 0 ? 0 : errors / total;
    },
    responseCodeRatio(from, to, dividedByFrom, dividedByTo) {
      let numerator = 0;
      let divisor = 0;
      for (const b of live()) {
        for (const [status, count] of b.statuses) {
          if (status >= from && status < to) numerator += count;
          if (status >= dividedByFrom && status < dividedByTo) divisor += count;
        }
      }
      return divisor === 0 ? 0 : numerator / divisor;
    },
    latencyAtQuantile(q) {
      const merged = new Map<number, number>();
      let total = 0;
      for (const b of live()) {
        for (const [ms, count] of b.latencies) {
          merged.set(ms, (merged.get(ms) ?? 0) + count);
          total += count;
        }
      }
      if (total === 0) return 0;
      const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, q)) / 100) * total));
      let seen = 0;
      for (const ms of [...merged.keys()].sort((a, b) => a - b)) {
        seen += merged.get(ms)!;
        if (seen >= rank) return ms;
      }
      return 0;
    },
    reset() {
      for (const b of buckets) clear(b, -1);
    },
  };
}
