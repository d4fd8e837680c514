import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { mirroringServiceSchema, type MirroringService } from '../../config/dynamic.ts';
import { sendText, type Exchange, type Handler } from '../../lib/exchange.ts';
import type { BuiltService } from '../built-service.ts';
import { createMirroring, type MirrorTarget } from './mirroring.ts';
import { memoryExchange } from './testing/memory-exchange.ts';

function mirroringConfig(raw: Record<string, unknown>): MirroringService {
  return mirroringServiceSchema.parse({ service: 'main', mirrors: [], ...raw }) as MirroringService;
}

/** How a body stream ended: all its bytes and 'end', or the bytes before the error. */
interface BodyResult {
  readonly text: string;
  readonly outcome: string;
}

function collect(body: Readable | null): Promise<BodyResult> {
  if (body === null) return Promise.resolve({ text: '', outcome: 'no body' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: Buffer) => chunks.push(c));
    body.on('end', () => resolve({ text: Buffer.concat(chunks).toString(), outcome: 'end' }));
    body.on('error', (err) => resolve({ text: Buffer.concat(chunks).toString(), outcome: `error: ${err.message}` }));
  });
}

/** A handler that reads the whole body, then answers 200 with it (as a server would). */
function reader(): { readonly handler: Handler; readonly results: Promise<BodyResult>[]; readonly seen: Exchange[] } {
  const results: Promise<BodyResult>[] = [];
  const seen: Exchange[] = [];
  const handler: Handler = (exchange) => {
    seen.push(exchange);
    const result = collect(exchange.body);
    results.push(result);
    void result.then((r) => {
      if (r.outcome !== 'end' && r.outcome !== 'no body') {
        exchange.response.destroy();
        return;
      }
      exchange.log.originStatus = 200;
      sendText(exchange, 200, r.text);
    });
  };
  return { handler, results, seen };
}

function service(handler: Handler): BuiltService {
  return { handler, health: null, serverStatus: () => undefined, dispose() {} };
}

function mirror(name: string, handler: Handler, percent = 100): MirrorTarget {
  return { name, percent, compare: false, handler };
}

test('a request whose Content-Length exceeds maxBodySize is not mirrored at all', async () => {
  const main = reader();
  const shadow = reader();
  const m = createMirroring('m@file', mirroringConfig({ maxBodySize: 10 }), { main: service(main.handler), mirrors: [mirror('shadow', shadow.handler)] });

  const over = memoryExchange({ method: 'POST', headers: ['Content-Length', '11'], body: new PassThrough().end('01234567890') });
  void m.handler(over);
  assert.equal(main.seen[0], over, 'served as a plain pass-through');
  assert.equal(shadow.seen.length, 0);
  assert.deepEqual((await main.results[0])!, { text: '01234567890', outcome: 'end' });
  assert.deepEqual(m.stats().map((s) => [s.sent, s.skipped]), [[0, 1]]);

  const atLimit = memoryExchange({ method: 'POST', headers: ['Content-Length', '10'], body: new PassThrough().end('0123456789') });
  void m.handler(atLimit);
  assert.equal(shadow.seen.length, 1);
  assert.deepEqual(await shadow.results[0], { text: '0123456789', outcome: 'end' });
  assert.deepEqual(await main.results[1], { text: '0123456789', outcome: 'end' });
});

test('a streamed body growing past maxBodySize aborts the mirror; the primary gets all of it', async () => {
  const main = reader();
  const shadow = reader();
  const m = createMirroring('m@file', mirroringConfig({ maxBodySize: 5 }), { main: service(main.handler), mirrors: [mirror('shadow', shadow.handler)] });
  const body = new PassThrough();
  const ex = memoryExchange({ method: 'POST', headers: ['Transfer-Encoding', 'chunked'], body });
  void m.handler(ex);
  body.write('abc');
  await once(shadow.seen[0]!.body!, 'data');
  body.write('def');
  body.end('ghi');
  assert.deepEqual(await shadow.results[0], { text: 'abc', outcome: 'error: request body larger than maxBodySize' });
  assert.deepEqual(await main.results[0], { text: 'abcdefghi', outcome: 'end' });
  await ex.done;
  assert.equal(ex.receivedBody().toString(), 'abcdefghi');
  assert.deepEqual(m.stats().map((s) => [s.sent, s.aborted, s.completed, s.failed]), [[1, 1, 0, 0]]);
});

test('a mirror that does not read falls behind its buffer and is aborted; the primary reads on', async () => {
  const main = reader();
  let mirrorBody: Readable | null = null;
  const idle: Handler = (exchange) => {
    mirrorBody = exchange.body; // never read
  };
  const m = createMirroring('m@file', mirroringConfig({ mirrorBufferBytes: 8 }), { main: service(main.handler), mirrors: [mirror('idle', idle)] });
  const body = new PassThrough();
  const ex = memoryExchange({ method: 'POST', headers: ['Content-Length', '15'], body });
  void m.handler(ex);
  const failed = once(mirrorBody!, 'error');
  body.write('aaaaa');
  body.write('bbbbb');
  body.end('ccccc');
  const [err] = (await failed) as [Error];
  assert.equal(err.message, 'mirror fell behind its body buffer');
  assert.deepEqual(await main.results[0], { text: 'aaaaabbbbbccccc', outcome: 'end' });
  assert.deepEqual(m.stats().map((s) => [s.sent, s.aborted]), [[1, 1]]);
});

