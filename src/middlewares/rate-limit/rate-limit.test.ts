import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rateLimitSchema, type RateLimitMiddleware } from '../../config/dynamic.ts';
import { getHeader, type Exchange, type Handler } from '../../lib/exchange.ts';
import { createManualClock, type ManualClock } from '../../lib/manual-clock.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { fakeExchange, recordingHandler, type FakeExchange, type FakeRequest, type RecordingHandler } from '../testing/fake-exchange.ts';
import { testContext } from '../testing/test-context.ts';
import { createRateLimit, rateLimitParams } from './rate-limit.ts';

/** A rate limiter in front of a recording service, on a manual clock. */
interface Limiter {
  readonly handler: Handler;
  readonly send: (request?: FakeRequest) => Promise<FakeExchange>;
  readonly clock: ManualClock;
  readonly service: RecordingHandler;
}

function limiter(config: unknown): Limiter {
  const clock = createManualClock(0);
  const service = recordingHandler();
  const handler = createRateLimit(rateLimitSchema.parse(config), testContext({}, { clock }))(service);
  const send = async (request: FakeRequest = {}): Promise<FakeExchange> => {
    const exchange = fakeExchange(request);
    await handler(exchange);
    return exchange;
  };
  return { handler, send, clock, service };
}

function retryHeaders(exchange: FakeExchange): [string | undefined, string | undefined] {
  return [getHeader(exchange.sent.headers, 'retry-after'), getHeader(exchange.sent.headers, 'x-retry-in')];
}

describe('rateLimit parameters', () => {
  const table: [string, [number, number, number], { rate: number; maxDelayNs: number; ttlMs: number } | null][] = [
    ['100/s: maxDelay is half an interval, TTL 2 s', [100, 1000, 50], { rate: 100, maxDelayNs: 5_000_000, ttlMs: 2000 }],
    ['3/s: integer nanoseconds', [3, 1000, 1], { rate: 3, maxDelayNs: 166_666_666, ttlMs: 2000 }],
    ['2.5/s: the rate is truncated for maxDelay', [5, 2000, 1], { rate: 2.5, maxDelayNs: 250_000_000, ttlMs: 2000 }],
    ['1/min: maxDelay 500 ms, TTL 1 s plus one interval', [1, 60_000, 1], { rate: 1 / 60, maxDelayNs: 500_000_000, ttlMs: 61_000 }],
    ['average 0: no limit', [0, 1000, 1], null],
  ];
  for (const [title, [average, period, burst], expected] of table) {
    it(title, () => {
      const params = rateLimitParams(average, period, burst);
      if (expected === null) {
        assert.equal(params, null);
        return;
      }
      assert.ok(params !== null);
      assert.equal(params.rate, expected.rate);
      assert.equal(params.maxDelayNs, expected.maxDelayNs);
      assert.equal(params.ttlMs, expected.ttlMs);
    });
  }
});

