/**
 * The control plane's fleet with fake worker channels and a manual clock: announcements,
 * restarts with backoff, statistics collection and the fleet's shutdown phases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StaticConfig } from '../../config/static.ts';
import { createManualClock, type ManualClock } from '../../lib/manual-clock.ts';
import { createLogger } from '../../observability/logger.ts';
import type { WorkerChannel } from './spawn-worker.ts';
import { collectTimeoutMs, createWorkerFleet, restartBackoff, type WorkerFleet } from './worker-fleet.ts';
import type { FromWorker, ToWorker } from './worker-messages.ts';

interface FakeWorker extends WorkerChannel {
  readonly id: number;
  readonly sent: ToWorker[];
  say(message: FromWorker): void;
  exit(code: number | null, signal: NodeJS.Signals | null): void;
}

function setup(count = 2): { fleet: WorkerFleet; clock: ManualClock; spawned: FakeWorker[]; logs: Record<string, unknown>[] } {
  const clock = createManualClock(0);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'DEBUG', format: 'json', output: { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) } });
  const spawned: FakeWorker[] = [];
  let pid = 100;
  const spawn = (id: number): FakeWorker => {
    const listeners: ((m: FromWorker) => void)[] = [];
    let onExit: (code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;
    const w: FakeWorker = {
      id, pid: pid++, sent: [],
      send(message) {
        w.sent.push(message);
        return true;
      },
      onMessage: (l) => listeners.push(l),
      onExit(l) {
        onExit = l;
      },
      kill: (signal) => onExit(null, signal),
      say: (m) => listeners.forEach((l) => l(m)),
      exit: (code, signal) => onExit(code, signal),
    };
    spawned.push(w);
    return w;
  };
  const fleet = createWorkerFleet({
    count, config: {} as StaticConfig, webRoot: null, clock, logger, spawn, healthTable: () => [], onMessage: () => undefined, stopTimeoutMs: 60_000,
  });
  return { fleet, clock, spawned, logs };
}

const listening: FromWorker = { type: 'listening', ports: new Map([['web', 8000]]) };
const lastSync = (w: FakeWorker): number => {
  const syncs = w.sent.filter((m) => m.type === 'sync');
  return (syncs[syncs.length - 1] as { seq: number }).seq;
};

async function started(count = 2): Promise<ReturnType<typeof setup>> {
  const s = setup(count);
  const ports = s.fleet.start();
  for (const w of s.spawned) w.say(listening);
  assert.deepEqual([...await ports], [['web', 8000]]);
  return s;
}

test('start sends each worker its id and configuration and resolves once all listen', async () => {
  const { spawned, fleet } = await started();
  assert.deepEqual(spawned.map((w) => (w.sent[0] as { type: string; id: number }).id), [1, 2]);
  assert.deepEqual(fleet.describe().map((d) => [d.id, d.state]), [[1, 'running'], [2, 'running']]);
});

test('start rejects, stopping the others, when a worker cannot listen', async () => {
  const { fleet, spawned } = setup();
  const start = fleet.start();
  spawned[0]!.say(listening);
  spawned[1]!.say({ type: 'failed', message: 'listen EADDRINUSE' });
  spawned[1]!.exit(1, null);
  assert.ok(spawned[0]!.sent.some((m) => m.type === 'stop'));
  spawned[0]!.exit(0, null);
  await assert.rejects(start, /worker 2: listen EADDRINUSE/);
});

test('an announcement waits until every worker handled everything sent before it', async () => {
  const { fleet, spawned } = await started();
  const said: string[] = [];
  fleet.ship({ snapshots: [], certificates: [] });
  fleet.announce(() => said.push('applied'));
  spawned[0]!.say({ type: 'synced', seq: lastSync(spawned[0]!) });
  assert.deepEqual(said, []);
  spawned[1]!.say({ type: 'synced', seq: lastSync(spawned[1]!) });
  assert.deepEqual(said, ['applied']);
});

test('a worker that dies no longer holds announcements, and is restarted with a doubling backoff', async () => {
  const { fleet, spawned, clock, logs } = await started();
  const said: string[] = [];
  fleet.announce(() => said.push('health'));
  spawned[0]!.say({ type: 'synced', seq: lastSync(spawned[0]!) });
  spawned[1]!.exit(null, 'SIGKILL');
  assert.deepEqual(said, ['health']);
  assert.equal(fleet.describe()[1]!.state, 'restarting');
  clock.advance(restartBackoff.initialMs - 1);
  assert.equal(spawned.length, 2);
  clock.advance(1);
  assert.equal(spawned.length, 3);
  assert.equal((spawned[2]!.sent[0] as { id: number }).id, 2);
  spawned[2]!.exit(1, null); // dies again at once: twice the delay
  clock.advance(restartBackoff.initialMs * 2 - 1);
  assert.equal(spawned.length, 3);
  clock.advance(1);
  assert.equal(spawned.length, 4);
  spawned[3]!.say(listening);
  assert.deepEqual(fleet.describe()[1]!, { id: 2, pid: spawned[3]!.pid, state: 'running', restarts: 2, startedAt: fleet.describe()[1]!.startedAt, requests: 0 });
  assert.deepEqual(logs.filter((l) => l.message === 'worker exited').map((l) => l.restartInMs), [100, 200]);
});

test('a worker started later gets the last configuration in its start message', async () => {
  const { fleet, spawned, clock } = await started();
  fleet.ship({ snapshots: [], certificates: [] });
  spawned[0]!.exit(null, 'SIGKILL');
  clock.advance(restartBackoff.initialMs);
  const start = spawned[2]!.sent[0]!;
  assert.equal(start.type, 'start');
  assert.deepEqual((start as { configuration: unknown }).configuration, { snapshots: [], certificates: [] });
});

test('collect resolves when every worker answered, or after its timeout without the silent one', async () => {
  const { fleet, spawned, clock } = await started();
  const liveStats = { entryPoints: new Map([['web', { requests: 4 } as never]]), routers: new Map(), services: new Map() };
  let done = false;
  const collected = fleet.collect('api').then(() => { done = true; });
  const seq = (spawned[0]!.sent.find((m) => m.type === 'collect') as { seq: number }).seq;
  spawned[0]!.say({ type: 'statistics', seq, statistics: { liveStats, details: null, metrics: null } });
  await Promise.resolve();
  assert.equal(done, false);
  clock.advance(collectTimeoutMs);
  await collected;
  assert.deepEqual(fleet.describe().map((d) => d.requests), [4, 0]);
});

test('stop logs each shutdown phase once every worker reached it, then resolves when all exited', async () => {
  const { fleet, spawned, logs } = await started();
  const stopped = fleet.stop();
  const phase = (w: FakeWorker, p: string, entryPoint: string | null): void => w.say({ type: 'phase', phase: p, entryPoint });
  phase(spawned[0]!, 'terminating', null);
  phase(spawned[0]!, 'stop-accepting', 'web');
  const logged = (): unknown[] => logs.filter((l) => l.message === 'shutdown phase').map((l) => [l.phase, l.entryPoint]);
  assert.deepEqual(logged(), []);
  phase(spawned[1]!, 'terminating', null);
  assert.deepEqual(logged(), [['terminating', undefined]]);
  spawned[1]!.exit(null, 'SIGKILL'); // a worker that dies has reached every phase
  assert.deepEqual(logged(), [['terminating', undefined], ['stop-accepting', 'web']]);
  spawned[0]!.exit(0, null);
  await stopped;
  assert.equal(spawned.length, 2, 'no restart while stopping');
});
