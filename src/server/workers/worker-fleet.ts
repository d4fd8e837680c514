/**
 * The control plane's worker processes: starting them, restarting one that dies (exponential
 * backoff; only its own connections are lost, the others keep the port), sending them what
 * they follow, and three ways of waiting on all of them:
 *  - announce: a log line waits until every worker handled everything sent before it;
 *  - collect: fresh statistics from every worker before the API answers;
 *  - stop: the graceful stop of every worker, its phases logged once all reached each one.
 */
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { Logger } from '../../observability/logger.ts';
import type { StaticConfig } from '../../config/static.ts';
import type { StatisticsPurpose, WorkerStatistics } from './process-role.ts';
import type { WorkerChannel } from './spawn-worker.ts';
import type { FromWorker, HealthChange, ShippedConfiguration, ToWorker } from './worker-messages.ts';

/** Restart delays: the first after this many ms, doubling up to the maximum. */
export const restartBackoff = { initialMs: 100, maxMs: 30_000, resetAfterMs: 30_000 } as const;

/** How long the API waits for a worker's statistics before answering without them. */
export const collectTimeoutMs = 1000;

export type WorkerState = 'starting' | 'running' | 'restarting' | 'stopped';

/** One worker as `/api/workers` shows it. */
export interface WorkerDescription {
  readonly id: number;
  /** 0 while it has no process (waiting to restart). */
  readonly pid: number;
  readonly state: WorkerState;
  /** Times it was started again after dying. */
  readonly restarts: number;
  /** ISO time its current process started. */
  readonly startedAt: string | null;
  /** Requests its entry points finished (from its latest statistics). */
  readonly requests: number;
}

export interface WorkerFleetOptions {
  readonly count: number;
  /** The static configuration the workers run (port-0 entry points' ports filled in). */
  readonly config: StaticConfig;
  readonly webRoot: string | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly spawn: (id: number) => WorkerChannel;
  /** Every server's health now, for a worker that starts. */
  readonly healthTable: () => readonly HealthChange[];
  /** Messages the fleet does not handle itself (health reports, forwarded requests). */
  readonly onMessage: (worker: number, message: FromWorker) => void;
  /** Tells whoever forwards requests that a worker's process is gone. */
  readonly onWorkerGone?: (worker: number) => void;
  /** A worker still running this long after `stop` is killed (its own graceful stop has deadlines). */
  readonly stopTimeoutMs: number;
}

export interface WorkerFleet {
  /** Starts every worker; resolves once all listen, rejects (all stopped) when one cannot. */
  start(): Promise<ReadonlyMap<string, number>>;
  /** Posts to every worker with a process. */
  broadcast(message: ToWorker): void;
  /** Posts to one worker. */
  send(worker: number, message: ToWorker): void;
  /** Ships a configuration to every worker and keeps it for those that start later. */
  ship(configuration: ShippedConfiguration): void;
  /** Runs `log` once every worker handled every message sent so far. */
  announce(log: () => void): void;
  /** Asks every running worker for its statistics; resolves when all answered (or after collectTimeoutMs). */
  collect(purpose: StatisticsPurpose): Promise<void>;
  /** The latest statistics of each worker that has a process. */
  statistics(): WorkerStatistics[];
  describe(): WorkerDescription[];
  /** Stops every worker gracefully; resolves when all exited. */
  stop(): Promise<void>;
}

interface Slot {
  readonly id: number;
  channel: WorkerChannel | null;
  state: WorkerState;
  restarts: number;
  failuresInARow: number;
  startedAtMs: number;
  startedAt: string | null;
  statistics: WorkerStatistics | null;
  restartTimer: TimerHandle | undefined;
}

interface Announcement {
  readonly seq: number;
  readonly waiting: Set<number>;
  readonly log: () => void;
}

