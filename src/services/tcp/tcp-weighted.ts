/**
 * The TCP weighted service: a GCD round robin over child TCP services (reference §4.2), nested to
 * any depth. A child with weight ≤ 0 is never picked; with no pickable child the connection is
 * closed (Traefik: "all servers have 0 weight").
 *
 * With `healthCheck: {}` the service follows its children's health (reference §4.3): a child
 * reported down is skipped, and the service reports itself up while one child with a positive
 * weight is up. Every child must then report health (a loadBalancer with an active healthCheck,
 * or a weighted service with `healthCheck: {}`), otherwise building fails, as in Traefik.
 */
import type { TcpWeightedService } from '../../config/tcp.ts';
import type { TcpHandler } from '../../lib/tcp-connection.ts';
import { createComputedHealthSignal, type HealthSignal } from '../health/health-signal.ts';
import type { BuiltTcpService } from './built-tcp-service.ts';
import { createGcdRoundRobin } from './gcd-round-robin.ts';
import { L4ServiceConfigError } from './l4-service-error.ts';

/** A child as its parent sees it. */
export interface TcpChildService {
  /** The name as written in the parent (diagnostics). */
  readonly name: string;
  readonly weight: number;
  readonly handler: TcpHandler;
  readonly health: HealthSignal | null;
}

/**
 * Builds the weighted service `name` (qualified) over `children` in configuration order.
 * Throws L4ServiceConfigError when `healthCheck: {}` is set and a child reports no health.
 */
export function createTcpWeighted(name: string, config: TcpWeightedService, children: readonly TcpChildService[]): BuiltTcpService {
  const follow = config.healthCheck !== undefined;
  if (follow) {
    const index = children.findIndex((c) => c.health === null);
    if (index >= 0) {
      throw new L4ServiceConfigError('SERVICE_CHILD_NOT_HEALTH_AWARE', 'healthCheck',
        `child service "${children[index]!.name}" of "${name}" does not report health: give it a health check `
        + '(loadBalancer.healthCheck, or healthCheck: {} on a weighted service)');
    }
  }
  const isUp = (c: TcpChildService): boolean => !follow || c.health!.isUp();
  const wrr = createGcdRoundRobin(children.map((c) => ({ value: c, weight: c.weight })));
  const handler: TcpHandler = (connection) => {
    const child = wrr.next(isUp);
    if (child === undefined) {
      connection.close();
      return;
    }
    child.handler(connection);
  };

  const signal = follow ? createComputedHealthSignal(() => children.some((c) => c.weight > 0 && isUp(c))) : null;
  const unsubscribes = signal === null ? [] : children.map((c) => c.health!.subscribe(() => signal.recheck()));
  return {
    handler,
    health: signal,
    serverStatus: () => undefined,
    dispose() {
      for (const u of unsubscribes) u();
      unsubscribes.length = 0;
    },
  };
}
