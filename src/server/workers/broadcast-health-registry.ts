/**
 * The control plane's health registry: an ordinary one whose every transition, whatever made
 * it (an active check, a worker's passive check reported here, a reload that removed the
 * checks), is handed to `broadcast` so every worker follows. A worker that starts gets the
 * whole table.
 */
import type { Clock } from '../../lib/clock.ts';
import { createHealthRegistry, type HealthRegistry, type ServerHealth } from '../../services/health/server-health.ts';
import type { HealthChange } from './worker-messages.ts';

export interface BroadcastHealthRegistry extends HealthRegistry {
  /** Every record's status now, for a worker that starts. */
  table(): HealthChange[];
  /**
   * Applies a transition a worker's passive check made: the record changes here (and so on
   * every worker); the active check, running here, brings the server back. True when the
   * status changed.
   */
  applyReport(change: HealthChange): boolean;
}

const keyOf = (service: string, url: string): string => `${service}\u0000${url}`;

/** Creates the registry; `broadcast` is called after each change of a record's status. */
export function createBroadcastHealthRegistry(clock: Clock, broadcast: (change: HealthChange) => void): BroadcastHealthRegistry {
  const base = createHealthRegistry(clock);
  const records = new Map<string, { readonly health: ServerHealth; readonly unsubscribe: () => void }>();
  /** The report being applied: its passive-down age travels on (set() runs listeners first). */
  let applying: HealthChange | null = null;

  const changeOf = (h: ServerHealth): HealthChange => {
    const downAt = h.checks.passiveDownAt;
    return {
      service: h.service, url: h.url, status: h.status, reason: h.reason,
      passiveDownAgoMs: applying !== null ? applying.passiveDownAgoMs
        : h.status === 'DOWN' && downAt !== undefined ? clock.now() - downAt : null,
    };
  };

  return {
    clock,
    acquire(service, url) {
      const health = base.acquire(service, url);
      const key = keyOf(service, url);
      if (!records.has(key)) records.set(key, { health, unsubscribe: health.subscribe((h) => broadcast(changeOf(h))) });
      return health;
    },
    release(service, url) {
      base.release(service, url);
      const key = keyOf(service, url);
      if (base.get(service, url) !== undefined) return;
      records.get(key)?.unsubscribe();
      records.delete(key);
    },
    get: (service, url) => base.get(service, url),
    table: () => [...records.values()].map(({ health }) => changeOf(health)),
    applyReport(change) {
      const health = base.get(change.service, change.url);
      if (health === undefined) return false; // a worker still on a configuration that had the server
      const changed = health.status !== change.status;
      applying = change;
      try {
        health.set(change.status, change.reason);
      } finally {
        applying = null;
      }
      if (change.status === 'DOWN' && change.passiveDownAgoMs !== null) health.checks.passiveDownAt = clock.now() - change.passiveDownAgoMs;
      return changed;
    },
  };
}
