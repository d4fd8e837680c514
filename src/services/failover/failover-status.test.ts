/**
 * Status-based failover (`errors.status`) on real servers through the real proxy: main's answer
 * with a listed status is dropped and the same request, body included, goes to the fallback;
 * other answers stream through from main; bodies over `maxRequestBodyBytes` get 413.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { failoverServiceSchema } from '../../config/http-services.ts';
import type { FailoverService } from '../../config/dynamic.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createUpstreamPools, type UpstreamPools } from '../../proxy/upstream-pools.ts';
import type { BuiltService } from '../built-service.ts';
import { createComputedHealthSignal } from '../health/health-signal.ts';
import { createFailover } from './failover.ts';
import { answerWith, headerOf, loadBalancer, startServer, testExchange, type Answer, type ClientRequest, type ClientView, type TestServer } from '../testing/forwarding-rig.ts';

const clock = createManualClock(1_000);
let pools: UpstreamPools;
const servers: TestServer[] = [];

before(() => {
  pools = createUpstreamPools();
});

after(async () => {
  await pools.dispose();
  for (const s of servers) s.close();
});

async function server(answer: Answer): Promise<TestServer> {
  const s = await startServer(answer);
  servers.push(s);
  return s;
}

/** Answers 200 with the SHA-256 of the body it received. */
const digestAnswer = (name: string): Answer => (request, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': name });
  res.end(`${name} ${request.method} ${request.url} ${createHash('sha256').update(request.body).digest('hex')}`);
};

function failover(main: BuiltService, fallback: BuiltService, errors: Record<string, unknown>): BuiltService {
  const config = failoverServiceSchema.parse({ service: 'main', fallback: 'backup', errors }) as FailoverService;
  return createFailover('ha@file', config, { main, fallback, clock });
}

async function send(service: BuiltService, request: ClientRequest): Promise<ClientView> {
  const t = testExchange(request);
  await service.handler(t.exchange);
  return t.done;
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

test('a listed status from main sends the same request, body intact, to the fallback', async () => {
  const mainServer = await server(answerWith(503, 'main is overloaded', { 'x-main': 'yes' }));
  const fallbackServer = await server(digestAnswer('fallback'));
  const ha = failover(loadBalancer('main@file', [mainServer.url], pools, clock), loadBalancer('backup@file', [fallbackServer.url], pools, clock),
    { status: ['500-504', '429'] });
  const body = randomBytes(300_000);

  const view = await send(ha, { method: 'PUT', target: '/items/7?v=2', body });

  assert.equal(view.status, 200);
  assert.equal(view.body, `fallback PUT /items/7?v=2 ${sha(body)}`);
  assert.equal(headerOf(view.headers, 'x-main'), undefined, "nothing of main's response reaches the client");
  assert.equal(view.destroyed, false);
  assert.equal(mainServer.seen.length, 1);
  assert.equal(sha(mainServer.seen[0]!.body), sha(body), 'main got the whole body too');
  assert.equal(fallbackServer.seen.length, 1);
  assert.equal(fallbackServer.seen[0]!.headers['content-length'], String(body.length));
});

test('a body without Content-Length is replayed to the fallback as well', async () => {
  const mainServer = await server(answerWith(500, 'boom'));
  const fallbackServer = await server(digestAnswer('fallback'));
  const ha = failover(loadBalancer('main@file', [mainServer.url], pools, clock), loadBalancer('backup@file', [fallbackServer.url], pools, clock),
    { status: ['500'] });
  const body = randomBytes(5_000);

  const view = await send(ha, { method: 'POST', target: '/upload', body, chunked: true });

  assert.equal(view.body, `fallback POST /upload ${sha(body)}`);
  assert.equal(sha(mainServer.seen[0]!.body), sha(body));
});

test('a status outside the ranges streams through from main', async () => {
  const big = 'x'.repeat(200_000);
  const mainServer = await server(answerWith(404, big, { 'x-main': 'yes' }));
  const fallbackServer = await server(digestAnswer('fallback'));
  const ha = failover(loadBalancer('main@file', [mainServer.url], pools, clock), loadBalancer('backup@file', [fallbackServer.url], pools, clock),
    { status: ['500-504'] });

  const view = await send(ha, { target: '/missing' });

  assert.equal(view.status, 404);
  assert.equal(view.body.length, big.length);
  assert.equal(headerOf(view.headers, 'x-main'), 'yes');
  assert.equal(fallbackServer.seen.length, 0);
});

test('main DOWN goes straight to the fallback, without trying main', async () => {
  const mainServer = await server(answerWith(200, 'from main'));
  const fallbackServer = await server(digestAnswer('fallback'));
  let up = false;
  const main = { ...loadBalancer('main@file', [mainServer.url], pools, clock), health: createComputedHealthSignal(() => up) };
  const ha = failover(main, loadBalancer('backup@file', [fallbackServer.url], pools, clock), { status: ['500-504'] });

  assert.equal((await send(ha, { target: '/a' })).body, `fallback GET /a ${sha(Buffer.alloc(0))}`);
  assert.equal(mainServer.seen.length, 0);
  up = true;
  main.health.recheck();
  assert.equal((await send(ha, { target: '/a' })).body, 'from main');
});

test("keeps main's answer when the fallback is DOWN", async () => {
  const mainServer = await server(answerWith(502, 'main failed'));
  const fallbackServer = await server(digestAnswer('fallback'));
  const fallback = { ...loadBalancer('backup@file', [fallbackServer.url], pools, clock), health: createComputedHealthSignal(() => false) };
  const ha = failover(loadBalancer('main@file', [mainServer.url], pools, clock), fallback, { status: ['502'] });

  const view = await send(ha, {});
  assert.deepEqual([view.status, view.body], [502, 'main failed']);
  assert.equal(fallbackServer.seen.length, 0);
});

for (const chunked of [false, true]) {
  test(`a body over maxRequestBodyBytes gets 413 Request body too large (${chunked ? 'chunked' : 'Content-Length'})`, async () => {
    const mainServer = await server(answerWith(200, 'from main'));
    const fallbackServer = await server(digestAnswer('fallback'));
    const ha = failover(loadBalancer('main@file', [mainServer.url], pools, clock), loadBalancer('backup@file', [fallbackServer.url], pools, clock),
      { status: ['500-504'], maxRequestBodyBytes: 10 });

    const over = await send(ha, { method: 'POST', body: 'x'.repeat(11), chunked });
    assert.deepEqual([over.status, over.body], [413, 'Request body too large\n']);
    assert.equal(mainServer.seen.length + fallbackServer.seen.length, 0);

    const limit = await send(ha, { method: 'POST', body: 'x'.repeat(10), chunked });
    assert.deepEqual([limit.status, limit.body], [200, 'from main']);
  });
}
