/**
 * End to end on the raw-socket engine (`http.engine: raw`, whatever SWITCHYARD_ENGINE says): a
 * WebSocket, a server-sent event stream and a 256 MiB streamed upload (generated, never stored;
 * 1 GiB with SWITCHYARD_BIG_UPLOAD=1) pass through with the proxy's memory bounded. The proxy's
 * resident memory (the whole process tree, workers included) is sampled every 8 MiB sent; a
 * proxy that buffered the body would grow by a large part of it, since the origin reads more
 * slowly than the client sends.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { request } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';
import { listenOnLoopback, startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

const UPLOAD = process.env['SWITCHYARD_BIG_UPLOAD'] === '1' ? 1024 * 1024 * 1024 : 256 * 1024 * 1024;
const MIB = 1024 * 1024;
let sy: SwitchyardProcess;
let server: Server;
let wss: WebSocketServer;
let sseNext: (() => void) | null = null;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/upload') {
      const hash = createHash('sha256');
      let size = 0;
      let sincePause = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        size += c.length;
        sincePause += c.length;
        // A slower reader than the client: give the event loop away every MiB.
        if (sincePause >= MIB) {
          sincePause = 0;
          req.pause();
          setImmediate(() => setImmediate(() => req.resume()));
        }
      });
      req.on('end', () => res.end(JSON.stringify({ size, sha256: hash.digest('hex') })));
      return;
    }
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let n = 0;
      sseNext = () => {
        n++;
        res.write(`id: ${n}\ndata: event ${n}\n\n`);
        if (n === 5) res.end();
      };
      sseNext();
      return;
    }
    res.writeHead(404).end();
  });
  wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${data.toString()}`)));
  const port = await listenOnLoopback(server);
  const dynamic = `
http:
  routers:
    all:
      rule: "PathPrefix(\`/\`)"
      service: origin
  services:
    origin:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:${port}"}]
`;
  ({ sy } = await startWithDynamic(dynamic, ['web'], (dynamicFile) => `entryPoints:
  web:
    address: "127.0.0.1:0"
    http:
      engine: raw
providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(dynamicFile)}
log:
  level: INFO
  format: json
`));
});

after(async () => {
  await sy?.stop();
  wss?.close();
  server?.closeAllConnections();
  server?.close();
});

/** Resident bytes of a process and its descendants (Linux /proc). */
function treeRss(pid: number): number {
  let total = 0;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  total += kb === null ? 0 : Number(kb[1]) * 1024;
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((c) => c !== '');
  } catch {
    children = [];
  }
  for (const child of children) {
    try {
      total += treeRss(Number(child));
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

test('a WebSocket echoes both ways through the raw engine', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${sy.ports.get('web')}/ws`);
  await once(ws, 'open');
  const replies: string[] = [];
  for (const text of ['one', 'two', 'three']) {
    const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
    ws.send(text);
    replies.push(await reply);
  }
  ws.close();
  await once(ws, 'close');
  assert.deepEqual(replies, ['echo:one', 'echo:two', 'echo:three']);
});

test('server-sent events arrive one by one through the raw engine', async () => {
  const res = await request(`http://127.0.0.1:${sy.ports.get('web')}/events`);
  assert.equal(res.statusCode, 200);
  const seen: string[] = [];
  let text = '';
  for await (const chunk of res.body) {
    text += (chunk as Buffer).toString();
    let end = text.indexOf('\n\n');
    while (end >= 0) {
      seen.push(text.slice(0, end));
      text = text.slice(end + 2);
      end = text.indexOf('\n\n');
      // The next event is sent only now: any buffering in the proxy would stall here.
      if (seen.length < 5) sseNext?.();
    }
  }
  assert.deepEqual(seen.map((e) => e.split('\n')[1]), ['data: event 1', 'data: event 2', 'data: event 3', 'data: event 4', 'data: event 5']);
});

test(`a ${UPLOAD / MIB} MiB chunked upload streams through the raw engine in bounded memory`, { timeout: 600_000 }, async (t) => {
  const pid = sy.child.pid!;
  const url = `http://127.0.0.1:${sy.ports.get('web')}/upload`;
  // Warm up the pools and code paths, then take the baseline.
  await (await request(url, { method: 'POST', body: 'warm-up' })).body.text();
  const baseline = treeRss(pid);
  let peak = baseline;
  const block = Buffer.alloc(MIB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  const want = createHash('sha256');
  function* generate(): Generator<Buffer> {
    for (let sent = 0; sent < UPLOAD; sent += MIB) {
      // Each MiB differs (its first bytes carry its index), so a lost or repeated piece shows in the hash.
      const piece = Buffer.from(block);
      piece.writeUInt32LE(sent / MIB, 0);
      want.update(piece);
      if ((sent / MIB) % 8 === 0) peak = Math.max(peak, treeRss(pid));
      yield piece;
    }
  }
  // No Content-Length: undici sends it chunked, so the engine's chunked decoder carries it.
  const res = await request(url, { method: 'POST', body: Readable.from(generate()) });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(await res.body.json(), { size: UPLOAD, sha256: want.digest('hex') });
  const growth = peak - baseline;
  t.diagnostic(`proxy resident memory: ${Math.round(baseline / MIB)} MiB before, ${Math.round(peak / MIB)} MiB at the peak`);
  assert.ok(growth < 96 * MIB, `the proxy grew by ${Math.round(growth / MIB)} MiB while ${UPLOAD / MIB} MiB passed`);
});
