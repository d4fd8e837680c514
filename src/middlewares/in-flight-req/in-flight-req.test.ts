import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { inFlightReqSchema } from '../../config/dynamic.ts';
import { writeHeadThroughHooks, type Exchange, type Handler } from '../../lib/exchange.ts';
import type { Middleware } from '../middleware.ts';
import { fakeExchange, type FakeExchange, type FakeRequest } from '../testing/fake-exchange.ts';
import { testContext } from '../testing/test-context.ts';
import { createInFlightReq } from './in-flight-req.ts';

/** A fake exchange whose client can leave (the shared fake never does). */
interface LeavingExchange extends FakeExchange {
  leave(): void;
}

function leavingExchange(request: FakeRequest = {}): LeavingExchange {
  const base = fakeExchange(request);
  let listener: (() => void) | null = null;
  let gone = false;
  return {
    ...base,
    get clientGone() {
      return gone;
    },
    onClientGone(l: (() => void) | null) {
      listener = l;
    },
    leave() {
      gone = true;
      const l = listener;
      listener = null;
      l?.();
    },
  };
}

/** A service that sends a head and keeps the response open until the test ends it. */
function holdingService(): Handler & { readonly held: Exchange[] } {
  const held: Exchange[] = [];
  const handler = (exchange: Exchange): void => {
    held.push(exchange);
    writeHeadThroughHooks(exchange, 200, []);
  };
  return Object.assign(handler, { held });
}

function build(config: unknown): Middleware {
  return createInFlightReq(inFlightReqSchema.parse(config), testContext());
}

describe('inFlightReq', () => {
  it('lets `amount` requests through at once and answers 429 to one more', async () => {
    const service = holdingService();
    const handler = build({ amount: 2 })(service);
    const exchanges = [leavingExchange(), leavingExchange(), leavingExchange()];
    for (const exchange of exchanges) await handler(exchange);
    assert.equal(service.held.length, 2);
    assert.equal(exchanges[2]!.sent.status, 429);
    assert.equal(exchanges[2]!.sent.body, 'max connections reached: 2');
  });

  const releases: [string, (exchange: LeavingExchange, held: Exchange) => void][] = [
    ['the response ended', (_exchange, held) => held.response.end()],
    ['the response was torn down', (_exchange, held) => held.response.destroy()],
    ['the client went away', (exchange) => exchange.leave()],
  ];
  for (const [when, release] of releases) {
    it(`counts a request out once ${when}`, async () => {
      const service = holdingService();
      const handler = build({ amount: 1 })(service);
      const first = leavingExchange();
      await handler(first);
      const refused = leavingExchange();
      await handler(refused);
      assert.equal(refused.sent.status, 429);
      release(first, service.held[0]!);
      // Releasing twice (ended, then the client gone) counts out once only.
      first.leave();
      await handler(leavingExchange());
      await handler(leavingExchange());
      assert.equal(service.held.length, 2, 'one more request got through, and only one');
    });
  }

  it('counts an upgraded request (101) until its connection closes', async () => {
    const socket = new PassThrough();
    const upgrading: Exchange = { ...leavingExchange(), upgrade: { socket, head: Buffer.alloc(0) } };
    const handler = build({ amount: 1 })((exchange) => {
      // What the proxy does on a 101: the head goes out, the response is never "ended".
      if (exchange.upgrade !== null) writeHeadThroughHooks(exchange, 101, []);
    });
    await handler(upgrading);
    const during = leavingExchange();
    await handler(during);
    assert.equal(during.sent.status, 429);
    socket.destroy();
    await once(socket, 'close');
    const afterwards = leavingExchange();
    await handler(afterwards);
    assert.equal(afterwards.sent.status, 0, 'reached the service (which wrote nothing)');
  });

  it('passes the client going away on to the service', async () => {
    let told = 0;
    const handler = build({ amount: 1 })((exchange) => {
      exchange.onClientGone(() => told++);
    });
    const exchange = leavingExchange();
    await handler(exchange);
    exchange.leave();
    assert.equal(told, 1);
  });

  it('counts a request out when the service fails', async () => {
    let calls = 0;
    const handler = build({ amount: 1 })(async () => {
      calls++;
      throw new Error('bug');
    });
    await assert.rejects(async () => handler(leavingExchange()), /bug/);
    await assert.rejects(async () => handler(leavingExchange()), /bug/);
    assert.equal(calls, 2, 'the failed request no longer counts');
  });

  it('counts per Host header by default', async () => {
    const service = holdingService();
    const handler = build({ amount: 1 })(service);
    const a = leavingExchange({ headers: ['Host', 'a.example'] });
    const b = leavingExchange({ headers: ['Host', 'b.example'] });
    const a2 = leavingExchange({ headers: ['Host', 'a.example'], remoteAddress: '198.51.100.1' });
    for (const exchange of [a, b, a2]) await handler(exchange);
    assert.equal(service.held.length, 2);
    assert.equal(a2.sent.status, 429);
  });

  it('counts per client IP with sourceCriterion.ipStrategy', async () => {
    const service = holdingService();
    const handler = build({ amount: 1, sourceCriterion: { ipStrategy: {} } })(service);
    const a = leavingExchange({ remoteAddress: '198.51.100.1' });
    const b = leavingExchange({ remoteAddress: '198.51.100.2' });
    const a2 = leavingExchange({ remoteAddress: '198.51.100.1', headers: ['Host', 'other.example'] });
    for (const exchange of [a, b, a2]) await handler(exchange);
    assert.equal(service.held.length, 2);
    assert.equal(a2.sent.status, 429);
  });

  it('counts requests of different routers apart (one instance per router)', async () => {
    const config = { amount: 1 };
    const service = holdingService();
    await build(config)(service)(leavingExchange());
    await build(config)(service)(leavingExchange());
    assert.equal(service.held.length, 2);
  });
});
