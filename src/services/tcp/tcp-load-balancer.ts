/**
 * The TCP loadBalancer service (Traefik pkg/server/service/tcp/service.go): each connection goes
 * to the next server of a GCD round robin where every server weighs 1 (so plain rotation),
 * skipping servers an active health check has marked DOWN; with no server UP the connection is
 * closed, as Traefik does.
 *
 * Health state lives in the HealthRegistry keyed by (service, server address), so a reload
 * keeps it. Servers stay in configuration order (Traefik shuffles them on each build).
 */
import type { TcpLoadBalancerService } from '../../config/tcp.ts';
import type { ServerStatus } from '../../config/runtime.ts';
import type { Clock } from '../../lib/clock.ts';
import type { TcpHandler } from '../../lib/tcp-connection.ts';
import { createComputedHealthSignal } from '../health/health-signal.ts';
import type { HealthRegistry, HealthStatus, ServerHealth } from '../health/server-health.ts';
import type { BuiltTcpService } from './built-tcp-service.ts';
import { createGcdRoundRobin } from './gcd-round-robin.ts';
import { splitHostPort } from './host-port.ts';
import { L4ServiceConfigError } from './l4-service-error.ts';
import type { TcpDialSettings } from './tcp-dial.ts';
import { createTcpForward } from './tcp-forward.ts';
import { startTcpHealthCheck, type TcpHealthCheck } from './tcp-health-check.ts';

export interface TcpLoadBalancerDeps {
  /** The resolved servers transport (the named one, or the static default). */
  readonly settings: TcpDialSettings;
  readonly health: HealthRegistry;
  readonly clock: Clock;
  /** Told about every server status change (logging). */
  readonly onHealthChange?: (service: string, address: string, status: HealthStatus, reason: string) => void;
  /** Told when a connection to a server fails (logging). */
  readonly onServerError?: (service: string, address: string, err: Error) => void;
  /** Told after every health probe (tests, metrics). */
  readonly onProbe?: (service: string, address: string, ok: boolean, reason: string) => void;
  /** False in a worker process: the control plane probes and `health` carries the results. Default true. */
  readonly activeHealthChecks?: boolean;
}

interface Server {
  readonly address: string;
  readonly handler: TcpHandler;
  /** Null without an active health check: always UP. */
  readonly health: ServerHealth | null;
}

/**
 * Builds the service `name` (qualified). Throws L4ServiceConfigError for a server address that
 * is not `host:port`.
 */
export function createTcpLoadBalancer(name: string, config: TcpLoadBalancerService, deps: TcpLoadBalancerDeps): BuiltTcpService {
  const targets = config.servers.map((server, index) => {
    const target = splitHostPort(server.address);
    if (typeof target === 'string') throw new L4ServiceConfigError('SERVICE_SERVER_ADDRESS_INVALID', `servers[${index}].address`, target);
    return target;
  });
  const checked = config.healthCheck !== undefined;
  const servers: Server[] = config.servers.map((server, index) => ({
    address: server.address,
    handler: createTcpForward({
      target: targets[index]!,
      tls: server.tls,
      settings: deps.settings,
      clock: deps.clock,
      onError: (err) => deps.onServerError?.(name, server.address, err),
    }),
    health: checked ? deps.health.acquire(name, server.address) : null,
  }));

  const wrr = createGcdRoundRobin(servers.map((s) => ({ value: s, weight: 1 })));
  const isUp = (s: Server): boolean => s.health === null || s.health.status === 'UP';
  const handler: TcpHandler = (connection) => {
    const server = wrr.next(isUp);
    if (server === undefined) {
      connection.close();
      return;
    }
    server.handler(connection);
  };

  let check: TcpHealthCheck | null = null;
  let signal: ReturnType<typeof createComputedHealthSignal> | null = null;
  const unsubscribes: (() => void)[] = [];
  if (config.healthCheck !== undefined) {
    signal = createComputedHealthSignal(() => servers.some(isUp));
    const recheck = signal.recheck;
    for (const s of servers) unsubscribes.push(s.health!.subscribe(() => recheck()));
    if (deps.activeHealthChecks !== false) check = startTcpHealthCheck({
      config: config.healthCheck,
      servers: servers.map((s, i) => ({ address: s.address, target: targets[i]!, tls: config.servers[i]!.tls, health: s.health! })),
      settings: deps.settings,
      clock: deps.clock,
      onChange: (address, status, reason) => deps.onHealthChange?.(name, address, status, reason),
      onProbe: (address, ok, reason) => deps.onProbe?.(name, address, ok, reason),
    });
  }

  let disposed = false;
  return {
    handler,
    health: signal,
    serverStatus() {
      const out: Record<string, ServerStatus> = {};
      for (const s of servers) out[s.address] = isUp(s) ? 'UP' : 'DOWN';
      return out;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      check?.stop();
      for (const u of unsubscribes) u();
      for (const s of servers) if (s.health !== null) deps.health.release(name, s.address);
    },
  };
}
