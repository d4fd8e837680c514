import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passiveHealthCheckSchema } from '../../config/http-services.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createPassiveHealthCheck } from './passive-check.ts';
import { createHealthRegistry } from './server-health.ts';

function setup(config: object, hasActiveCheck = false) {
  const clock = createManualClock();
  const health = createHealthRegistry(clock).acquire('api@file', 'http://10.0.0.1:80');
  const passive = createPassiveHealthCheck(passiveHealthCheckSchema.parse(config), { clock, hasActiveCheck });
  return { clock, health, passive };
}

test('takes a server DOWN at maxFailedAttempts failures within the window', () => {
  const { clock, health, passive } = setup({ failureWindow: '10s', maxFailedAttempts: 3 });
  passive.onResult(health, 502, false);
  clock.advance(1000);
  passive.onResult(health, 0, true);
  assert.equal(health.status, 'UP');
  clock.advance(1000);
  passive.onResult(health, 500, false);
  assert.equal(health.status, 'DOWN');
  assert.equal(health.reason, 'passive: 3 failures within 10s');
  assert.equal(health.since, 2000);
});

test('defaults to one failure within 10s, as Traefik', () => {
  const { health, passive } = setup({});
  passive.onResult(health, 503, false);
  assert.equal(health.status, 'DOWN');
  assert.equal(health.reason, 'passive: 1 failure within 10s');
});

test('counts status >= 500 and unreached servers as failures, nothing else', () => {
  const cases: { status: number; failed: boolean; down: boolean }[] = [
    { status: 500, failed: false, down: true },
    { status: 599, failed: false, down: true },
    { status: 0, failed: true, down: true },
    { status: 200, failed: true, down: true },
    { status: 499, failed: false, down: false },
    { status: 404, failed: false, down: false },
    { status: 302, failed: false, down: false },
  ];
  for (const c of cases) {
    const { health, passive } = setup({ maxFailedAttempts: 1 });
    passive.onResult(health, c.status, c.failed);
    assert.equal(health.status, c.down ? 'DOWN' : 'UP', `status ${c.status} failed ${c.failed}`);
  }
});

test('a success clears the failures', () => {
  const { health, passive } = setup({ maxFailedAttempts: 2 });
  passive.onResult(health, 500, false);
  passive.onResult(health, 200, false);
  assert.deepEqual(health.checks.passiveFailures, []);
  passive.onResult(health, 500, false);
  assert.equal(health.status, 'UP');
});

test('failures older than the window do not count (one exactly failureWindow old is out)', () => {
  const { clock, health, passive } = setup({ failureWindow: '10s', maxFailedAttempts: 2 });
  passive.onResult(health, 500, false);
  clock.advance(10_000);
  passive.onResult(health, 500, false);
  assert.equal(health.status, 'UP');
  assert.deepEqual(health.checks.passiveFailures, [10_000]);
  clock.advance(9_999);
  passive.onResult(health, 500, false);
  assert.equal(health.status, 'DOWN');
  assert.equal(health.reason, 'passive: 2 failures within 10s');
});

test('without an active check, puts the server back UP failureWindow after taking it DOWN', () => {
  const { clock, health, passive } = setup({ failureWindow: '10s', maxFailedAttempts: 1 });
  clock.advance(500);
  passive.onResult(health, 500, false);
  // Further failures while DOWN neither re-arm nor extend the timer.
  clock.advance(5000);
  passive.onResult(health, 0, true);
  assert.equal(clock.pending(), 1);
  clock.advance(4999);
  assert.equal(health.status, 'DOWN');
  clock.advance(1);
  assert.equal(health.status, 'UP');
  assert.equal(health.since, 10_500);
  assert.equal(health.reason, 'passive: up again 10s after being taken down');
  assert.deepEqual(health.history.map((h) => h.status), ['DOWN', 'UP']);
  assert.equal(clock.pending(), 0);
});

test('with an active check, leaves the server DOWN (the active check brings it back)', () => {
  const { clock, health, passive } = setup({ failureWindow: '10s' }, true);
  passive.onResult(health, 500, false);
  assert.equal(health.status, 'DOWN');
  assert.equal(clock.pending(), 0);
  clock.advance(60_000);
  assert.equal(health.status, 'DOWN');
});

test('does not undo a DOWN that another writer set after its own', () => {
  const { clock, health, passive } = setup({ failureWindow: '10s' });
  passive.onResult(health, 500, false);
  clock.advance(1000);
  health.set('UP', 'GET http://10.0.0.1/health: status 200');
  health.set('DOWN', 'endpoint terminating');
  clock.advance(9000);
  assert.equal(health.status, 'DOWN');
  assert.equal(health.reason, 'endpoint terminating');
});

test('a server DOWN already is not taken down again', () => {
  const { health, passive } = setup({});
  health.set('DOWN', 'GET http://10.0.0.1/health: connection refused');
  passive.onResult(health, 500, false);
  assert.equal(health.reason, 'GET http://10.0.0.1/health: connection refused');
  assert.equal(health.history.length, 1);
});

test('dispose cancels the recovery timer and ignores later results', () => {
  const { clock, health, passive } = setup({});
  passive.onResult(health, 500, false);
  passive.dispose();
  assert.equal(clock.pending(), 0);
  health.set('UP', 'manual');
  passive.onResult(health, 500, false);
  assert.equal(health.status, 'UP');
});

test('after a reload, the new check keeps the window and re-arms the remaining recovery time', () => {
  const { clock, health, passive } = setup({ failureWindow: '10s', maxFailedAttempts: 2 });
  const config = passiveHealthCheckSchema.parse({ failureWindow: '10s', maxFailedAttempts: 2 });
  passive.onResult(health, 500, false);
  passive.dispose();
  const reloaded = createPassiveHealthCheck(config, { clock, hasActiveCheck: false, servers: [health] });
  clock.advance(1000);
  reloaded.onResult(health, 500, false);
  assert.equal(health.status, 'DOWN');
  assert.equal(health.reason, 'passive: 2 failures within 10s');
  clock.advance(4000);
  reloaded.dispose();
  const again = createPassiveHealthCheck(config, { clock, hasActiveCheck: false, servers: [health] });
  assert.equal(clock.pending(), 1);
  clock.advance(5999);
  assert.equal(health.status, 'DOWN');
  clock.advance(1);
  assert.equal(health.status, 'UP');
  assert.equal(health.since, 11_000);
  again.dispose();
});

test('a recovery already overdue when the new check starts happens at once', () => {
  const clock = createManualClock();
  const health = createHealthRegistry(clock).acquire('api@file', 'http://10.0.0.1:80');
  const config = passiveHealthCheckSchema.parse({ failureWindow: '10s' });
  const old = createPassiveHealthCheck(config, { clock, hasActiveCheck: false });
  old.onResult(health, 500, false);
  old.dispose();
  clock.advance(20_000);
  createPassiveHealthCheck(config, { clock, hasActiveCheck: false, servers: [health] });
  assert.equal(health.status, 'UP');
  assert.equal(health.since, 20_000);
  assert.equal(clock.pending(), 0);
});
