/**
 * A bounded map whose entries expire `ttlMs` after their last use, for per-source rate-limit
 * buckets. Traefik keeps them in a TTL map of at most 65,536 sources that, when full, drops the
 * entry closest to expiry; with one TTL for all entries that is the least recently used one,
 * which is what this evicts. Expired entries are dropped as requests pass (a few per call), so
 * memory follows the sources active within the TTL, never more than `capacity`.
 */

interface Entry<V> {
  readonly value: V;
  expiresAt: number;
}

/** How many expired entries one call may drop: bounded work per request. */
const sweepPerCall = 4;

export class TtlLru<V> {
  readonly #capacity: number;
  readonly #ttlMs: number;
  /** Insertion order is use order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry<V>>();

  constructor(capacity: number, ttlMs: number) {
    this.#capacity = capacity;
    this.#ttlMs = ttlMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Returns the live value for `key` (creating it with `create` when absent or expired) and
   * marks it used at `now`, so it expires `ttlMs` from now.
   */
  use(key: string, now: number, create: () => V): V {
    this.#sweep(now);
    const entries = this.#entries;
    const found = entries.get(key);
    if (found !== undefined) {
      entries.delete(key);
      if (found.expiresAt > now) {
        found.expiresAt = now + this.#ttlMs;
        entries.set(key, found);
        return found.value;
      }
    }
    while (entries.size >= this.#capacity) {
      const oldest = entries.keys().next();
      if (oldest.done === true) break;
      entries.delete(oldest.value);
    }
    const entry: Entry<V> = { value: create(), expiresAt: now + this.#ttlMs };
    entries.set(key, entry);
    return entry.value;
  }

  clear(): void {
    this.#entries.clear();
  }

  #sweep(now: number): void {
    let n = 0;
    for (const [key, entry] of this.#entries) {
      if (n++ >= sweepPerCall || entry.expiresAt > now) return;
      this.#entries.delete(key);
    }
  }
}
