import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { circuitBreakerSchema } from '../../config/http-middlewares-traffic.ts';
import type { Exchange } from '../../lib/exchange.ts';
import { sendText } from '../../lib/exchange.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { fakeExchange } from '../testing/fake-exchange.ts';
import { testContext } from '../testing/test-context.ts';
import { circuitBreakerFunctions, createCircuitBreaker, createCircuitBreakerState } from './circuit-breaker.ts';
import { compileExpression } from './expression.ts';
import { createRollingMetrics } from './rolling-metrics.ts';

function breakerOn(expression: string, clock = createManualClock(0)) {
  const condition = compileExpression(expression, circuitBreakerFunctions, 'expression');
  const breaker = createCircuitBreakerState({ condition, checkPeriod: 100, fallbackDuration: 10_000, recoveryDuration: 10_000 }, clock);
  return { clock, breaker };
}

describe('circuit breaker metrics', () => {
  it('computes the ratios and latency quantiles of the window', () => {
    const clock = createManualClock(0);
    const m = createRollingMetrics(clock);
    m.record(200, false, 10);
    m.record(500, false, 20);
    m.record(502, true, 30);
    m.record(404, false, 40);
    assert.equal(m.networkErrorRatio(), 0.25);
    assert.equal(m.responseCodeRatio(500, 600, 0, 600), 0.5);
    assert.equal(m.responseCodeRatio(400, 500, 200, 300), 1);
    assert.equal(m.responseCodeRatio(500, 600, 300, 400), 0);
    assert.equal(m.latencyAtQuantile(50), 20);
    assert.equal(m.latencyAtQuantile(100), 40);
  });

  it('forgets outcomes older than 10 seconds', () => {
    const clock = createManualClock(0);
    const m = createRollingMetrics(clock);
    m.record(500, false, 1);
    clock.advance(9_500);
    m.record(200, false, 1);
    assert.equal(m.responseCodeRatio(500, 600, 0, 600), 0.5);
    clock.advance(1_000);
    assert.equal(m.responseCodeRatio(500, 600, 0, 600), 0);
    clock.advance(10_000);
    assert.equal(m.latencyAtQuantile(50), 0);
  });
});

describe('circuit breaker state machine', () => {
  it('opens when the expression holds and serves the fallback for fallbackDuration', () => {
    const { clock, breaker } = breakerOn('ResponseCodeRatio(500, 600, 0, 600) > 0.5');
    assert.equal(breaker.rejects(), false);
    breaker.record(500, false, 1);
    assert.equal(breaker.state(), 'open');
    assert.equal(breaker.rejects(), true);
    clock.advance(9_999);
    assert.equal(breaker.rejects(), true);
  });

  it('evaluates the expression at most once per checkPeriod', () => {
    const { clock, breaker } = breakerOn('NetworkErrorRatio() > 0.5');
    breaker.record(200, false, 1);
    breaker.record(502, true, 1);
    breaker.record(502, true, 1);
    assert.equal(breaker.state(), 'closed');
    clock.advance(100);
    breaker.record(502, true, 1);
    assert.equal(breaker.state(), 'closed', 'a check is due only strictly after checkPeriod');
    clock.advance(1);
    breaker.record(502, true, 1);
    assert.equal(breaker.state(), 'open');
  });

  it('stays closed while the expression does not hold', () => {
    const { clock, breaker } = breakerOn('LatencyAtQuantileMS(50.0) > 100');
    for (let i = 0; i < 20; i++) {
      assert.equal(breaker.rejects(), false);
      breaker.record(200, false, 50);
      clock.advance(150);
    }
    assert.equal(breaker.state(), 'closed');
  });

  it('recovers gradually then closes', () => {
    const { clock, breaker } = breakerOn('ResponseCodeRatio(500, 600, 0, 600) > 0.5');
    breaker.record(500, false, 1);
    clock.advance(10_000);
    // Recovery: the share admitted so far tracks 0.5 × elapsed / recoveryDuration, so the
    // requests admitted per second grow from about none to about all.
    const admittedPerSecond: number[] = [];
    for (let second = 0; second < 10; second++) {
      let admitted = 0;
      for (let i = 0; i < 100; i++) {
        if (!breaker.rejects()) {
          admitted++;
          breaker.record(200, false, 1);
        }
        clock.advance(10);
      }
      admittedPerSecond.push(admitted);
      assert.equal(breaker.state(), 'recovering');
    }
    for (let second = 1; second < 10; second++) {
      assert.ok(admittedPerSecond[second]! > admittedPerSecond[second - 1]!, `growing share: ${admittedPerSecond.join(',')}`);
    }
    assert.ok(admittedPerSecond[0]! <= 10);
    assert.ok(admittedPerSecond[9]! >= 80);
    clock.advance(1);
    assert.equal(breaker.rejects(), false);
    assert.equal(breaker.state(), 'closed');
  });

  it('opens again when the expression holds while recovering', () => {
    const { clock, breaker } = breakerOn('ResponseCodeRatio(500, 600, 0, 600) > 0.5');
    breaker.record(500, false, 1);
    clock.advance(15_000);
    let served = false;
    for (let i = 0; i < 500 && !served; i++) {
      served = !breaker.rejects();
      clock.advance(10);
    }
    assert.ok(served);
    breaker.record(503, false, 1);
    assert.equal(breaker.state(), 'open');
    assert.equal(breaker.rejects(), true);
  });
});

