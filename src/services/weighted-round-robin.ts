/**
 * Traefik's HTTP weighted round robin: earliest deadline first (reference §4.1).
 *
 * Each entry's deadline advances by 1/weight when it is picked; the entry with the earliest
 * deadline is picked next. The binary heap reproduces Go's container/heap sift rules (strict
 * `<`, same swap order) and the same floating-point additions, so the sequences are exactly
 * Traefik's: weights 3:1 give A A B A A A A B, 11:3 give AAABAAAABAAABA.
 *
 * This is a pure selection policy: it knows nothing of HTTP. Entries the caller says are not
 * available keep advancing their deadline (no credit accumulates while down), as in Traefik.
 */

interface Entry<T> {
  readonly value: T;
  readonly weight: number;
  deadline: number;
}

export interface WeightedRoundRobin<T> {
  /** Picks the next available value, or undefined when none is available. */
  pick(isAvailable?: (value: T) => boolean): T | undefined;
  /**
   * The value `pick(isAvailable) ?? pick(otherwise[0]) ?? …` would return now, leaving every
   * deadline and the heap as they were, so the next pick() is unchanged (`/api/explain`). A pick
   * that finds nothing still moves deadlines, hence the fallbacks. The predicates must not call
   * back into this.
   */
  peek(isAvailable?: (value: T) => boolean, ...otherwise: ((value: T) => boolean)[]): T | undefined;
  /** Number of entries taking part (weight > 0). */
  readonly size: number;
}

/**
 * Creates the policy over `entries` in the given order. Entries with weight <= 0 take no part:
 * they get no new traffic (stickiness, when it comes, may still reach them: DESIGN.md).
 */
export function createWeightedRoundRobin<T>(entries: readonly { value: T; weight: number }[]): WeightedRoundRobin<T> {
  const heap: Entry<T>[] = [];

  const less = (i: number, j: number): boolean => heap[i]!.deadline < heap[j]!.deadline;
  const swap = (i: number, j: number): void => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const up = (j0: number): void => {
    let j = j0;
    for (;;) {
      const i = Math.trunc((j - 1) / 2); // Go's integer division truncates towards zero
      if (i === j || !less(j, i)) break;
      swap(i, j);
      j = i;
    }
  };
  const down = (i0: number, n: number): void => {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && less(j2, j1)) j = j2;
      if (!less(j, i)) break;
      swap(i, j);
      i = j;
    }
  };
  const push = (e: Entry<T>): void => {
    heap.push(e);
    up(heap.length - 1);
  };
  const pop = (): Entry<T> => {
    const n = heap.length - 1;
    swap(0, n);
    down(0, n);
    return heap.pop()!;
  };

  for (const { value, weight } of entries) {
    if (!(weight > 0)) continue;
    // Traefik adds every entry at the current deadline, which is 0 when a balancer is built.
    push({ value, weight, deadline: 1 / weight });
  }

  const pick = (isAvailable?: (value: T) => boolean): T | undefined => {
    const n = heap.length;
    if (n === 0) return undefined;
    for (let tries = 1; ; tries++) {
      const e = pop();
      e.deadline += 1 / e.weight;
      push(e);
      if (isAvailable === undefined || isAvailable(e.value)) return e.value;
      // After n misses, make sure some entry is available before going on, so the loop
      // ends; a heavy unavailable entry may take many pops before a light one is due.
      if (tries === n && !heap.some((x) => isAvailable(x.value))) return undefined;
    }
  };

  return {
    get size() {
      return heap.length;
    },
    pick,
    peek(isAvailable, ...otherwise) {
      // Run the real pick, then put the heap back: the same code decides, so peek cannot drift
      // from pick. A pick only reorders the heap and moves deadlines forward.
      const order = heap.slice();
      const deadlines = order.map((e) => e.deadline);
      try {
        let chosen = pick(isAvailable);
        for (let i = 0; chosen === undefined && i < otherwise.length; i++) chosen = pick(otherwise[i]);
        return chosen;
      } finally {
        for (let i = 0; i < order.length; i++) {
          heap[i] = order[i]!;
          order[i]!.deadline = deadlines[i]!;
        }
      }
    },
  };
}
