/**
 * End to end: compress through the real binary. The server answers plain bodies; the client
 * gets them encoded as its Accept-Encoding asks (and decodes them back to the original), or
 * untouched when the response does not qualify.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type ServerResponse } from 'node:http';
import { brotliDecompressSync, createGunzip, gunzipSync, zstdDecompressSync } from 'node:zlib';
import { startBackend, type Backend } from './support/backends.ts';
import { send, type Answer } from './support/http-client.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let backend: Backend;
let sy: SwitchyardProcess;

const big = 'switchyard compresses this line. '.repeat(200);
const sseResponses: ServerResponse[] = [];

before(async () => {
  backend = await startBackend('origin', (req, res) => {
    const path = req.url ?? '/';
    if (path === '/stream') {
      // Chunked (no Content-Length), written in pieces over several ticks.
      res.writeHead(200, { 'content-type': 'text/plain' });
      let i = 0;
      const tick = (): void => {
        if (i === 40) { res.end(); return; }
        res.write(`${String(i++).padStart(3, '0')} ${big.slice(0, 500)}\n`);
        setImmediate(tick);
      };
      tick();
      return;
    }
    if (path === '/events') {
      // One event now, the end only when the client says it got it.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: first\n\n');
      sseResponses.push(res);
      return;
    }
    if (path === '/range' && req.headers.range !== undefined) {
      res.writeHead(206, { 'content-type': 'text/plain', 'content-range': `bytes 0-1999/${big.length}`, 'content-length': '2000' });
      res.end(big.slice(0, 2000));
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(big)) };
    if (path === '/image') headers['content-type'] = 'image/png';
    if (path === '/encoded') headers['content-encoding'] = 'identity-x';
    if (path === '/vary') headers.vary = 'Origin';
    if (path === '/small') {
      headers['content-length'] = '5';
      res.writeHead(200, headers);
      res.end('small');
      return;
    }
    res.writeHead(200, headers);
    res.end(big);
  });
  ({ sy } = await startWithDynamic(`
http:
  routers:
    compressed:
      rule: "PathPrefix(\`/\`)"
      middlewares: [squeeze]
      service: origin
  middlewares:
    squeeze:
      compress:
        excludedContentTypes: ["image/png"]
  services:
    origin:
      loadBalancer:
        servers: [{url: "${backend.url}"}]
`, ['web']));
});

after(async () => {
  await sy?.stop();
  await backend?.close();
});

function decode(answer: Answer): string {
  switch (answer.headers['content-encoding']) {
    case 'gzip': return gunzipSync(answer.body).toString('utf8');
    case 'br': return brotliDecompressSync(answer.body).toString('utf8');
    case 'zstd': return zstdDecompressSync(answer.body).toString('utf8');
    default: return answer.body.toString('utf8');
  }
}

const streamed = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(3, '0')} ${big.slice(0, 500)}\n`).join('');

const cases: ReadonlyArray<{ name: string; path: string; headers: Record<string, string>; encoding: string | undefined; status?: number; body: string; vary?: string }> = [
  { name: 'encodes with gzip', path: '/', headers: { 'accept-encoding': 'gzip' }, encoding: 'gzip', body: big, vary: 'Accept-Encoding' },
  { name: 'encodes with br', path: '/', headers: { 'accept-encoding': 'br' }, encoding: 'br', body: big, vary: 'Accept-Encoding' },
  { name: 'encodes with zstd', path: '/', headers: { 'accept-encoding': 'zstd' }, encoding: 'zstd', body: big, vary: 'Accept-Encoding' },
  { name: 'picks the highest q-value', path: '/', headers: { 'accept-encoding': 'gzip;q=0.5, br;q=0.9, zstd;q=0.1' }, encoding: 'br', body: big },
  { name: 'breaks q-value ties by the order of encodings', path: '/', headers: { 'accept-encoding': 'zstd, br, gzip' }, encoding: 'gzip', body: big },
  { name: 'does not encode without Accept-Encoding', path: '/', headers: {}, encoding: undefined, body: big },
  { name: 'does not encode a body under minResponseBodyBytes', path: '/small', headers: { 'accept-encoding': 'gzip' }, encoding: undefined, body: 'small' },
  { name: 'does not encode an excluded content type', path: '/image', headers: { 'accept-encoding': 'gzip' }, encoding: undefined, body: big },
  { name: 'leaves an already encoded response untouched', path: '/encoded', headers: { 'accept-encoding': 'gzip' }, encoding: 'identity-x', body: big },
  { name: 'leaves a range request and its 206 untouched', path: '/range', headers: { 'accept-encoding': 'gzip', range: 'bytes=0-1999' }, encoding: undefined, status: 206, body: big.slice(0, 2000) },
  { name: 'merges Accept-Encoding into an existing Vary', path: '/vary', headers: { 'accept-encoding': 'gzip' }, encoding: 'gzip', body: big, vary: 'Origin, Accept-Encoding' },
  { name: 'encodes a streamed body without Content-Length', path: '/stream', headers: { 'accept-encoding': 'gzip' }, encoding: 'gzip', body: streamed },
];

for (const c of cases) {
  test(c.name, async () => {
    const answer = await send(sy.ports.get('web'), { path: c.path, headers: c.headers });
    assert.equal(answer.status, c.status ?? 200);
    assert.equal(answer.headers['content-encoding'], c.encoding);
    assert.equal(decode(answer), c.body);
    if (c.encoding !== undefined && c.encoding !== 'identity-x') {
      assert.equal(answer.headers['content-length'], undefined);
      assert.ok(answer.body.length < Buffer.byteLength(c.body), 'the encoded body is smaller');
    }
    if (c.vary !== undefined) assert.equal(answer.headers.vary, c.vary);
  });
}

test('delivers a server-sent event, encoded, while the stream is still open', async () => {
  // Not the shared client: the response never ends on its own, so this reads the first event
  // from the open stream and only then lets the server end it.
  const got = await new Promise<{ encoding: string | undefined; first: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: sy.ports.get('web'), path: '/events', headers: { 'accept-encoding': 'gzip' }, agent: false }, (res) => {
      let text = '';
      const gunzip = createGunzip();
      res.pipe(gunzip);
      gunzip.setEncoding('utf8').on('data', (d: string) => {
        text += d;
        if (text.includes('\n\n')) {
          resolve({ encoding: res.headers['content-encoding'], first: text });
          for (const r of sseResponses) r.end();
        }
      });
      gunzip.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(got.encoding, 'gzip');
  assert.equal(got.first, 'data: first\n\n');
});
