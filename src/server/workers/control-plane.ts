/**
 * The control plane of a Switchyard running `workers` > 1 processes (docs/workers.md). It
 * reserves the ports, starts the workers, then runs runSwitchyard as the control plane:
 * providers, the pipeline (its RuntimeConfig, with diagnostics' file:line, is what the API
 * shows), active health checks, ACME, UDP entry points. Each applied configuration is shipped
 * to the workers, each health transition broadcast, and the API and metrics requests workers
 * forward are answered here with every worker's statistics added up.
 */
import type { StaticConfig } from '../../config/static.ts';
import { createSystemClock, type Clock } from '../../lib/clock.ts';
import type { Handler } from '../../lib/exchange.ts';
import type { Logger } from '../../observability/logger.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import { runSwitchyard, type RunningSwitchyard } from '../switchyard.ts';
import { createBroadcastHealthRegistry } from './broadcast-health-registry.ts';
import { ForwardedExchange } from './forwarded-exchange.ts';
import type { ControlPlaneRole } from './process-role.ts';
import { reservePorts } from './reserve-ports.ts';
import { spawnWorker, type WorkerChannel } from './spawn-worker.ts';
import { createWorkerFleet, type WorkerFleet } from './worker-fleet.ts';
import { shippable, type FromWorker } from './worker-messages.ts';
import { createWorkersHandler } from './workers-handler.ts';

export interface ControlPlaneOptions {
  /** Worker processes to run (at least 2; one worker is a single process without a control plane). */
  readonly workers: number;
  readonly clock?: Clock;
  readonly webRoot?: string;
  /** Starts one worker process; default: fork this program (spawn-worker.ts). */
  readonly spawn?: (id: number) => WorkerChannel;
}

/** Margin past the entry points' own grace periods before a worker that did not stop is killed. */
const stopMarginMs = 10_000;

/** Starts the workers and the control plane; the result stops them all. */
export async function runControlPlane(config: StaticConfig, logger: Logger, options: ControlPlaneOptions): Promise<RunningSwitchyard> {
  // Node's reusePort is refused elsewhere, and only Linux spreads connections over the sockets.
  if (process.platform !== 'linux') throw new Error(`workers: ${options.workers} needs SO_REUSEPORT load balancing (Linux); run with workers: 1`);
  const clock = options.clock ?? createSystemClock();
  const reservation = await reservePorts(config);
  let handlers: ReadonlyMap<string, Handler> = new Map();
  /** Requests workers forwarded, by `worker:id`, until their response ended. */
  const open = new Map<string, ForwardedExchange>();
  // eslint-disable-next-line prefer-const -- the registry's broadcast needs the fleet, made after it
  let fleet: WorkerFleet;
  const health = createBroadcastHealthRegistry(clock, (change) => fleet.broadcast({ type: 'health', change }));

  const answer = (worker: number, message: Extract<FromWorker, { type: 'internal-request' }>): void => {
    const key = `${worker}:${message.id}`;
    const exchange = new ForwardedExchange(message.head, message.body, (part) => {
      if (part.kind === 'end' || part.kind === 'error') open.delete(key);
      fleet.send(worker, { type: 'internal-response', id: message.id, part });
    });
    open.set(key, exchange);
    // Fresh statistics from every worker first: /api/stats and /metrics show exact sums.
    void fleet.collect(message.service === 'prometheus@internal' ? 'scrape' : 'api').then(async () => {
      if (exchange.clientGone) return;
      const handler = handlers.get(message.service);
      if (handler === undefined) {
        sendProxyError(exchange, proxyError('NO_ROUTE'));
        return;
      }
      try {
        await handler(exchange);
      } catch (err) {
        logger.error({ err, service: message.service }, 'internal service failed on a forwarded request');
        if (!exchange.response.headSent) sendProxyError(exchange, proxyError('INTERNAL'));
        else exchange.response.destroy(err instanceof Error ? err : new Error(String(err)));
      }
    });
  };

  fleet = createWorkerFleet({
    count: options.workers,
    config: reservation.config,
    webRoot: options.webRoot ?? null,
    clock,
    logger,
    spawn: options.spawn ?? spawnWorker,
    healthTable: () => health.table(),
    stopTimeoutMs: Math.max(0, ...Object.values(config.entryPoints).map((ep) =>
      ep.transport.lifeCycle.requestAcceptGraceTimeout + ep.transport.lifeCycle.graceTimeOut)) + stopMarginMs,
    onMessage(worker, message) {
      switch (message.type) {
        case 'health': {
          // A worker's passive check: logged (unlike in one process) because it changes every worker.
          const { service, url, status, reason } = message.change;
          if (health.applyReport(message.change)) {
            fleet.announce(() => (status === 'DOWN' ? logger.warn.bind(logger) : logger.info.bind(logger))({ service, url, status, reason, worker }, 'server health changed'));
          }
          return;
        }
        case 'internal-request':
          answer(worker, message);
          return;
        case 'internal-cancel':
          open.get(`${worker}:${message.id}`)?.cancel();
          return;
        default:
          return;
      }
    },
    onWorkerGone(worker) {
      for (const [key, exchange] of open) {
        if (!key.startsWith(`${worker}:`)) continue;
        open.delete(key);
        exchange.cancel();
      }
    },
  });

  let ports: ReadonlyMap<string, number>;
  try {
    ports = await fleet.start();
  } finally {
    reservation.release();
  }
  const tcpListening = new Map<string, { host: string; port: number }>();
  for (const [name, ep] of Object.entries(reservation.config.entryPoints)) {
    if (ep.listen.protocol === 'tcp') tcpListening.set(name, { host: ep.listen.host === '' ? '::' : ep.listen.host, port: ports.get(name) ?? ep.listen.port });
  }

  const role: ControlPlaneRole = {
    kind: 'control-plane',
    tcpListening,
    health,
    shipConfiguration(snapshots, certificates) {
      try {
        fleet.ship({ snapshots: shippable(snapshots), certificates });
      } catch (err) {
        // A snapshot that cannot be cloned is a bug in a provider: the workers keep the previous one.
        logger.error({ err }, 'the configuration could not be sent to the workers');
      }
    },
    announce: (log) => fleet.announce(log),
    workerStatistics: () => fleet.statistics(),
    apiExtensions: new Map([['workers', createWorkersHandler(() => fleet.describe())]]),
    serveInternal(served) {
      handlers = served;
    },
  };
  let running: RunningSwitchyard;
  try {
    running = await runSwitchyard(config, logger, { role, ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}) });
  } catch (err) {
    await fleet.stop();
    throw err;
  }
  return {
    ports: running.ports,
    async stop() {
      await Promise.all([fleet.stop(), running.stop()]);
    },
  };
}
