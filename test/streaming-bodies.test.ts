/**
 * End to end: large bodies stream both ways intact, and server-sent events arrive one by one
 * (each event is sent only after the client has received the previous one, so any buffering
 * in the proxy would stall the test instead of passing it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { catchAllTo, listenOnLoopback, startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

const SIZE = 50 * 1024 * 1024;
let sy: SwitchyardProcess;
let server: Server;
const download = randomBytes(SIZE);
const downloadHash = createHash('sha256').update(download).digest('hex');
let sseNext: (() => void) | null = null;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/upload') {
      const hash = createHash('sha256');
      let size = 0;
      req.on('data', (c: Buffer) => { hash.update(c); size += c.length; });
      req.on('end', () => res.end(JSON.stringify({ size, sha256: hash.digest('hex') })));
      return;
    }
    if (req.url === '/download') {
      res.writeHead(200, { 'content-length': String(SIZE), 'content-type': 'application/octet-stream' });
      // Stream in chunks so backpressure is exercised along the way.
      Readable.from((function* () { for (let o = 0; o < SIZE; o += 1 << 20) yield download.subarray(o, o + (1 << 20)); })()).pipe(res);
      return;
    }
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let n = 0;
      const send = (): void => {
        n++;
        res.write(`id: ${n}\ndata: event ${n}\n\n`);
        if (n === 5) res.end();
      };
      sseNext = send;
      send();
      return;
    }
    if (req.url === '/trailers') {
      res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-checksum, grpc-status' });
      res.write('body before the trailers');
      res.addTrailers([['X-Checksum', 'abc123'], ['grpc-status', '0'], ['Set-Cookie', 'smuggled=1']]);
      res.end();
      return;
    }
    res.writeHead(404).end();
  });
  const port = await listenOnLoopback(server);
  ({ sy } = await startWithDynamic(catchAllTo(`http://127.0.0.1:${port}`), ['web']));
});

after(async () => {
  await sy?.stop();
  server?.closeAllConnections();
  server?.close();
});

test('a 50 MiB upload arrives intact', async () => {
  const body = randomBytes(SIZE);
  const want = createHash('sha256').update(body).digest('hex');
  const chunks = (function* () { for (let o = 0; o < SIZE; o += 1 << 20) yield body.subarray(o, o + (1 << 20)); })();
  const res = await request(`http://127.0.0.1:${sy.ports.get('web')}/upload`, {
    method: 'POST', body: Readable.from(chunks), headers: { 'content-length': String(SIZE) },
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(await res.body.json(), { size: SIZE, sha256: want });
});

test('a 50 MiB download arrives intact', async () => {
  const res = await request(`http://127.0.0.1:${sy.ports.get('web')}/download`);
  assert.equal(res.statusCode, 200);
  const hash = createHash('sha256');
  let size = 0;
  for await (const c of res.body) { hash.update(c as Buffer); size += (c as Buffer).length; }
  assert.equal(size, SIZE);
  assert.equal(hash.digest('hex'), downloadHash);
});

test('server-sent events are delivered one by one, without buffering', async () => {
  const res = await request(`http://127.0.0.1:${sy.ports.get('web')}/events`);
  assert.equal(res.statusCode, 200);
  const seen: string[] = [];
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += (chunk as Buffer).toString();
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      seen.push(event.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
      // Only now does the origin send the next event.
      sseNext?.();
    }
  }
  assert.deepEqual(seen, ['event 1', 'event 2', 'event 3', 'event 4', 'event 5']);
});

test('a chunked response\'s trailers reach the client; fields a trailer may not carry are dropped', async () => {
  const got = await new Promise<{ body: string; trailers: NodeJS.Dict<string> }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: sy.ports.get('web'), path: '/trailers', headers: { te: 'trailers' }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ body, trailers: res.trailers }))
        .on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(got.body, 'body before the trailers');
  assert.deepEqual(got.trailers, { 'x-checksum': 'abc123', 'grpc-status': '0' });
});
