/**
 * `strategy: p2c`, Traefik's power of two random choices (reference §3.3): two distinct random
 * available servers, the one with fewer requests in flight wins, a tie goes to the first drawn.
 * Weights are ignored, as in Traefik.
 */
import { availableOf, decidingAvailability, configuredWeights, peekResult, type PolicyServer, type SelectionPolicy } from './policy.ts';

interface State<T> {
  readonly server: T;
  inflight: number;
}

/**
 * Creates the policy. `random` returns a number in [0, 1) (Math.random in production, a fixed
 * sequence in tests); each pick among two or more available servers draws from it twice.
 */
export function createP2cPolicy<T extends PolicyServer>(servers: readonly T[], random: () => number): SelectionPolicy<T> {
  const states: State<T>[] = servers.map((server) => ({ server, inflight: 0 }));
  const byServer = new Map<T, State<T>>();
  for (const st of states) byServer.set(st.server, st);
  // Reused by every pick: the available servers of this pick occupy [0, count).
  const candidates: State<T>[] = states.slice();
  const weights = configuredWeights(servers);

  return {
    pick(_request, available) {
      let count = 0;
      for (const st of states) if (available(st.server)) candidates[count++] = st;
      if (count === 0) return undefined;
      if (count === 1) return candidates[0]!.server;
      // As Traefik: draw the first among all, the second among the others (shift past the first).
      // min() keeps a misbehaving random() that returns 1 inside the candidates.
      const i = Math.min(count - 1, Math.floor(random() * count));
      let j = Math.min(count - 2, Math.floor(random() * (count - 1)));
      if (j >= i) j++;
      const first = candidates[i]!;
      const second = candidates[j]!;
      return second.inflight < first.inflight ? second.server : first.server;
    },
    // Two draws from `random`: the next pick cannot be known without taking them.
    peek: (_request, available, ...otherwise) => peekResult(undefined, 'random', availableOf(servers, decidingAvailability(servers, available, otherwise))),
    onStart(s) {
      const st = byServer.get(s);
      if (st !== undefined) st.inflight++;
    },
    onHeaders() {},
    onEnd(s) {
      const st = byServer.get(s);
      if (st !== undefined && st.inflight > 0) st.inflight--;
    },
    weights: () => weights,
    dispose() {},
  };
}
