/**
 * Selection-policy state that outlives a configuration reload (DESIGN.md: DRR weights live in
 * keyed, ref-counted pools outside the built state). One entry per service name; a policy
 * decides itself whether what it finds still applies (drr: same servers and weights).
 */
import { createDrrMemory, type DrrMemory } from './policies/drr.ts';

export interface PolicyMemory {
  readonly drr: DrrMemory;
}

export interface PolicyMemoryRegistry {
  /** The memory of a service; each acquire needs one release. */
  acquire(service: string): PolicyMemory;
  release(service: string): void;
}

export function createPolicyMemoryRegistry(): PolicyMemoryRegistry {
  const entries = new Map<string, { memory: PolicyMemory; refs: number }>();
  return {
    acquire(service) {
      let e = entries.get(service);
      if (e === undefined) entries.set(service, (e = { memory: { drr: createDrrMemory() }, refs: 0 }));
      e.refs++;
      return e.memory;
    },
    release(service) {
      const e = entries.get(service);
      if (e !== undefined && --e.refs <= 0) entries.delete(service);
    },
  };
}
