/**
 * The control plane's broadcast registry and workers' following registries, wired in memory as
 * the IPC channel wires them (messages in order, delivered asynchronously).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createPassiveHealthCheck } from '../../services/health/passive-check.ts';
import { createBroadcastHealthRegistry } from './broadcast-health-registry.ts';
import { createFollowingHealthRegistry, type FollowingHealthRegistry } from './following-health-registry.ts';
import type { HealthChange } from './worker-messages.ts';

const S = 'app@file';
const A = 'http://10.0.0.1';

function fleet() {
  const clock = createManualClock(0);
  const workers: FollowingHealthRegistry[] = [];
  const control = createBroadcastHealthRegistry(clock, (change) => {
    for (const w of workers) queueMicrotask(() => w.follow(change));
  });
  const reports: HealthChange[] = [];
  const add = (): FollowingHealthRegistry => {
    const w = createFollowingHealthRegistry(clock, (change) => {
      reports.push(change);
      queueMicrotask(() => control.applyReport(change));
    });
    for (const change of control.table()) w.follow(change);
    workers.push(w);
    return w;
  };
  return { clock, control, add, reports };
}

/** Lets queued messages (microtasks) be delivered. */
const delivered = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a transition on the control plane reaches every worker, including records made later', async () => {
  const { control, add } = fleet();
  const one = add();
  const two = add();
  control.acquire(S, A).set('DOWN', 'probe failed');
  one.acquire(S, A);
  await delivered();
  assert.equal(one.get(S, A)!.status, 'DOWN');
  // The second worker builds its configuration after the message arrived.
  assert.equal(two.acquire(S, A).status, 'DOWN');
  assert.equal(two.get(S, A)!.reason, 'probe failed');
});

test('a worker\'s passive DOWN goes through the control plane to every worker, not back as a report', async () => {
  const { clock, control, add, reports } = fleet();
  control.acquire(S, A);
  const one = add();
  const two = add();
  const seen = one.acquire(S, A);
  two.acquire(S, A);
  const passive = createPassiveHealthCheck({ maxFailedAttempts: 1, failureWindow: 60_000 }, { clock, hasActiveCheck: false });
  passive.onResult(seen, 502, false);
  await delivered();
  assert.equal(control.get(S, A)!.status, 'DOWN');
  assert.equal(two.get(S, A)!.status, 'DOWN');
  assert.deepEqual(reports.map((r) => [r.status, r.passiveDownAgoMs]), [['DOWN', 0]]);
  passive.dispose();
});

test('a worker started after a passive DOWN still brings the server back when the window ends', async () => {
  const { clock, control, add } = fleet();
  control.acquire(S, A);
  const first = add();
  const check = createPassiveHealthCheck({ maxFailedAttempts: 1, failureWindow: 60_000 }, { clock, hasActiveCheck: false });
  check.onResult(first.acquire(S, A), 502, false);
  await delivered();
  check.dispose(); // the worker that took it down died with its timer
  clock.advance(20_000);
  const restarted = add();
  const health = restarted.acquire(S, A);
  assert.equal(health.status, 'DOWN');
  const recovery = createPassiveHealthCheck({ maxFailedAttempts: 1, failureWindow: 60_000 }, { clock, hasActiveCheck: false, servers: [health] });
  clock.advance(40_000);
  await delivered();
  assert.equal(control.get(S, A)!.status, 'UP');
  assert.equal(first.get(S, A)!.status, 'UP');
  recovery.dispose();
});

test('the control plane\'s table lists every record it holds, and forgets released ones', () => {
  const { control } = fleet();
  control.acquire(S, A).set('DOWN', 'probe failed');
  control.acquire(S, 'http://10.0.0.2');
  assert.deepEqual(control.table().map((c) => [c.url, c.status]), [[A, 'DOWN'], ['http://10.0.0.2', 'UP']]);
  control.release(S, A);
  assert.deepEqual(control.table().map((c) => c.url), ['http://10.0.0.2']);
});