describe('circuitBreaker middleware', () => {
  function failing(status: number) {
    let calls = 0;
    const handler = (exchange: Exchange): void => {
      calls++;
      sendText(exchange, status, 'from server');
    };
    return { handler, calls: () => calls };
  }

  it('answers the fallback once a failing server tripped it, without calling the service', async () => {
    const clock = createManualClock(0);
    const config = circuitBreakerSchema.parse({ expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5' });
    const server = failing(500);
    const handler = createCircuitBreaker(config, testContext({}, { clock }))(server.handler);
    const first = fakeExchange();
    await handler(first);
    assert.equal(first.sent.status, 500);
    const second = fakeExchange();
    await handler(second);
    assert.equal(second.sent.status, 503);
    assert.equal(second.sent.body, 'Service Unavailable');
    assert.equal(server.calls(), 1);
  });

  it('uses responseCode for the fallback', async () => {
    const clock = createManualClock(0);
    const config = circuitBreakerSchema.parse({ expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5', responseCode: 429 });
    const handler = createCircuitBreaker(config, testContext({}, { clock }))(failing(502).handler);
    await handler(fakeExchange());
    const after = fakeExchange();
    await handler(after);
    assert.equal(after.sent.status, 429);
    assert.equal(after.sent.body, 'Too Many Requests');
  });

  it('counts only proxy-generated 502/504 as network errors', async () => {
    const config = circuitBreakerSchema.parse({ expression: 'NetworkErrorRatio() > 0.5' });
    const build = () => {
      const clock = createManualClock(0);
      return { clock, handler: createCircuitBreaker(config, testContext({}, { clock }))(failing(502).handler) };
    };
    // 502s a server sent itself (originStatus set) are not network errors.
    const servers = build();
    for (let i = 0; i < 3; i++) {
      const fromServer = fakeExchange();
      fromServer.log.originStatus = 502;
      fromServer.log.originStartNs = 1n;
      await servers.handler(fromServer);
      servers.clock.advance(100);
    }
    const stillClosed = fakeExchange();
    await servers.handler(stillClosed);
    assert.equal(stillClosed.sent.body, 'from server');
    // A 502 the proxy generated after trying a server (no origin status) is one.
    const proxy = build();
    const generated = fakeExchange();
    generated.log.originStartNs = 1n;
    await proxy.handler(generated);
    const tripped = fakeExchange();
    await proxy.handler(tripped);
    assert.equal(tripped.sent.status, 503);
  });

  it('refuses an expression that does not parse', () => {
    const config = circuitBreakerSchema.parse({ expression: 'NetworkErrorRatio( > 0.5' });
    assert.throws(() => createCircuitBreaker(config, testContext()), (err: unknown) => err instanceof MiddlewareConfigError && err.code === 'MIDDLEWARE_INVALID_EXPRESSION' && err.field === 'expression');
  });
});
