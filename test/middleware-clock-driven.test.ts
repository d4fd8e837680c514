/**
 * End to end with time under the test's control: Switchyard runs in this process on the same
 * code path as the binary, with real listeners and real backends, and every timer on a manual
 * clock. The rate limiter's refill and the circuit breaker's fallback and recovery periods are
 * walked through by moving the clock, never by sleeping.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../src/lib/manual-clock.ts';
import { startBackend, type Backend } from './support/backends.ts';
import { send, type Answer } from './support/http-client.ts';
import { startInProcess, type InProcessSwitchyard } from './support/in-process.ts';

const clock = createManualClock(1_000_000);
let origin: Backend;
let sy: InProcessSwitchyard;
/** What the guarded backend answers, and how many requests reached it. */
let failing = true;
let reachedGuarded = 0;

before(async () => {
  origin = await startBackend('origin', (req, res) => {
    if (req.url?.startsWith('/guarded') === true) {
      reachedGuarded++;
      res.writeHead(failing ? 500 : 200, { 'content-type': 'text/plain' });
      res.end(failing ? 'broken' : 'fine');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  sy = await startInProcess(`
http:
  routers:
    limited:
      rule: "PathPrefix(\`/limited\`)"
      middlewares: [per-key]
      service: origin
    guarded:
      rule: "PathPrefix(\`/guarded\`)"
      middlewares: [breaker]
      service: origin
  middlewares:
    per-key:
      rateLimit:
        average: 1
        period: 1s
        burst: 2
        sourceCriterion:
          requestHeaderName: X-Api-Key
    breaker:
      circuitBreaker:
        expression: "ResponseCodeRatio(500, 600, 0, 600) > 0.5"
        checkPeriod: 100ms
        fallbackDuration: 10s
        recoveryDuration: 10s
  services:
    origin:
      loadBalancer:
        servers: [{url: "${origin.url}"}]
`, clock);
});

after(async () => {
  await sy?.stop();
  await origin?.close();
});

function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return send(sy.ports.get('web'), { path, headers });
}

/** Waits (bounded) until the router has set a timer beyond the `before` count. */
async function timerSet(before: number): Promise<void> {
  for (let i = 0; i < 10_000 && clock.pending() <= before; i++) await new Promise((r) => setImmediate(r));
  assert.ok(clock.pending() > before, 'the router set a timer for the delayed request');
}

test('rateLimit: 429 once the burst is used, a request inside maxDelay waits for its token, refills follow the clock', async () => {
  const key = { 'x-api-key': 'refill' };
  assert.equal((await get('/limited', key)).status, 200);
  assert.equal((await get('/limited', key)).status, 200);
  const refused = await get('/limited', key);
  assert.equal(refused.status, 429);
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal(refused.headers['x-retry-in'], '1s');
  assert.equal(refused.text(), 'Too Many Requests');

  // 499 ms later the next token is 501 ms away: still beyond maxDelay (500 ms at 1/s).
  clock.advance(499);
  const stillRefused = await get('/limited', key);
  assert.equal(stillRefused.status, 429);
  assert.equal(stillRefused.headers['x-retry-in'], '501ms');

  // One more millisecond: the token is exactly maxDelay away, so the request is held for it.
  clock.advance(1);
  const pendingBefore = clock.pending();
  let settled = false;
  const held = get('/limited', key).then((a) => { settled = true; return a; });
  await timerSet(pendingBefore);
  assert.equal(settled, false, 'held until its token is due');
  clock.advance(500);
  assert.equal((await held).status, 200);

  // That token is spent: the next one is a full second away.
  const again = await get('/limited', key);
  assert.equal(again.status, 429);
  assert.equal(again.headers['x-retry-in'], '1s');
  clock.advance(1_000);
  assert.equal((await get('/limited', key)).status, 200);
  // Another source has its own full bucket meanwhile.
  assert.equal((await get('/limited', { 'x-api-key': 'other' })).status, 200);
});

test('circuitBreaker: opens on a failing server, serves the fallback for fallbackDuration, recovers gradually, closes', async () => {
  failing = true;
  reachedGuarded = 0;
  const first = await get('/guarded');
  assert.equal(first.status, 500, 'the first failure reaches the client');
  assert.equal(reachedGuarded, 1);

  // Open: the fallback answers and the server is left alone.
  for (let i = 0; i < 3; i++) {
    const fallback = await get('/guarded');
    assert.equal(fallback.status, 503);
    assert.equal(fallback.text(), 'Service Unavailable');
  }
  assert.equal(reachedGuarded, 1);
  clock.advance(9_999);
  assert.equal((await get('/guarded')).status, 503);
  assert.equal(reachedGuarded, 1);

  // The fallback period is over: the next request starts recovery, which lets nothing through
  // at first.
  clock.advance(1);
  assert.equal((await get('/guarded')).status, 503);
  assert.equal(reachedGuarded, 1);
  // Half-way through recovery one request gets through; the server still fails, so the breaker
  // opens again at once.
  const recoveryOutcomes: number[] = [];
  clock.advance(5_000);
  while (reachedGuarded === 1 && recoveryOutcomes.length < 20) recoveryOutcomes.push((await get('/guarded')).status);
  assert.equal(reachedGuarded, 2, 'recovery let one request through');
  assert.equal(recoveryOutcomes.at(-1), 500);
  assert.ok(recoveryOutcomes.slice(0, -1).every((s) => s === 503), `before it, fallbacks: ${recoveryOutcomes.join(',')}`);
  assert.equal((await get('/guarded')).status, 503, 'opened again');
  assert.equal(reachedGuarded, 2);

  // The server is fixed: after the fallback period, recovery lets a growing share through.
  failing = false;
  clock.advance(10_000);
  const early: number[] = [];
  for (let i = 0; i < 4; i++) early.push((await get('/guarded')).status);
  assert.deepEqual(early, [503, 503, 503, 503], 'nothing goes through at the start of recovery');
  clock.advance(5_000);
  const middle: number[] = [];
  for (let i = 0; i < 12; i++) middle.push((await get('/guarded')).status);
  assert.ok(middle.includes(200) && middle.includes(503), `half-way, some through and some refused: ${middle.join(',')}`);

  // After recoveryDuration the breaker is closed: everything goes through.
  clock.advance(5_001);
  const reachedBefore = reachedGuarded;
  for (let i = 0; i < 5; i++) assert.equal((await get('/guarded')).status, 200);
  assert.equal(reachedGuarded, reachedBefore + 5);
});
