/**
 * Retry on listed statuses, on real servers through the real proxy: the failed answer never
 * reaches the client, the body is replayed intact, a body over the limit goes through once, and
 * rewrites below the middleware are not applied twice.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { addPrefixSchema, retrySchema, type AddPrefixMiddleware, type LoadBalancerService, type RetryMiddleware } from '../../config/dynamic.ts';
import { loadBalancerSchema } from '../../config/http-services.ts';
import { writeHeadThroughHooks, type Handler } from '../../lib/exchange.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createUpstreamPools, defaultTransport, type UpstreamPools } from '../../proxy/upstream-pools.ts';
import type { BuiltService } from '../../services/built-service.ts';
import { createHealthRegistry } from '../../services/health/server-health.ts';
import { createLoadBalancer } from '../../services/load-balancer.ts';
import { createAffinityRegistry } from '../../services/sticky/client-ip-affinity.ts';
import { headerOf, startServer, testExchange, type Answer, type ClientRequest, type ClientView, type SeenRequest, type TestServer } from '../../services/testing/forwarding-rig.ts';
import { createAddPrefix } from '../add-prefix/add-prefix.ts';
import { testContext } from '../testing/test-context.ts';
import { createRetryFactory } from './retry.ts';

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

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Answers `failures` times with 503 (and a header and body of its own), then 200 with what it got. */
function flaky(failures: number): Answer {
  let n = 0;
  return (request: SeenRequest, res) => {
    if (n++ < failures) {
      res.writeHead(503, { 'content-type': 'text/plain', 'x-failed': 'yes' });
      res.end('overloaded');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${request.method} ${request.url} ${sha(request.body)}`);
  };
}

async function serviceOn(answer: Answer): Promise<{ server: TestServer; lb: BuiltService }> {
  const server = await startServer(answer);
  servers.push(server);
  const config = loadBalancerSchema.parse({ servers: [{ url: server.url }] }) as LoadBalancerService;
  const lb = createLoadBalancer('app@file', config, {
    pools, transport: defaultTransport, notAppendXForwardedFor: false,
    health: createHealthRegistry(clock), affinity: createAffinityRegistry(clock), clock, random: () => 0.5,
  });
  return { server, lb };
}

function retry(raw: Record<string, unknown>, next: Handler): Handler {
  return createRetryFactory(clock)(retrySchema.parse(raw) as RetryMiddleware, testContext())(next);
}

async function send(handler: Handler, request: ClientRequest = {}): Promise<ClientView & { retries: number }> {
  const t = testExchange(request);
  await handler(t.exchange);
  const view = await t.done;
  return { ...view, retries: t.exchange.log.retryAttempts };
}

test('a listed status is retried and the failed answer never reaches the client', async () => {
  const { server, lb } = await serviceOn(flaky(2));
  const view = await send(retry({ attempts: 3, status: ['500-504'] }, lb.handler), { target: '/a?b=1' });
  assert.equal(view.status, 200);
  assert.equal(view.body, `GET /a?b=1 ${sha(Buffer.alloc(0))}`);
  assert.equal(headerOf(view.headers, 'x-failed'), undefined);
  assert.equal(view.retries, 2);
  assert.equal(server.seen.length, 3);
});

test('a status outside the list goes to the client as it is', async () => {
  const { server, lb } = await serviceOn(flaky(5));
  const view = await send(retry({ attempts: 3, status: ['500-502', '504'] }, lb.handler));
  assert.deepEqual([view.status, view.body, headerOf(view.headers, 'x-failed'), view.retries], [503, 'overloaded', 'yes', 0]);
  assert.equal(server.seen.length, 1);
});

test('the last attempt is answered whatever its status', async () => {
  const { server, lb } = await serviceOn(flaky(5));
  const view = await send(retry({ attempts: 2, status: ['503'] }, lb.handler));
  assert.deepEqual([view.status, view.body, view.retries], [503, 'overloaded', 1]);
  assert.equal(server.seen.length, 2);
});

test('the body is replayed intact on the retry', async () => {
  const { server, lb } = await serviceOn(flaky(1));
  const body = randomBytes(500_000);
  const view = await send(retry({ attempts: 2, status: ['503'], maxRequestBodyBytes: -1 }, lb.handler), { method: 'PUT', target: '/blob', body });
  assert.equal(view.body, `PUT /blob ${sha(body)}`);
  assert.deepEqual(server.seen.map((r) => sha(r.body)), [sha(body), sha(body)]);
  assert.deepEqual(server.seen.map((r) => r.headers['content-length']), [String(body.length), String(body.length)]);
});

for (const chunked of [false, true]) {
  test(`a body over maxRequestBodyBytes is sent once, intact, without retry (${chunked ? 'chunked' : 'Content-Length'})`, async () => {
    const { server, lb } = await serviceOn(flaky(1));
    const body = randomBytes(5_000);
    const view = await send(retry({ attempts: 3, status: ['503'], maxRequestBodyBytes: 1_000 }, lb.handler), { method: 'PUT', body, chunked });
    assert.deepEqual([view.status, view.body, view.retries], [503, 'overloaded', 0]);
    assert.deepEqual(server.seen.map((r) => sha(r.body)), [sha(body)]);
  });
}

test('rewrites below the middleware are applied once per attempt, not on top of each other', async () => {
  const { server, lb } = await serviceOn(flaky(2));
  const addPrefix = createAddPrefix(addPrefixSchema.parse({ prefix: '/api' }) as AddPrefixMiddleware, testContext());
  const view = await send(retry({ attempts: 3, status: ['503'] }, addPrefix(lb.handler)), { target: '/items?x=1' });
  assert.equal(view.status, 200);
  assert.deepEqual(server.seen.map((r) => r.url), ['/api/items?x=1', '/api/items?x=1', '/api/items?x=1']);
});

test('a 101 Switching Protocols is never retried', async () => {
  let calls = 0;
  const handler = retry({ attempts: 3, status: ['100-599'] }, (exchange) => {
    calls++;
    writeHeadThroughHooks(exchange, 101, ['Upgrade', 'websocket']);
    exchange.response.end();
  });
  const view = await send(handler);
  assert.deepEqual([view.status, view.retries, calls], [101, 0, 1]);
});
