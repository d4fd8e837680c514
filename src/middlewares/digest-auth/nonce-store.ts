/**
 * The nonces a digestAuth middleware handed out, with the highest nonce count each one was used
 * with. Bounded like go-http-auth's client cache: once it holds more than `size + tolerance`
 * nonces, issuing one first drops the `2 × tolerance` least recently used.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';

/** go-http-auth's defaults (DefaultClientCacheSize, DefaultClientCacheTolerance). */
export const nonceCacheSize = 1000;
export const nonceCacheTolerance = 100;

/**
 * The outcome of presenting a nonce with a nonce count: `replayed` when the count equals the
 * last one (a replay), `behind` when it is lower (requests that arrived out of order).
 */
export type NonceUse = 'ok' | 'unknown' | 'replayed' | 'behind';

interface NonceState {
  nc: bigint;
  lastSeen: number;
}

/** A random 16-character key: 12 random bytes in base64 (go-http-auth's RandomKey). */
export function randomKey(): string {
  return randomBytes(12).toString('base64');
}

/** Issued nonces and their counts, bounded in size; time from `clock`. */
export class NonceStore {
  readonly #nonces = new Map<string, NonceState>();
  readonly #clock: Clock;
  readonly #size: number;
  readonly #tolerance: number;

  constructor(clock: Clock, size = nonceCacheSize, tolerance = nonceCacheTolerance) {
    this.#clock = clock;
    this.#size = size;
    this.#tolerance = tolerance;
  }

  /** How many nonces are tracked. */
  get size(): number {
    return this.#nonces.size;
  }

  /** Issues a fresh nonce (count 0), making room first when the store is over its bound. */
  issue(): string {
    if (this.#nonces.size > this.#size + this.#tolerance) this.#purge(this.#tolerance * 2);
    const nonce = randomKey();
    this.#nonces.set(nonce, { nc: 0n, lastSeen: this.#clock.now() });
    return nonce;
  }

  /**
   * Records a use of `nonce` with count `nc`. A count must grow with each use of a nonce
   * (RFC 2617 §3.2.2 replay protection); the first use may carry any count.
   */
  use(nonce: string, nc: bigint): NonceUse {
    const state = this.#nonces.get(nonce);
    if (state === undefined) return 'unknown';
    if (state.nc !== 0n && state.nc === nc) return 'replayed';
    if (state.nc > nc) return 'behind';
    state.nc = nc;
    state.lastSeen = this.#clock.now();
    return 'ok';
  }

  /** Drops the `count` least recently used nonces. */
  #purge(count: number): void {
    const oldest = [...this.#nonces].sort((a, b) => a[1].lastSeen - b[1].lastSeen).slice(0, count);
    for (const [nonce] of oldest) this.#nonces.delete(nonce);
  }
}
