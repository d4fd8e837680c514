/**
 * Mirroring over real sockets: node:http servers on 127.0.0.1 reached through the real proxy
 * (forward over undici pools), the client side an in-memory exchange with a streaming body.
 * The timeouts are only a safety net: a regression such as mirrors sent after the primary
 * deadlocks the first test, and should fail rather than hang.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { mirroringServiceSchema, type MirroringService } from '../../config/dynamic.ts';
import { getHeaderValues, type Handler } from '../../lib/exchange.ts';
import { createUpstreamPools } from '../../proxy/upstream-pools.ts';
import type { BuiltService } from '../built-service.ts';
import { createMirroring, type BuiltMirroring } from './mirroring.ts';
import { deadUrl, proxyTo, readRequest, sha256, startServer, type ReceivedRequest, type TestServer } from './testing/http-servers.ts';
import { memoryExchange } from './testing/memory-exchange.ts';
import { trackEnds, type TrackedHandler } from './testing/track-ends.ts';

const pools = createUpstreamPools();
const servers: TestServer[] = [];
after(async () => {
  await pools.dispose();
  await Promise.all(servers.map((s) => s.close()));
});

async function server(listener: Parameters<typeof startServer>[0]): Promise<string> {
  const s = await startServer(listener);
  servers.push(s);
  return s.url;
}

function service(handler: Handler): BuiltService {
  return { handler, health: null, serverStatus: () => undefined, dispose() {} };
}

/** Mirroring of `mainUrl` to `mirrorUrl` (100%), the mirror tracked so a test can wait for it. */
function mirroring(mainUrl: string, mirrorUrl: string, raw: Record<string, unknown> = {}): { m: BuiltMirroring; shadow: TrackedHandler } {
  const config = mirroringServiceSchema.parse({ service: 'main', mirrors: [{ name: 'shadow', percent: 100 }], ...raw }) as MirroringService;
  const shadow = trackEnds(proxyTo(mirrorUrl, pools));
  const m = createMirroring('mirrored@file', config, {
    main: service(proxyTo(mainUrl, pools)),
    mirrors: [{ name: 'shadow', percent: 100, compare: false, handler: shadow.handler }],
  });
  return { m, shadow };
}

/** A server that reads each request fully, records it, and answers `answer`. */
async function recordingServer(answer: string): Promise<{ url: string; received: ReceivedRequest[] }> {
  const received: ReceivedRequest[] = [];
  const url = await server((req, res) => {
    void readRequest(req).then((r) => {
      received.push(r);
      res.end(answer);
    });
  });
  return { url, received };
}

const mib = 1024 * 1024;

test('the mirror request is under way before the primary answers, and the primary completes while the mirror is held open', { timeout: 30_000 }, async () => {
  const events: string[] = [];
  const mirrorArrived = Promise.withResolvers<void>();
  const releaseMirror = Promise.withResolvers<void>();
  const mirrorUrl = await server((req, res) => {
    events.push('mirror server has the request');
    mirrorArrived.resolve();
    void releaseMirror.promise.then(() => res.end('late'));
  });
  // The primary's server answers only once the mirror's server has its request: this can only
  // finish if mirrors run alongside the primary, not after it.
  const mainUrl = await server((req, res) => {
    void mirrorArrived.promise.then(() => {
      events.push('primary server answers');
      res.end('primary');
    });
  });
  const { m, shadow } = mirroring(mainUrl, mirrorUrl);
  const ex = memoryExchange({ target: '/held' });
  void m.handler(ex);
  await ex.done;
  events.push('client has the primary response');
  assert.equal(ex.client.status, 200);
  assert.equal(ex.receivedBody().toString(), 'primary');
  assert.deepEqual(m.stats().map((s) => [s.sent, s.completed]), [[1, 0]], 'the mirror is still held');

  releaseMirror.resolve();
  await shadow.ended(1);
  events.push('mirror response ended');
  assert.deepEqual(events, ['mirror server has the request', 'primary server answers', 'client has the primary response', 'mirror response ended']);
  assert.deepEqual(m.stats().map((s) => [s.sent, s.completed, s.failed]), [[1, 1, 0]]);
  assert.equal(ex.receivedBody().toString(), 'primary', 'nothing of the mirror reached the client');
});

test('mirror requests reach the mirror server with X-Switchyard-Mirror, the primary request without it', { timeout: 30_000 }, async () => {
  const primary = await recordingServer('primary');
  const mirror = await recordingServer('mirror');
  const { m, shadow } = mirroring(primary.url, mirror.url);
  const ex = memoryExchange({ method: 'GET', target: '/search?q=rails', headers: ['Accept', 'text/html'] });
  void m.handler(ex);
  await ex.done;
  await shadow.ended(1);
  assert.equal(ex.receivedBody().toString(), 'primary');
  const [p] = primary.received;
  const [s] = mirror.received;
  assert.deepEqual([p!.method, p!.url, getHeaderValues(p!.headers, 'x-switchyard-mirror')], ['GET', '/search?q=rails', []]);
  assert.deepEqual([s!.method, s!.url, getHeaderValues(s!.headers, 'x-switchyard-mirror')], ['GET', '/search?q=rails', ['shadow']]);
  assert.deepEqual(getHeaderValues(s!.headers, 'accept'), ['text/html']);
});

