import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveStatsDocument, LiveStatsView } from '../config/live-stats-view.ts';
import { newExchangeLog, type Exchange } from '../lib/exchange.ts';
import { createManualClock } from '../lib/manual-clock.ts';
import { createStatsStream } from './stats-stream.ts';

/** A view whose samples carry the clock time they were taken at. */
function clockView(now: () => number): LiveStatsView {
  return {
    snapshot: (): LiveStatsDocument => ({
      at: new Date(now()).toISOString(), windowSeconds: 10, entryPoints: {}, routers: {}, services: {},
    }),
  };
}

/** An exchange whose client can leave and whose connection can fill up. */
function streamingExchange() {
  const state = {
    status: 0,
    headers: [] as string[],
    events: [] as string[],
    flushes: 0,
    ended: false,
    /** What `write` answers (false: the connection is full). */
    accepting: true,
    drain: null as (() => void) | null,
    gone: null as (() => void) | null,
  };
  const exchange: Exchange = {
    request: {
      method: 'GET', path: '/api/stats/stream', query: '', headers: [], httpVersion: '1.1', host: 'localhost',
      remoteAddress: '127.0.0.1', remotePort: 1, clientIp: '127.0.0.1', localPort: 8080, tls: undefined, entryPoint: 'traefik',
    },
    body: null,
    response: {
      headSent: false,
      writeHead(status, headers) {
        state.status = status;
        state.headers = headers;
      },
      write(chunk) {
        state.events.push(chunk.toString('utf8'));
        return state.accepting;
      },
      onDrain(listener) {
        state.drain = listener;
      },
      end() {
        state.ended = true;
      },
      destroy() {},
      flush() {
        state.flushes++;
      },
    },
    upgrade: null,
    signal: new AbortController().signal,
    clientGone: false,
    onClientGone(listener) {
      state.gone = listener;
    },
    responseHeadHooks: [],
    log: newExchangeLog(0n, '/api/stats/stream', ''),
  };
  return { exchange, state };
}

function data(event: string): LiveStatsDocument {
  const match = /^event: stats\ndata: (.*)\n\n$/.exec(event);
  assert.ok(match !== null, `an SSE event: ${JSON.stringify(event)}`);
  return JSON.parse(match[1]!) as LiveStatsDocument;
}

describe('GET /api/stats/stream', () => {
  it('sends one event at once, then one per second of the clock, each flushed', async () => {
    const clock = createManualClock(0);
    const stream = createStatsStream({ view: clockView(() => clock.now()), clock });
    const { exchange, state } = streamingExchange();
    await stream.handler(exchange);
    assert.equal(state.status, 200);
    assert.equal(state.headers[state.headers.indexOf('Content-Type') + 1], 'text/event-stream');
    assert.equal(state.events.length, 1);
    assert.equal(data(state.events[0]!).at, '1970-01-01T00:00:00.000Z');
    clock.advance(999);
    assert.equal(state.events.length, 1);
    clock.advance(1);
    assert.equal(state.events.length, 2);
    assert.equal(data(state.events[1]!).at, '1970-01-01T00:00:01.000Z');
    clock.advance(2_000);
    assert.equal(state.events.length, 4);
    assert.equal(state.flushes, 4);
  });

  it('stops when the client goes away', async () => {
    const clock = createManualClock(0);
    const stream = createStatsStream({ view: clockView(() => clock.now()), clock });
    const { exchange, state } = streamingExchange();
    await stream.handler(exchange);
    assert.equal(stream.open, 1);
    state.gone!();
    assert.equal(stream.open, 0);
    assert.equal(clock.pending(), 0, 'no timer is left behind');
    clock.advance(5_000);
    assert.equal(state.events.length, 1);
  });

  it('skips samples while the connection is full instead of queueing them', async () => {
    const clock = createManualClock(0);
    const stream = createStatsStream({ view: clockView(() => clock.now()), clock });
    const { exchange, state } = streamingExchange();
    state.accepting = false;
    await stream.handler(exchange);
    clock.advance(3_000);
    assert.equal(state.events.length, 1);
    state.accepting = true;
    state.drain!();
    clock.advance(1_000);
    assert.equal(state.events.length, 2);
    assert.equal(data(state.events[1]!).at, '1970-01-01T00:00:04.000Z');
  });

  it('ends every open stream on closeAll (the server is stopping)', async () => {
    const clock = createManualClock(0);
    const stream = createStatsStream({ view: clockView(() => clock.now()), clock });
    const a = streamingExchange();
    const b = streamingExchange();
    await stream.handler(a.exchange);
    await stream.handler(b.exchange);
    stream.closeAll();
    assert.deepEqual([a.state.ended, b.state.ended, stream.open, clock.pending()], [true, true, 0, 0]);
  });

  it('refuses an interval that is not positive', () => {
    const clock = createManualClock(0);
    assert.throws(() => createStatsStream({ view: clockView(() => 0), clock, intervalMs: 0 }), /interval must be positive/);
  });
});
