/**
 * `strategy: wrr` (Traefik's default): earliest-deadline-first weighted round robin, with
 * Traefik's exact sequences (reference §4.1). Request outcomes do not change it.
 */
import { createWeightedRoundRobin } from '../weighted-round-robin.ts';
import { configuredWeights, type PolicyServer, type SelectionPolicy } from './policy.ts';

/** Creates the EDF policy over `servers` in the given order. */
export function createWrrPolicy<T extends PolicyServer>(servers: readonly T[]): SelectionPolicy<T> {
  const edf = createWeightedRoundRobin(servers.map((s) => ({ value: s, weight: s.weight })));
  const weights = configuredWeights(servers);
  return {
    pick: (_request, available) => edf.pick(available),
    onStart() {},
    onHeaders() {},
    onEnd() {},
    weights: () => weights,
    dispose() {},
  };
}
