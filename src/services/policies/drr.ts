/**
 * `drr` (Traefik 1.x `loadbalancer.method = "drr"`): oxy's roundrobin.Rebalancer, reference
 * §10.4. Each server's error ratio over a rolling 10 × 1 s window is watched; when every window
 * is ready, there are at least two servers and the 10 s back-off has passed, the end of a request
 * reconsiders the weights:
 * - some servers' ratios are outliers (createOutlierLimit: threshold 1.5, sentinel 0): every other
 *   ("good") server's weight is multiplied by 4 unless that would exceed 4096, then all weights
 *   are divided by their GCD;
 * - otherwise every weight that differs from the configured one moves back to
 *   max(configured, ⌊current / 4⌋), then the GCD division;
 * and if anything changed the back-off restarts. The bad servers' weights never drop: the good
 * ones grow away from them.
 *
 * Requests are spread by EDF weighted round robin over the current weights, rebuilt when they
 * change. (Traefik 1.x spread them by oxy's GCD interleaving: the shares are the same, the exact
 * order is not.)
 *
 * Weights are integers, as Traefik's are: the GCD normalisation needs them.
 */
import type { Clock } from '../../lib/clock.ts';
import { createWeightedRoundRobin, type WeightedRoundRobin } from '../weighted-round-robin.ts';
import { createOutlierLimit } from './outlier-limit.ts';
import { availableOf, decidingAvailability, peekResult, type PolicyServer, type SelectionPolicy } from './policy.ts';
import { createRatioCounter, type RatioCounter } from './rolling-ratio.ts';

/** oxy's constants. */
export const drrWindowBuckets = 10;
export const drrBucketMs = 1000;
export const drrBackoffMs = 10_000;
export const drrGrowFactor = 4;
export const drrMaxWeight = 4096;
export const drrSplitThreshold = 1.5;

/**
 * What a drr policy keeps across rebuilds of the same service (configuration reloads): current
 * weights, meters and the back-off. Reused only while the servers and their configured weights
 * are unchanged; oxy starts over when a server is added or removed, and so does this.
 */
export interface DrrMemory {
  signature: string;
  readonly current: Map<string, number>;
  readonly meters: Map<string, RatioCounter>;
  backoffUntil: number;
}

/** An empty memory (the first build of a service). */
export function createDrrMemory(): DrrMemory {
  return { signature: '', current: new Map(), meters: new Map(), backoffUntil: Number.NEGATIVE_INFINITY };
}

interface State<T> {
  readonly server: T;
  readonly original: number;
  current: number;
  readonly meter: RatioCounter;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/**
 * Creates the policy over `servers`, reading time from `clock` (no timers are set). With
 * `memory`, a rebuild over the same servers carries on where the previous policy was.
 */
export function createDrrPolicy<T extends PolicyServer>(servers: readonly T[], clock: Clock, memory?: DrrMemory): SelectionPolicy<T> {
  const signature = servers.map((s) => `${s.key}\u0000${s.weight}`).join('\n');
  const reuse = memory !== undefined && memory.signature === signature;
  if (memory !== undefined && !reuse) {
    memory.signature = signature;
    memory.current.clear();
    memory.meters.clear();
    memory.backoffUntil = Number.NEGATIVE_INFINITY;
  }
  const states: State<T>[] = servers.map((server) => {
    let meter = reuse ? memory.meters.get(server.key) : undefined;
    if (meter === undefined) {
      meter = createRatioCounter(clock, drrWindowBuckets, drrBucketMs);
      memory?.meters.set(server.key, meter);
    }
    return { server, original: server.weight, current: (reuse ? memory.current.get(server.key) : undefined) ?? server.weight, meter };
  });
  const byServer = new Map<T, State<T>>();
  for (const st of states) byServer.set(st.server, st);
  const ratings = new Float64Array(states.length);
  const outlierLimit = createOutlierLimit(states.length);
  // oxy starts with the back-off already expired (its timer is set 1 s in the past).
  let backoffUntil = reuse && memory.backoffUntil !== Number.NEGATIVE_INFINITY ? memory.backoffUntil : clock.now() - 1000;
  let edf: WeightedRoundRobin<T>;
  let weights: ReadonlyMap<string, number>;

  const apply = (): void => {
    edf = createWeightedRoundRobin(states.map((st) => ({ value: st.server, weight: st.current })));
    weights = new Map(states.map((st) => [st.server.key, st.current]));
    if (memory !== undefined) for (const st of states) memory.current.set(st.server.key, st.current);
  };
  apply();

  const normalize = (): void => {
    let divisor = states[0]!.current;
    for (const st of states) divisor = gcd(divisor, st.current);
    if (divisor <= 1) return;
    for (const st of states) st.current /= divisor;
  };

  /** Grows the good servers; false when none could grow. */
  const growGood = (limit: number): boolean => {
    let changed = false;
    for (let i = 0; i < states.length; i++) {
      const st = states[i]!;
      if (ratings[i]! > limit) continue;
      const grown = st.current * drrGrowFactor;
      if (grown > drrMaxWeight) continue;
      st.current = grown;
      changed = true;
    }
    if (!changed) return false;
    normalize();
    apply();
    return true;
  };

  /** Moves weights back towards the configured ones; false when they already are. */
  const converge = (): boolean => {
    let changed = false;
    for (const st of states) {
      if (st.current === st.original) continue;
      st.current = Math.max(st.original, Math.trunc(st.current / drrGrowFactor));
      changed = true;
    }
    if (!changed) return false;
    normalize();
    apply();
    return true;
  };

  const adjust = (): void => {
    if (states.length < 2) return;
    const now = clock.now();
    if (!(backoffUntil < now)) return;
    for (const st of states) if (!st.meter.isReady()) return;
    // While weights are steady this runs after every request, as in oxy: no allocation here.
    for (let i = 0; i < states.length; i++) ratings[i] = states[i]!.meter.ratio();
    const limit = outlierLimit(drrSplitThreshold, 0, ratings);
    let good = 0;
    for (let i = 0; i < ratings.length; i++) if (ratings[i]! <= limit) good++;
    const split = good > 0 && good < states.length;
    if (split ? growGood(limit) : converge()) {
      backoffUntil = now + drrBackoffMs;
      if (memory !== undefined) memory.backoffUntil = backoffUntil;
    }
  };

  return {
    pick: (_request, available) => edf.pick(available),
    peek: (_request, available, ...otherwise) => peekResult(edf.peek(available, ...otherwise), 'rotation',
      availableOf(servers, decidingAvailability(servers, available, otherwise))),
    onStart() {},
    onHeaders() {},
    onEnd(s, status, failed) {
      const st = byServer.get(s);
      if (st !== undefined) {
        // oxy's meter counts responses with status 500–504. A request that got no response counts
        // too: in Traefik 1.x the forwarder answered it with a 502 or 504 written through the
        // rebalancer's response writer, which is what the meter saw.
        if (failed || (status >= 500 && status <= 504)) st.meter.incA(1);
        else st.meter.incB(1);
      }
      // oxy reconsiders weights after every request, even one it could not attribute.
      adjust();
    },
    weights: () => weights,
    dispose() {},
  };
}