export function createWorkerFleet(options: WorkerFleetOptions): WorkerFleet {
  const { clock, logger } = options;
  const slots: Slot[] = Array.from({ length: options.count }, (_, i) => ({
    id: i + 1, channel: null, state: 'starting', restarts: 0, failuresInARow: 0, startedAtMs: 0, startedAt: null,
    statistics: null, restartTimer: undefined,
  }));
  let latest: ShippedConfiguration | null = null;
  let stopping = false;
  let seq = 0;
  const announcements: Announcement[] = [];
  const collects = new Map<number, { readonly waiting: Set<number>; readonly done: () => void }>();
  /** Shutdown phases reported per `phase|entryPoint`, by worker, and those already logged. */
  const phases = new Map<string, Set<number>>();
  const loggedPhases = new Set<string>();
  let stopParticipants = new Set<number>();
  let firstListening: ((ports: ReadonlyMap<string, number>) => void) | null = null;
  let startFailed: ((err: Error) => void) | null = null;
  let exitedAll: (() => void) | null = null;

  const live = (): Slot[] => slots.filter((s) => s.channel !== null);

  function settleAnnouncements(): void {
    while (announcements.length > 0 && announcements[0]!.waiting.size === 0) announcements.shift()!.log();
  }

  function settlePhases(): void {
    for (const [key, reported] of phases) {
      if (loggedPhases.has(key) || ![...stopParticipants].every((id) => reported.has(id))) continue;
      loggedPhases.add(key);
      const [phase, entryPoint] = key.split('|') as [string, string];
      logger.info(entryPoint === '' ? { phase } : { phase, entryPoint }, 'shutdown phase');
    }
  }

  /** A worker will not answer anything more: it stops counting in every wait. */
  function forget(slot: Slot): void {
    for (const a of announcements) a.waiting.delete(slot.id);
    settleAnnouncements();
    for (const c of collects.values()) {
      c.waiting.delete(slot.id);
      if (c.waiting.size === 0) c.done();
    }
    stopParticipants.delete(slot.id);
    settlePhases();
  }

  function handle(slot: Slot, channel: WorkerChannel, message: FromWorker): void {
    if (slot.channel !== channel) return;
    switch (message.type) {
      case 'listening':
        slot.state = 'running';
        if (firstListening !== null) {
          if (slots.every((s) => s.state === 'running')) firstListening(message.ports);
        } else {
          logger.info({ worker: slot.id, pid: channel.pid, restarts: slot.restarts }, 'worker started');
        }
        return;
      case 'failed':
        logger.error({ worker: slot.id, pid: channel.pid, error: message.message }, 'worker could not start');
        startFailed?.(new Error(`worker ${slot.id}: ${message.message}`));
        return;
      case 'synced':
        for (const a of announcements) if (a.seq <= message.seq) a.waiting.delete(slot.id);
        settleAnnouncements();
        return;
      case 'statistics': {
        // Details and metrics come only when asked for: the last ones stay until the next.
        const { liveStats, details, metrics } = message.statistics;
        slot.statistics = { liveStats, details: details ?? slot.statistics?.details ?? null, metrics: metrics ?? slot.statistics?.metrics ?? null };
        const c = message.seq === null ? undefined : collects.get(message.seq);
        if (c !== undefined) {
          c.waiting.delete(slot.id);
          if (c.waiting.size === 0) c.done();
        }
        return;
      }
      case 'phase': {
        const key = `${message.phase}|${message.entryPoint ?? ''}`;
        let reported = phases.get(key);
        if (reported === undefined) phases.set(key, (reported = new Set()));
        reported.add(slot.id);
        settlePhases();
        return;
      }
      case 'health':
      case 'internal-request':
      case 'internal-cancel':
        options.onMessage(slot.id, message);
        return;
      default: {
        const never: never = message;
        throw new Error(`unknown worker message ${String(never)}`);
      }
    }
  }

  function launch(slot: Slot): void {
    const channel = options.spawn(slot.id);
    slot.channel = channel;
    slot.state = 'starting';
    slot.statistics = null;
    slot.startedAtMs = clock.now();
    slot.startedAt = new Date().toISOString();
    channel.onMessage((message) => handle(slot, channel, message));
    channel.onExit((code, signal) => exited(slot, channel, code, signal));
    channel.send({ type: 'start', id: slot.id, config: options.config, webRoot: options.webRoot, health: options.healthTable(), configuration: latest });
  }

  function exited(slot: Slot, channel: WorkerChannel, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.channel !== channel) return;
    slot.channel = null;
    slot.statistics = null;
    options.onWorkerGone?.(slot.id);
    forget(slot);
    if (stopping || firstListening !== null) {
      slot.state = 'stopped';
      if (firstListening !== null) startFailed?.(new Error(`worker ${slot.id} exited while starting (code ${code}, signal ${signal})`));
      if (slots.every((s) => s.channel === null)) exitedAll?.();
      return;
    }
    if (clock.now() - slot.startedAtMs >= restartBackoff.resetAfterMs) slot.failuresInARow = 0;
    const delay = Math.min(restartBackoff.maxMs, restartBackoff.initialMs * 2 ** slot.failuresInARow);
    slot.failuresInARow++;
    slot.state = 'restarting';
    logger.warn({ worker: slot.id, pid: channel.pid, code, signal, restartInMs: delay }, 'worker exited');
    slot.restartTimer = clock.setTimeout(() => {
      slot.restartTimer = undefined;
      if (stopping) return;
      slot.restarts++;
      launch(slot);
    }, delay);
  }

  return {
    start() {
      return new Promise((resolve, reject) => {
        firstListening = (ports) => {
          firstListening = null;
          startFailed = null;
          resolve(ports);
        };
        startFailed = (err) => {
          if (startFailed === null) return;
          firstListening = null;
          startFailed = null;
          void this.stop().then(() => reject(err));
        };
        for (const slot of slots) launch(slot);
      });
    },
    broadcast(message) {
      for (const slot of live()) slot.channel!.send(message);
    },
    send(worker, message) {
      slots[worker - 1]?.channel?.send(message);
    },
    ship(configuration) {
      latest = configuration;
      this.broadcast({ type: 'configure', configuration });
    },
    announce(log) {
      const current = live();
      if (current.length === 0) {
        if (announcements.length === 0) log();
        else announcements.push({ seq: ++seq, waiting: new Set(), log });
        return;
      }
      const a: Announcement = { seq: ++seq, waiting: new Set(current.map((s) => s.id)), log };
      announcements.push(a);
      for (const slot of current) slot.channel!.send({ type: 'sync', seq: a.seq });
    },
    collect(purpose) {
      const current = slots.filter((s) => s.channel !== null && s.state === 'running');
      if (current.length === 0) return Promise.resolve();
      const id = ++seq;
      return new Promise<void>((resolve) => {
        const timer = clock.setTimeout(() => done(), collectTimeoutMs);
        const done = (): void => {
          clock.clearTimeout(timer);
          collects.delete(id);
          resolve();
        };
        collects.set(id, { waiting: new Set(current.map((s) => s.id)), done });
        for (const slot of current) slot.channel!.send({ type: 'collect', seq: id, purpose });
      });
    },
    statistics: () => slots.flatMap((s) => (s.channel !== null && s.statistics !== null ? [s.statistics] : [])),
    describe: () => slots.map((s) => ({
      id: s.id,
      pid: s.channel?.pid ?? 0,
      state: s.state,
      restarts: s.restarts,
      startedAt: s.channel === null ? null : s.startedAt,
      requests: [...(s.statistics?.liveStats.entryPoints.values() ?? [])].reduce((sum, c) => sum + c.requests, 0),
    })),
    stop() {
      stopping = true;
      for (const slot of slots) {
        clock.clearTimeout(slot.restartTimer);
        if (slot.channel === null) slot.state = 'stopped';
      }
      const current = live();
      stopParticipants = new Set(current.map((s) => s.id));
      if (current.length === 0) return Promise.resolve();
      const allExited = new Promise<void>((resolve) => { exitedAll = resolve; });
      for (const slot of current) slot.channel!.send({ type: 'stop' });
      const deadline = clock.setTimeout(() => {
        for (const slot of live()) {
          logger.error({ worker: slot.id, pid: slot.channel!.pid }, 'worker did not stop in time; killed');
          slot.channel!.kill('SIGKILL');
        }
      }, options.stopTimeoutMs);
      return allExited.then(() => clock.clearTimeout(deadline));
    },
  };
}
