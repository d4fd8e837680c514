/**
 * A request for an internal service forwarded from a worker (internal-forwarder.ts) and
 * answered on the control plane (forwarded-exchange.ts), with the channel in memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newExchangeLog, sendText, writeHeadThroughHooks, type Exchange, type Handler } from '../../lib/exchange.ts';
import { ForwardedExchange } from './forwarded-exchange.ts';
import { createInternalForwarder } from './internal-forwarder.ts';
import type { FromWorker } from './worker-messages.ts';

interface Recorded {
  status: number;
  headers: string[];
  body: string;
  ended: boolean;
  destroyed: boolean;
}

/** A worker-side exchange whose response is recorded. */
function clientExchange(path: string): { exchange: Exchange; recorded: Recorded; leave: () => void } {
  const recorded: Recorded = { status: 0, headers: [], body: '', ended: false, destroyed: false };
  const abort = new AbortController();
  let headSent = false;
  const exchange: Exchange = {
    request: {
      method: 'GET', path, query: 'x=1', headers: ['Host', 'api.test'], httpVersion: '1.1', host: 'api.test', remoteAddress: '127.0.0.1',
      remotePort: 5000, clientIp: '127.0.0.1', localPort: 8080, tls: undefined, entryPoint: 'traefik',
    },
    body: null,
    response: {
      get headSent() {
        return headSent;
      },
      writeHead(status, headers) {
        headSent = true;
        recorded.status = status;
        recorded.headers = headers;
      },
      write(chunk) {
        recorded.body += chunk.toString();
        return true;
      },
      onDrain: () => undefined,
      end() {
        recorded.ended = true;
      },
      destroy() {
        recorded.destroyed = true;
      },
      flush: () => undefined,
    },
    upgrade: null,
    get signal() {
      return abort.signal;
    },
    get clientGone() {
      return abort.signal.aborted;
    },
    onClientGone: () => undefined,
    // A middleware on the worker's router edits the head the control plane sends.
    responseHeadHooks: [(status, headers) => {
      headers.push('X-Worker', '1');
      return status;
    }],
    log: newExchangeLog(0n, path, 'x=1'),
  };
  return { exchange, recorded, leave: () => abort.abort() };
}

/** A worker's forwarder and a control plane running `handler`, joined in memory. */
function channel(handler: Handler) {
  const control = new Map<number, ForwardedExchange>();
  const seen: FromWorker[] = [];
  const forwarder = createInternalForwarder((message) => {
    seen.push(message);
    if (message.type === 'internal-request') {
      const ex = new ForwardedExchange(message.head, message.body, (part) => queueMicrotask(() => forwarder.receive(message.id, part)));
      control.set(message.id, ex);
      void handler(ex);
    } else if (message.type === 'internal-cancel') {
      control.get(message.id)?.cancel();
    }
  });
  return { forwarder, seen, control };
}

const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

test('the control plane answers, and the worker writes the answer through its own response hooks', async () => {
  const { forwarder } = channel((ex) => sendText(ex, 200, `${ex.request.method} ${ex.request.path}?${ex.request.query} from ${ex.request.clientIp}`));
  const { exchange, recorded } = clientExchange('/api/overview');
  await forwarder.handler('api@internal')(exchange);
  await settled();
  assert.equal(recorded.status, 200);
  assert.deepEqual(recorded.headers.slice(-2), ['X-Worker', '1']);
  assert.equal(recorded.body, 'GET /api/overview?x=1 from 127.0.0.1');
  assert.ok(recorded.ended);
});

test('a client that leaves cancels the control plane\'s side, which then sends nothing more', async () => {
  let gone = false;
  let open: Exchange | null = null;
  const { forwarder, seen } = channel((ex) => {
    writeHeadThroughHooks(ex, 200, ['Content-Type', 'text/event-stream']);
    ex.onClientGone(() => { gone = true; });
    open = ex;
  });
  const { exchange, recorded, leave } = clientExchange('/api/stats/stream');
  await forwarder.handler('api@internal')(exchange);
  await settled();
  assert.equal(recorded.status, 200);
  leave();
  assert.equal(seen[seen.length - 1]!.type, 'internal-cancel');
  assert.ok(gone);
  (open as Exchange | null)!.response.write(Buffer.from('late'));
  await settled();
  assert.equal(recorded.body, '');
});

test('when the control plane goes away, an answer not started is a 502 and one started is cut', async () => {
  const { forwarder } = channel((ex) => {
    if (ex.request.path === '/api/stats/stream') writeHeadThroughHooks(ex, 200, ['Content-Type', 'text/event-stream']);
  });
  const waiting = clientExchange('/api/overview');
  const streaming = clientExchange('/api/stats/stream');
  await forwarder.handler('api@internal')(waiting.exchange);
  await forwarder.handler('api@internal')(streaming.exchange);
  await settled();
  forwarder.abortAll('the control plane went away');
  assert.equal(waiting.recorded.status, 502);
  assert.equal(streaming.recorded.status, 200);
  assert.ok(streaming.recorded.destroyed);
});
