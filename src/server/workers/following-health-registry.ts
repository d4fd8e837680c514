/**
 * A worker's health registry: ordinary records that follow the control plane. Transitions the
 * control plane sends are applied (and remembered for records this worker makes later); a
 * transition this worker makes itself (its passive checks see its own traffic) is reported,
 * and the control plane sends it back to every worker.
 */
import type { Clock } from '../../lib/clock.ts';
import { createHealthRegistry, type HealthRegistry, type ServerHealth } from '../../services/health/server-health.ts';
import type { HealthChange } from './worker-messages.ts';

export interface FollowingHealthRegistry extends HealthRegistry {
  /** Applies a transition the control plane sent. */
  follow(change: HealthChange): void;
}

const keyOf = (service: string, url: string): string => `${service}\u0000${url}`;

/** Creates the registry; `report` is told about each transition made in this worker. */
export function createFollowingHealthRegistry(clock: Clock, report: (change: HealthChange) => void): FollowingHealthRegistry {
  const base = createHealthRegistry(clock);
  /** The control plane's latest word per server, for records made after it arrived. */
  const known = new Map<string, HealthChange>();
  const unsubscribes = new Map<string, () => void>();
  let following = false;

  const apply = (health: ServerHealth, change: HealthChange): void => {
    following = true;
    try {
      health.set(change.status, change.reason);
    } finally {
      following = false;
    }
    if (change.status === 'DOWN' && change.passiveDownAgoMs !== null) health.checks.passiveDownAt = clock.now() - change.passiveDownAgoMs;
  };

  const onLocalChange = (health: ServerHealth): void => {
    if (following) return;
    // The passive check records when it took the server down just after set() returns.
    queueMicrotask(() => {
      const downAt = health.checks.passiveDownAt;
      report({
        service: health.service, url: health.url, status: health.status, reason: health.reason,
        passiveDownAgoMs: health.status === 'DOWN' && downAt !== undefined ? clock.now() - downAt : null,
      });
    });
  };

  return {
    clock,
    acquire(service, url) {
      const key = keyOf(service, url);
      const fresh = base.get(service, url) === undefined;
      const health = base.acquire(service, url);
      if (fresh) {
        const change = known.get(key);
        if (change !== undefined) apply(health, change);
        unsubscribes.set(key, health.subscribe(onLocalChange));
      }
      return health;
    },
    release(service, url) {
      base.release(service, url);
      if (base.get(service, url) !== undefined) return;
      const key = keyOf(service, url);
      unsubscribes.get(key)?.();
      unsubscribes.delete(key);
      known.delete(key);
    },
    get: (service, url) => base.get(service, url),
    follow(change) {
      known.set(keyOf(change.service, change.url), change);
      const health = base.get(change.service, change.url);
      if (health !== undefined) apply(health, change);
    },
  };
}
