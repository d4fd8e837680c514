/**
 * `strategy: wrr` (Traefik's default): earliest-deadline-first weighted round robin, with
 * Traefik's exact sequences (reference §4.1). Request outcomes do not change it.
 */
import { createWeightedRoundRobin } from '../weighted-round-robin.ts';
import { availableOf, decidingAvailability, configuredWeights, peekResult, type PolicyServer, type SelectionPolicy } from './policy.ts';

/** Creates the EDF policy over `servers` in the given order. */
export function createWrrPolicy<T extends PolicyServer>(servers: readonly T[]): SelectionPolicy<T> {
  const edf = createWeightedRoundRobin(servers.map((s) => ({ value: s, weight: s.weight })));
  const weights = configuredWeights(servers);
  return {
    pick: (_request, available) => edf.pick(available),
    peek: (_request, available, ...otherwise) => peekResult(edf.peek(available, ...otherwise), 'rotation',
      availableOf(servers, decidingAvailability(servers, available, otherwise))),
    onStart() {},
    onHeaders() {},
    onEnd() {},
    weights: () => weights,
    dispose() {},
  };
}