describe('rateLimit', () => {
  it('lets the burst through and answers 429 to the next request', async () => {
    const { send, service } = limiter({ average: 1, period: '1s', burst: 3 });
    for (let i = 0; i < 3; i++) assert.equal((await send()).sent.status, 200);
    const refused = await send();
    assert.equal(refused.sent.status, 429);
    assert.equal(refused.sent.body, 'Too Many Requests');
    assert.deepEqual(retryHeaders(refused), ['1', '1s']);
    assert.equal(service.seen.length, 3);
  });

  it('refills one token per interval', async () => {
    const { send, clock } = limiter({ average: 1, period: '1s', burst: 1 });
    assert.equal((await send()).sent.status, 200);
    clock.advance(1000);
    assert.equal((await send()).sent.status, 200);
    assert.equal((await send()).sent.status, 429);
  });

  it('never refills past the burst', async () => {
    const { send, clock } = limiter({ average: 1, period: '1s', burst: 2 });
    clock.advance(60_000);
    assert.equal((await send()).sent.status, 200);
    assert.equal((await send()).sent.status, 200);
    assert.equal((await send()).sent.status, 429);
  });

  it('tells how long to wait: Retry-After rounded up, X-Retry-In exact', async () => {
    const { send, clock } = limiter({ average: 10, period: '1m', burst: 1 });
    await send();
    assert.deepEqual(retryHeaders(await send()), ['6', '6s']);
    clock.advance(1500);
    assert.deepEqual(retryHeaders(await send()), ['5', '4.5s']);
    clock.advance(3000);
    assert.deepEqual(retryHeaders(await send()), ['2', '1.5s']);
  });

  it('a refused request takes no token', async () => {
    const { send, clock } = limiter({ average: 1, period: '1s', burst: 1 });
    await send();
    for (let i = 0; i < 5; i++) assert.equal((await send()).sent.status, 429);
    clock.advance(1000);
    assert.equal((await send()).sent.status, 200);
  });

  it('delays a request whose token comes within maxDelay instead of refusing it', async () => {
    const { send, clock, service } = limiter({ average: 1, period: '1s', burst: 1 });
    await send();
    clock.advance(600);
    // 0.6 of a token is there: the next one comes in 400 ms, within maxDelay (500 ms).
    const delayed = send();
    await Promise.resolve();
    assert.equal(service.seen.length, 1, 'held while it waits');
    clock.advance(399);
    assert.equal(service.seen.length, 1);
    clock.advance(1);
    assert.equal((await delayed).sent.status, 200);
    assert.equal(service.seen.length, 2);
    // The delayed request used the token that just came: the next one waits a full interval.
    assert.deepEqual(retryHeaders(await send()), ['1', '1s']);
  });

  it('does not serve a delayed request whose client went away', async () => {
    const { handler, send, clock, service } = limiter({ average: 1, period: '1s', burst: 1 });
    await send();
    clock.advance(600);
    let leave: (() => void) | null = null;
    const base = fakeExchange();
    const exchange: Exchange = { ...base, onClientGone: (l) => { leave = l; } };
    const pending = handler(exchange);
    assert.ok(leave !== null);
    (leave as () => void)();
    await pending;
    assert.equal(clock.pending(), 0, 'the timer was cancelled');
    assert.equal(service.seen.length, 1);
    assert.equal(base.log.downstreamStatus, 499);
  });

  it('keeps a bucket per client IP by default', async () => {
    const { send } = limiter({ average: 1, period: '1h', burst: 1 });
    assert.equal((await send({ remoteAddress: '198.51.100.1' })).sent.status, 200);
    assert.equal((await send({ remoteAddress: '198.51.100.2' })).sent.status, 200);
    assert.equal((await send({ remoteAddress: '198.51.100.1' })).sent.status, 429);
  });

  it('keeps a bucket per header value with requestHeaderName', async () => {
    const { send } = limiter({ average: 1, period: '1h', burst: 1, sourceCriterion: { requestHeaderName: 'X-Api-Key' } });
    assert.equal((await send({ headers: ['X-Api-Key', 'a'] })).sent.status, 200);
    assert.equal((await send({ headers: ['X-Api-Key', 'b'] })).sent.status, 200);
    assert.equal((await send({ headers: ['X-Api-Key', 'a'], remoteAddress: '203.0.113.9' })).sent.status, 429);
  });

  it('forgets a source unused for the TTL (it comes back with a full bucket)', async () => {
    // 1/min: TTL 61 s. After 61 s the refill alone would give one token; forgetting gives two.
    const { send, clock } = limiter({ average: 1, period: '1m', burst: 2 });
    await send();
    await send();
    clock.advance(61_000);
    assert.equal((await send()).sent.status, 200);
    assert.equal((await send()).sent.status, 200);
  });

  it('does not limit with average 0', async () => {
    const { send, service } = limiter({ average: 0, burst: 1 });
    for (let i = 0; i < 100; i++) await send();
    assert.equal(service.seen.length, 100);
  });

  it('refuses redis with MIDDLEWARE_INVALID_VALUE', () => {
    const config: RateLimitMiddleware = rateLimitSchema.parse({ average: 10, redis: { endpoints: ['redis:6379'] } });
    assert.throws(() => createRateLimit(config, testContext()), (err: unknown) => {
      assert.ok(err instanceof MiddlewareConfigError);
      assert.equal(err.code, 'MIDDLEWARE_INVALID_VALUE');
      assert.equal(err.field, 'redis');
      assert.equal(err.message, 'redis-backed rate limiting is not supported');
      return true;
    });
  });
});
