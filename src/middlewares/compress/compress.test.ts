/**
 * compress on a real server through the real proxy and load balancer: which responses get
 * encoded, with what, and that they decode back to what the server sent.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync, zstdDecompressSync } from 'node:zlib';
import { compressSchema } from '../../config/http-middlewares-traffic.ts';
import type { CompressMiddleware } from '../../config/dynamic.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createUpstreamPools, type UpstreamPools } from '../../proxy/upstream-pools.ts';
import { headerOf, loadBalancer, startServer, testExchange, type ClientView, type TestServer } from '../../services/testing/forwarding-rig.ts';
import { testContext } from '../testing/test-context.ts';
import { createCompress } from './compress.ts';

const clock = createManualClock(1_000);
let pools: UpstreamPools;
let server: TestServer;
const big = 'a line the server sends many times over. '.repeat(100);

before(async () => {
  pools = createUpstreamPools();
  server = await startServer((request, res) => {
    const type = request.headers['x-type'];
    const headers: Record<string, string> = { 'content-type': typeof type === 'string' ? type : 'text/plain' };
    const extra = request.headers['x-answer-header'];
    if (typeof extra === 'string') {
      const [name, value] = extra.split('=') as [string, string];
      headers[name] = value;
    }
    const size = Number(request.headers['x-size'] ?? big.length);
    res.writeHead(Number(request.headers['x-status'] ?? 200), headers);
    // No Content-Length: the middleware learns the size only by reading.
    if (size > 0) res.write(big.slice(0, size));
    res.end();
  });
});

after(async () => {
  await pools.dispose();
  server.close();
});

async function send(config: Partial<CompressMiddleware>, headers: readonly string[], method = 'GET'): Promise<ClientView> {
  const parsed = compressSchema.parse(config) as CompressMiddleware;
  const service = loadBalancer('origin@file', [server.url], pools, clock);
  const handler = createCompress(parsed, testContext())(service.handler);
  const t = testExchange({ method, headers });
  await handler(t.exchange);
  return t.done;
}

function decoded(view: ClientView): string {
  const bytes = Buffer.from(view.body, 'latin1');
  switch (headerOf(view.headers, 'content-encoding')) {
    case 'gzip': return gunzipSync(bytes).toString();
    case 'br': return brotliDecompressSync(bytes).toString();
    case 'zstd': return zstdDecompressSync(bytes).toString();
    default: return bytes.toString();
  }
}

const cases: ReadonlyArray<{ title: string; config?: Partial<CompressMiddleware>; headers: string[]; method?: string; encoding: string | undefined; size?: number }> = [
  { title: 'encodes with gzip when asked', headers: ['Accept-Encoding', 'gzip'], encoding: 'gzip' },
  { title: 'encodes with br when asked', headers: ['Accept-Encoding', 'br'], encoding: 'br' },
  { title: 'encodes with zstd when asked', headers: ['Accept-Encoding', 'zstd'], encoding: 'zstd' },
  { title: 'prefers the higher q-value', headers: ['Accept-Encoding', 'gzip;q=0.2, zstd;q=0.8'], encoding: 'zstd' },
  { title: 'breaks ties by the configured order', config: { encodings: ['zstd', 'br', 'gzip'] }, headers: ['Accept-Encoding', 'gzip, br'], encoding: 'br' },
  { title: 'skips encodings not configured', config: { encodings: ['gzip'] }, headers: ['Accept-Encoding', 'br'], encoding: undefined },
  { title: 'takes the first encoding for *', headers: ['Accept-Encoding', '*'], encoding: 'gzip' },
  { title: 'takes defaultEncoding for *', config: { defaultEncoding: 'br' }, headers: ['Accept-Encoding', '*'], encoding: 'br' },
  { title: 'takes defaultEncoding without Accept-Encoding', config: { defaultEncoding: 'zstd' }, headers: [], encoding: 'zstd' },
  { title: 'does not encode without Accept-Encoding nor defaultEncoding', headers: [], encoding: undefined },
  { title: 'does not encode for an empty Accept-Encoding', config: { defaultEncoding: 'gzip' }, headers: ['Accept-Encoding', ''], encoding: undefined },
  { title: 'does not encode a refused coding (q=0)', headers: ['Accept-Encoding', 'gzip;q=0'], encoding: undefined },
  { title: 'does not encode a streamed body under minResponseBodyBytes', headers: ['Accept-Encoding', 'gzip', 'X-Size', '1000'], encoding: undefined, size: 1000 },
  { title: 'honours a lower minResponseBodyBytes', config: { minResponseBodyBytes: 10 }, headers: ['Accept-Encoding', 'gzip', 'X-Size', '100'], encoding: 'gzip', size: 100 },
  { title: 'does not encode an excluded media type, parameters ignored', config: { excludedContentTypes: ['Text/Plain'] }, headers: ['Accept-Encoding', 'gzip', 'X-Type', 'text/plain; charset=utf-8'], encoding: undefined },
  { title: 'encodes only included media types', config: { includedContentTypes: ['application/json'] }, headers: ['Accept-Encoding', 'gzip'], encoding: undefined },
  { title: 'encodes an included media type', config: { includedContentTypes: ['application/json'] }, headers: ['Accept-Encoding', 'gzip', 'X-Type', 'application/json'], encoding: 'gzip' },
  { title: 'never encodes gRPC', headers: ['Accept-Encoding', 'gzip', 'X-Type', 'application/grpc+proto'], encoding: undefined },
  { title: 'leaves an encoded response alone', headers: ['Accept-Encoding', 'gzip', 'X-Answer-Header', 'content-encoding=x-custom'], encoding: 'x-custom' },
  { title: 'leaves a no-transform response alone', headers: ['Accept-Encoding', 'gzip', 'X-Answer-Header', 'cache-control=public, no-transform'], encoding: undefined },
  { title: 'leaves a range request alone', headers: ['Accept-Encoding', 'gzip', 'Range', 'bytes=0-10'], encoding: undefined },
  { title: 'leaves a 206 alone', headers: ['Accept-Encoding', 'gzip', 'X-Status', '206'], encoding: undefined },
];

for (const c of cases) {
  test(c.title, async () => {
    const view = await send(c.config ?? {}, c.headers, c.method);
    assert.equal(view.destroyed, false);
    assert.equal(headerOf(view.headers, 'content-encoding'), c.encoding);
    assert.equal(decoded(view), big.slice(0, c.size ?? big.length));
    if (c.encoding !== undefined && c.encoding !== 'x-custom') {
      assert.equal(headerOf(view.headers, 'vary'), 'Accept-Encoding');
      assert.equal(headerOf(view.headers, 'content-length'), undefined);
    }
  });
}

test('does not encode the answer to HEAD', async () => {
  const view = await send({}, ['Accept-Encoding', 'gzip'], 'HEAD');
  assert.equal(headerOf(view.headers, 'content-encoding'), undefined);
});

test('varies on Accept-Encoding even when the body stays plain', async () => {
  const view = await send({}, ['Accept-Encoding', 'gzip', 'X-Size', '10']);
  assert.equal(headerOf(view.headers, 'content-encoding'), undefined);
  assert.equal(headerOf(view.headers, 'vary'), 'Accept-Encoding');
});

test('reads minResponseBodyBytes 0 as the default 1024', async () => {
  const view = await send({ minResponseBodyBytes: 0 }, ['Accept-Encoding', 'gzip', 'X-Size', '1000']);
  assert.equal(headerOf(view.headers, 'content-encoding'), undefined);
});

test('judges a response without Content-Type by its size alone', async () => {
  const view = await send({ includedContentTypes: ['application/json'] }, ['Accept-Encoding', 'gzip', 'X-Type', '']);
  assert.equal(headerOf(view.headers, 'content-encoding'), 'gzip');
  assert.equal(decoded(view), big);
});
