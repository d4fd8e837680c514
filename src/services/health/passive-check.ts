/**
 * Passive health check (reference §6.2): the load balancer reports the outcome of every request
 * it forwarded; enough failures within a sliding window take the server DOWN.
 *
 * The failure timestamps live on the ServerHealth record (HealthCheckState), so a reload keeps
 * the window. Unlike Traefik, a server taken DOWN here is DOWN in the same record the API shows.
 */
import type { PassiveHealthCheckConfig } from '../../config/http-services.ts';
import { formatDuration } from '../../config/duration.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { ServerHealth } from './server-health.ts';

export interface PassiveHealthCheck {
  /**
   * Reports one forwarded request: `failed` when the server was never reached or gave no
   * response, else its final `status`. A failure is `failed` or status ≥ 500; anything else
   * clears the server's failures.
   */
  onResult(health: ServerHealth, status: number, failed: boolean): void;
  /** Cancels the recovery timers; the records keep their state for the next checker. */
  dispose(): void;
}

export interface PassiveHealthCheckDeps {
  readonly clock: Clock;
  /** With an active check, a server taken DOWN stays DOWN until the active check sees it healthy. */
  readonly hasActiveCheck: boolean;
  /**
   * The service's records, when known: a server a previous checker took DOWN (before a reload)
   * gets its recovery timer again, for the time that remains. Without them such a server waits
   * for its next request result, which a DOWN server does not get.
   */
  readonly servers?: readonly ServerHealth[];
}

/** Creates the passive check of one loadBalancer service. */
export function createPassiveHealthCheck(config: PassiveHealthCheckConfig, deps: PassiveHealthCheckDeps): PassiveHealthCheck {
  const { clock, hasActiveCheck } = deps;
  const window = config.failureWindow;
  const timers = new Map<ServerHealth, TimerHandle>();
  let disposed = false;

  function recover(health: ServerHealth, downAt: number): void {
    timers.delete(health);
    // Only undo our own DOWN: set() clears passiveDownAt on any later change of status.
    if (health.status !== 'DOWN' || health.checks.passiveDownAt !== downAt) return;
    health.set('UP', `passive: up again ${formatDuration(window)} after being taken down`);
  }

  function armRecovery(health: ServerHealth, downAt: number): void {
    if (hasActiveCheck || timers.has(health)) return;
    const delay = downAt + window - clock.now();
    if (delay <= 0) {
      recover(health, downAt);
      return;
    }
    timers.set(health, clock.setTimeout(() => recover(health, downAt), delay));
  }

  for (const health of deps.servers ?? []) {
    const downAt = health.checks.passiveDownAt;
    if (downAt !== undefined && health.status === 'DOWN') armRecovery(health, downAt);
  }

  return {
    onResult(health, status, failed) {
      if (disposed) return;
      const failures = health.checks.passiveFailures;
      if (!failed && status < 500) {
        failures.length = 0;
        return;
      }
      const now = clock.now();
      failures.push(now);
      // Sliding window: a failure exactly `window` ago is out (Traefik keeps those strictly after).
      let old = 0;
      while (old < failures.length && failures[old]! <= now - window) old++;
      if (old > 0) failures.splice(0, old);
      if (failures.length < config.maxFailedAttempts || health.status === 'DOWN') return;
      const count = failures.length;
      health.set('DOWN', `passive: ${count} ${count === 1 ? 'failure' : 'failures'} within ${formatDuration(window)}`);
      health.checks.passiveDownAt = now;
      armRecovery(health, now);
    },
    dispose() {
      disposed = true;
      for (const handle of timers.values()) clock.clearTimeout(handle);
      timers.clear();
    },
  };
}