test('a mirror server that is down does not change the client response', { timeout: 30_000 }, async () => {
  const primary = await recordingServer('primary');
  const { m, shadow } = mirroring(primary.url, await deadUrl());
  const ex = memoryExchange({ target: '/' });
  void m.handler(ex);
  await ex.done;
  await shadow.ended(1);
  assert.equal(ex.client.status, 200);
  assert.equal(ex.client.outcome, 'ended');
  assert.equal(ex.receivedBody().toString(), 'primary');
  assert.deepEqual(m.stats().map((s) => [s.sent, s.completed, s.failed, s.aborted]), [[1, 0, 1, 0]]);
});

test('a 5 MiB POST arrives intact at the primary and at a mirror that keeps up', { timeout: 30_000 }, async () => {
  const primary = await recordingServer('primary');
  // The client below sends its next chunk only once the mirror's server has everything sent so
  // far, so this mirror keeps up by construction.
  let mirrorBytes = 0;
  let waiting: { bytes: number; resolve: () => void } | null = null;
  const mirrorReceived: ReceivedRequest[] = [];
  const mirrorUrl = await server((req, res) => {
    req.on('data', (chunk: Buffer) => {
      mirrorBytes += chunk.length;
      if (waiting !== null && mirrorBytes >= waiting.bytes) {
        waiting.resolve();
        waiting = null;
      }
    });
    void readRequest(req).then((r) => {
      mirrorReceived.push(r);
      res.end('mirror');
    });
  });
  const mirrorHas = (bytes: number): Promise<void> => {
    if (mirrorBytes >= bytes) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    waiting = { bytes, resolve };
    return promise;
  };

  const { m, shadow } = mirroring(primary.url, mirrorUrl);
  const data = randomBytes(5 * mib);
  const body = new PassThrough();
  const ex = memoryExchange({ method: 'POST', target: '/upload', headers: ['Content-Length', String(data.length)], body });
  void m.handler(ex);
  const chunk = 64 * 1024;
  for (let offset = 0; offset < data.length; offset += chunk) {
    const end = Math.min(offset + chunk, data.length);
    body.write(data.subarray(offset, end));
    await mirrorHas(end);
  }
  body.end();
  await ex.done;
  await shadow.ended(1);

  assert.equal(ex.client.status, 200);
  assert.equal(ex.receivedBody().toString(), 'primary');
  const expected = { bytes: data.length, sha256: sha256(data) };
  assert.deepEqual({ bytes: primary.received[0]!.bytes, sha256: primary.received[0]!.sha256 }, expected);
  assert.deepEqual({ bytes: mirrorReceived[0]!.bytes, sha256: mirrorReceived[0]!.sha256 }, expected);
  assert.deepEqual(m.stats().map((s) => [s.sent, s.completed, s.aborted]), [[1, 1, 0]]);
});

test('a mirror whose server does not read the body is aborted; the primary still gets the full body', { timeout: 30_000 }, async () => {
  const primary = await recordingServer('primary');
  const mirrorRequest = Promise.withResolvers<IncomingMessage>();
  const mirrorClosed = Promise.withResolvers<void>();
  let mirrorBytes = 0;
  const mirrorUrl = await server((req) => {
    // Reads nothing until the test says so, never answers.
    req.pause();
    req.on('error', () => {});
    req.on('close', () => mirrorClosed.resolve());
    mirrorRequest.resolve(req);
  });
  const { m, shadow } = mirroring(primary.url, mirrorUrl, { mirrorBufferBytes: 64 * 1024 });
  const data = randomBytes(5 * mib);
  const body = new PassThrough();
  const ex = memoryExchange({ method: 'POST', target: '/upload', headers: ['Content-Length', String(data.length)], body });
  void m.handler(ex);
  // A first kilobyte, then the rest once the mirror's server has the request: the mirror is
  // cut mid-body, not before it connected.
  body.write(data.subarray(0, 1024));
  const req = await mirrorRequest.promise;
  body.end(data.subarray(1024));
  await ex.done;
  // The primary's server answered after reading everything, so the mirror was fed everything too.
  assert.deepEqual(m.stats().map((s) => [s.sent, s.aborted]), [[1, 1]], 'aborted while the primary was still reading');
  await shadow.ended(1);

  assert.equal(ex.client.status, 200);
  assert.equal(ex.receivedBody().toString(), 'primary');
  assert.deepEqual({ bytes: primary.received[0]!.bytes, sha256: primary.received[0]!.sha256 }, { bytes: data.length, sha256: sha256(data) });
  assert.deepEqual(m.stats().map((s) => [s.sent, s.completed, s.aborted, s.failed]), [[1, 0, 1, 0]]);
  // A server that does not read does not notice the reset either; once it reads, it finds the
  // request cut short.
  req.on('data', (chunk: Buffer) => {
    mirrorBytes += chunk.length;
  });
  req.resume();
  await mirrorClosed.promise;
  assert.equal(req.complete, false, 'the mirror server saw a reset, never a complete request');
  assert.ok(mirrorBytes < data.length, `the mirror server got ${mirrorBytes} of ${data.length} bytes`);
});
