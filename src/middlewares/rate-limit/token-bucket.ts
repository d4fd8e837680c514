/**
 * One source's token bucket with the arithmetic of golang.org/x/time/rate (which Traefik's
 * rateLimit uses): the bucket starts full at `burst` tokens, refills at `rate` tokens a second
 * up to `burst`, and a request takes one token now or reserves one in the future. Time is in
 * whole nanoseconds, as in Go, so delays match Traefik's to the nanosecond.
 */

/** What every bucket of one middleware shares. */
export interface BucketParams {
  /** Tokens per second (> 0). */
  readonly rate: number;
  /** Capacity, ≥ 1. */
  readonly burst: number;
  /** The longest wait a request may be delayed by instead of being refused, in ns. */
  readonly maxDelayNs: number;
}

/** The outcome of one request against a bucket. */
export interface Reservation {
  /** True when the request may go (after `delayNs`); false when it is refused. */
  readonly ok: boolean;
  /** How long the request would have to wait for its token, in ns (0 when one is there). */
  readonly delayNs: number;
}

export class TokenBucket {
  #tokens: number;
  #lastNs: number;

  constructor(params: BucketParams, nowNs: number) {
    this.#tokens = params.burst;
    this.#lastNs = nowNs;
  }

  /**
   * Takes a token for a request arriving at `nowNs`. When the token would only be there after
   * more than `maxDelayNs`, nothing is taken (Traefik reserves, then cancels the reservation,
   * which gives the token back) and the request is refused with the delay it would have had.
   */
  reserve(params: BucketParams, nowNs: number): Reservation {
    const last = Math.min(this.#lastNs, nowNs);
    const elapsed = nowNs - last;
    let tokens = this.#tokens + goSeconds(elapsed) * params.rate;
    if (tokens > params.burst) tokens = params.burst;
    this.#lastNs = nowNs;
    const left = tokens - 1;
    // Go: Duration((tokens / limit) * Second), truncated towards zero.
    const delayNs = left < 0 ? Math.trunc((-left / params.rate) * 1e9) : 0;
    if (delayNs > params.maxDelayNs) {
      this.#tokens = tokens;
      return { ok: false, delayNs };
    }
    this.#tokens = left;
    return { ok: true, delayNs };
  }
}

/** Go's Duration.Seconds(): whole seconds plus the nanosecond remainder, in that order. */
function goSeconds(ns: number): number {
  const whole = Math.trunc(ns / 1e9);
  return whole + (ns - whole * 1e9) / 1e9;
}
