/**
 * Builds the selection policy a loadBalancer's `strategy` names. Traefik v3's strategies (`wrr`,
 * `p2c`, `hrw`, `leasttime`), Traefik 1.x's `drr`, and Switchyard's `hash` (consistent hashing
 * with bounded loads on a request key).
 */
import type { Clock } from '../../lib/clock.ts';
import { createBoundedHashPolicy } from './bounded-hash.ts';
import { createDrrPolicy, type DrrMemory } from './drr.ts';
import { createHrwPolicy } from './hrw.ts';
import { createLeastTimePolicy } from './least-time.ts';
import { createP2cPolicy } from './p2c.ts';
import type { PolicyServer, SelectionPolicy } from './policy.ts';
import { createWrrPolicy } from './wrr.ts';

/** The strategies a loadBalancer may name. */
export type PolicyStrategy = 'wrr' | 'p2c' | 'hrw' | 'leasttime' | 'drr' | 'hash';

/** What the policies may need: `drr` reads the clock, `p2c` draws randoms, `hash` bounds loads. */
export interface PolicyDeps {
  readonly clock: Clock;
  /** A number in [0, 1), as Math.random. */
  readonly random: () => number;
  /** `hash` only: how far above the mean load a server may go; 0 = unbounded. */
  readonly loadFactor: number;
  /** `drr` only: state kept across rebuilds of the same service. */
  readonly drrMemory?: DrrMemory;
}

/** Creates the `strategy` policy over `servers` (all with weight > 0), in the given order. */
export function createPolicy<T extends PolicyServer>(strategy: PolicyStrategy, servers: readonly T[], deps: PolicyDeps): SelectionPolicy<T> {
  switch (strategy) {
    case 'wrr':
      return createWrrPolicy(servers);
    case 'p2c':
      return createP2cPolicy(servers, deps.random);
    case 'hrw':
      return createHrwPolicy(servers);
    case 'leasttime':
      return createLeastTimePolicy(servers);
    case 'drr':
      return createDrrPolicy(servers, deps.clock, deps.drrMemory);
    case 'hash':
      return createBoundedHashPolicy(servers, { loadFactor: deps.loadFactor });
    default: {
      const unknown: never = strategy;
      throw new Error(`unknown strategy ${String(unknown)}`);
    }
  }
}