test('a client body that fails aborts the mirrors and fails the primary body', async () => {
  const main = reader();
  const shadow = reader();
  const m = createMirroring('m@file', mirroringConfig({}), { main: service(main.handler), mirrors: [mirror('shadow', shadow.handler)] });
  const body = new PassThrough();
  void m.handler(memoryExchange({ method: 'POST', headers: ['Content-Length', '100'], body }));
  body.write('part');
  await once(shadow.seen[0]!.body!, 'data'); // 'part' went through before the failure
  body.destroy(new Error('client reset'));
  assert.deepEqual(await shadow.results[0], { text: 'part', outcome: 'error: client request body failed' });
  assert.deepEqual(await main.results[0], { text: 'part', outcome: 'error: client reset' });
  assert.deepEqual(m.stats().map((s) => [s.sent, s.aborted]), [[1, 1]]);
});

test('a body that ends short of its Content-Length is never delivered to a mirror as complete', async () => {
  const main = reader();
  const shadow = reader();
  const m = createMirroring('m@file', mirroringConfig({}), { main: service(main.handler), mirrors: [mirror('shadow', shadow.handler)] });
  void m.handler(memoryExchange({ method: 'POST', headers: ['Content-Length', '10'], body: new PassThrough().end('short') }));
  assert.deepEqual(await shadow.results[0], { text: 'short', outcome: 'error: request body shorter than its Content-Length' });
  assert.deepEqual(m.stats().map((s) => [s.sent, s.aborted]), [[1, 1]]);
});

test('mirrorBody: false sends mirrors no body and nothing announcing one', async () => {
  const main = reader();
  const shadow = reader();
  const m = createMirroring('m@file', mirroringConfig({ mirrorBody: false }), { main: service(main.handler), mirrors: [mirror('shadow', shadow.handler)] });
  const chunked = memoryExchange({ method: 'POST', headers: ['Transfer-Encoding', 'chunked', 'Content-Type', 'text/plain'], body: new PassThrough().end('payload') });
  void m.handler(chunked);
  const sized = memoryExchange({ method: 'PUT', headers: ['Content-Length', '7'], body: new PassThrough().end('payload') });
  void m.handler(sized);
  assert.equal(main.seen[0], chunked, 'the primary reads the client body itself');
  assert.deepEqual(shadow.seen.map((e) => [e.request.method, e.body, e.request.headers]), [
    ['POST', null, ['Host', 'example.com', 'Content-Type', 'text/plain', 'X-Switchyard-Mirror', 'shadow']],
    ['PUT', null, ['Host', 'example.com', 'X-Switchyard-Mirror', 'shadow']],
  ]);
  assert.deepEqual(await main.results[0], { text: 'payload', outcome: 'end' });
  assert.deepEqual(await main.results[1], { text: 'payload', outcome: 'end' });
});

test('a primary that answers without reading the body leaves the body to the mirrors', async () => {
  const answeringAtOnce: Handler = (exchange) => {
    exchange.log.originStatus = 403;
    sendText(exchange, 403, 'no');
  };
  const shadow = reader();
  const m = createMirroring('m@file', mirroringConfig({}), { main: service(answeringAtOnce), mirrors: [mirror('shadow', shadow.handler)] });
  const body = new PassThrough();
  const ex = memoryExchange({ method: 'POST', headers: ['Content-Length', '11'], body });
  void m.handler(ex);
  await ex.done;
  assert.equal(ex.client.status, 403);
  body.write('hello ');
  body.end('world');
  assert.deepEqual(await shadow.results[0], { text: 'hello world', outcome: 'end' });
  assert.deepEqual(m.stats().map((s) => [s.sent, s.completed]), [[1, 1]]);
});

test('once neither the primary nor a mirror wants the rest of the body, it is drained', async () => {
  const answeringAtOnce: Handler = (exchange) => sendText(exchange, 403, 'no');
  const idle: Handler = () => {};
  const m = createMirroring('m@file', mirroringConfig({ mirrorBufferBytes: 4 }), { main: service(answeringAtOnce), mirrors: [mirror('idle', idle)] });
  const body = new PassThrough();
  void m.handler(memoryExchange({ method: 'POST', headers: ['Content-Length', '12'], body }));
  const ended = once(body, 'end');
  body.write('12345'); // past the idle mirror's buffer: aborted
  body.end('6789012');
  await ended; // only a consumed stream ends
  assert.deepEqual(m.stats().map((s) => [s.sent, s.aborted]), [[1, 1]]);
});
