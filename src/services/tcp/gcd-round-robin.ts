/**
 * Traefik's TCP and UDP weighted round robin (reference §4.2, pkg/tcp/wrr_load_balancer.go):
 * the classic interleaving by greatest common divisor. A cursor walks the entries; every time
 * it wraps, the current weight drops by the GCD of the weights (back to the maximum when it
 * reaches 0), and an entry is picked when its weight is at least the current weight. Weights
 * 3:1 give `a a a b`; 1:1 gives `a b`.
 *
 * An entry with weight ≤ 0 is kept but never picked, and unavailable entries (a DOWN server, a
 * child service reported down) are skipped without changing the sequence of the others, as in
 * Traefik. Entries stay in configuration order (Traefik shuffles them on every build; we keep
 * sequences reproducible, DESIGN.md).
 */

/** One entry and its weight. */
export interface GcdEntry<T> {
  readonly value: T;
  readonly weight: number;
}

/** A GCD round robin over fixed entries. */
export interface GcdRoundRobin<T> {
  /**
   * The next entry that `available` accepts, or undefined when none can be picked (no entries,
   * every weight ≤ 0, or no available entry with a positive weight).
   */
  next(available?: (value: T) => boolean): T | undefined;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

const always = (): boolean => true;

/** Creates the round robin; weights are integers (as Traefik's config types make them). */
export function createGcdRoundRobin<T>(entries: readonly GcdEntry<T>[]): GcdRoundRobin<T> {
  const list = entries.map((e) => ({ value: e.value, weight: Math.trunc(e.weight) }));
  const positive = list.filter((e) => e.weight > 0).map((e) => e.weight);
  const max = positive.length === 0 ? 0 : Math.max(...positive);
  const step = positive.reduce((acc, w) => gcd(acc, w), 0);
  // One full cycle visits every entry max/step times: enough to find any pickable entry.
  const bound = step === 0 ? 0 : list.length * (max / step + 1);
  let index = -1;
  let current = 0;

  return {
    next(available = always) {
      if (max === 0 || !list.some((e) => e.weight > 0 && available(e.value))) return undefined;
      for (let i = 0; i < bound; i++) {
        index = (index + 1) % list.length;
        if (index === 0) {
          current -= step;
          if (current <= 0) current = max;
        }
        const entry = list[index]!;
        if (entry.weight >= current && available(entry.value)) return entry.value;
      }
      return undefined;
    },
  };
}
