/**
 * A worker process (main.ts runs this when forked by a control plane): runSwitchyard as a
 * worker, fed by the IPC channel. It serves every TCP entry point on sockets bound with
 * SO_REUSEPORT (the kernel spreads connections over the workers), routes from the snapshots
 * the control plane ships, follows its health transitions, forwards API and metrics requests
 * to it, and stops when it says so, or when it is gone.
 */
import type { Snapshot } from '../../config/snapshot.ts';
import type { StaticConfig } from '../../config/static.ts';
import { createSystemClock } from '../../lib/clock.ts';
import { createLogger, type Logger } from '../../observability/logger.ts';
import { runSwitchyard, type RunningSwitchyard } from '../switchyard.ts';
import { createFollowingHealthRegistry } from './following-health-registry.ts';
import { createInternalForwarder } from './internal-forwarder.ts';
import { acmeHttpChallengeKey, type StatisticsPurpose, type WorkerRole, type WorkerStatistics } from './process-role.ts';
import type { FromWorker, ShippedConfiguration, ToWorker } from './worker-messages.ts';

/** How often a worker sends its statistics unasked (for the API's statistics stream). */
export const statisticsPushMs = 1000;

/** Internal services the control plane answers: they show its view (configuration, health, sums). */
const forwardedServices = new Set(['api@internal', 'prometheus@internal', acmeHttpChallengeKey]);

const emptyStatistics: WorkerStatistics = { liveStats: { entryPoints: new Map(), routers: new Map(), services: new Map() }, details: null, metrics: null };

/** Runs this process as a worker until its control plane stops it; resolves with the exit code. */
export async function runWorkerProcess(): Promise<number> {
  const post = (message: FromWorker): void => {
    if (process.connected) process.send!(message);
  };
  const start = await new Promise<Extract<ToWorker, { type: 'start' }>>((resolve, reject) => {
    const onStart = (m: unknown): void => {
      const message = m as ToWorker;
      if (message.type === 'sync') post({ type: 'synced', seq: message.seq });
      if (message.type !== 'start') return;
      process.off('message', onStart);
      resolve(message);
    };
    process.on('message', onStart);
    process.once('disconnect', () => reject(new Error('the control plane went away before starting this worker')));
  });
  const config: StaticConfig = start.config;
  const logger: Logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    ...(config.log.filePath ? { filePath: config.log.filePath } : {}),
    noColor: config.log.noColor,
  }).child({ worker: start.id });

  const clock = createSystemClock();
  const health = createFollowingHealthRegistry(clock, (change) => post({ type: 'health', change }));
  for (const change of start.health) health.follow(change);
  const forwarder = createInternalForwarder(post);
  let statistics: (purpose: StatisticsPurpose) => WorkerStatistics = () => emptyStatistics;
  let certificates = start.configuration?.certificates ?? [];
  /** A configuration that arrived before runSwitchyard asked for the feed. */
  let waiting: ShippedConfiguration | null = start.configuration;
  let apply: ((snapshots: ReadonlyMap<string, Snapshot>) => void) | null = null;
  const applyShipped = (c: ShippedConfiguration): void => {
    certificates = c.certificates;
    apply!(new Map(c.snapshots.map((s) => [s.provider, s])));
  };

  const role: WorkerRole = {
    kind: 'worker',
    health,
    feed(applyConfiguration) {
      apply = applyConfiguration;
      // Applied before the entry points listen: a restarted worker never answers 404 for lack of routes.
      if (waiting !== null) applyShipped(waiting);
      waiting = null;
      let stopped: () => void = () => undefined;
      return {
        run: (signal) => new Promise<void>((resolve) => {
          stopped = resolve;
          if (signal.aborted) resolve();
          else signal.addEventListener('abort', () => resolve(), { once: true });
        }),
        dispose() {
          apply = null;
          stopped();
        },
      };
    },
    certificates: () => certificates,
    forwardInternal: (name) => (forwardedServices.has(name) ? forwarder.handler(name) : undefined),
    shutdownPhase: (phase, entryPoint) => post({ type: 'phase', phase, entryPoint: entryPoint ?? null }),
    provideStatistics(source) {
      statistics = source;
    },
  };

  const pushTimer = setInterval(() => post({ type: 'statistics', seq: null, statistics: statistics('push') }), statisticsPushMs);
  pushTimer.unref();
  let running: RunningSwitchyard | null = null;
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    clearInterval(pushTimer);
    await running?.stop();
    logger.flush?.();
  })());

  process.on('message', (m: unknown) => {
    const message = m as ToWorker;
    switch (message.type) {
      case 'start':
        return;
      case 'configure':
        if (apply === null) waiting = message.configuration;
        else applyShipped(message.configuration);
        return;
      case 'health':
        health.follow(message.change);
        return;
      case 'sync':
        post({ type: 'synced', seq: message.seq });
        return;
      case 'collect':
        post({ type: 'statistics', seq: message.seq, statistics: statistics(message.purpose) });
        return;
      case 'internal-response':
        forwarder.receive(message.id, message.part);
        return;
      case 'stop':
        void stop().then(() => process.exit(0));
        return;
      default: {
        const never: never = message;
        throw new Error(`unknown control plane message ${String(never)}`);
      }
    }
  });
  // The control plane decides when workers stop (a signal to the whole process group, such as
  // Ctrl-C, reaches them too); without it they stop on their own.
  const ignore = (signal: NodeJS.Signals): void => logger.debug({ signal }, 'signal ignored: the control plane stops workers');
  process.on('SIGTERM', ignore).on('SIGINT', ignore);
  process.once('disconnect', () => {
    forwarder.abortAll('the control plane went away');
    logger.warn({}, 'the control plane went away; stopping');
    void stop().then(() => process.exit(0));
  });

  try {
    running = await runSwitchyard(config, logger, { role, ...(start.webRoot !== null ? { webRoot: start.webRoot } : {}) });
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    logger.flush?.();
    return 1;
  }
  post({ type: 'listening', ports: new Map(running.ports) });
  // Runs until the control plane sends `stop` (or goes away): both exit the process.
  return new Promise<number>(() => undefined);
}
