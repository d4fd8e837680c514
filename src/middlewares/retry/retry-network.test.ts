/**
 * Retry after network errors, on real servers through the real proxy and load balancer: the
 * retry goes to a server this request has not tried, attempts are bounded, non-idempotent
 * methods are left alone unless allowed, and only proxy failures count as network errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { retrySchema, type LoadBalancerService, type RetryMiddleware } from '../../config/dynamic.ts';
import { loadBalancerSchema } from '../../config/http-services.ts';
import type { Handler } from '../../lib/exchange.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import { createUpstreamPools, defaultTransport, type UpstreamPools } from '../../proxy/upstream-pools.ts';
import type { BuiltService } from '../../services/built-service.ts';
import { createHealthRegistry } from '../../services/health/server-health.ts';
import { createLoadBalancer } from '../../services/load-balancer.ts';
import { createAffinityRegistry } from '../../services/sticky/client-ip-affinity.ts';
import { answerWith, startServer, testExchange, type Answer, type ClientRequest, type TestServer } from '../../services/testing/forwarding-rig.ts';
import { testContext } from '../testing/test-context.ts';
import { createRetryFactory } from './retry.ts';

const clock = createManualClock(1_000);
let pools: UpstreamPools;
const servers: TestServer[] = [];
/** Which server got each request, in order. */
const hits: string[] = [];

before(() => {
  pools = createUpstreamPools();
});

after(async () => {
  await pools.dispose();
  for (const s of servers) s.close();
});

async function server(name: string, answer: Answer): Promise<TestServer> {
  const s = await startServer((request, res) => {
    hits.push(name);
    answer(request, res);
  });
  servers.push(s);
  return s;
}

/** A server that reads the request, then resets the connection instead of answering. */
const reset: Answer = (_request, res) => {
  res.socket?.destroy();
};

/** A URL where nothing listens (connection refused). */
async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function loadBalancer(servers: readonly { url: string; weight?: number }[]): BuiltService {
  const config = loadBalancerSchema.parse({ servers }) as LoadBalancerService;
  return createLoadBalancer('app@file', config, {
    pools, transport: defaultTransport, notAppendXForwardedFor: false,
    health: createHealthRegistry(clock), affinity: createAffinityRegistry(clock), clock, random: () => 0.5,
  });
}

function retry(raw: Record<string, unknown>, next: Handler): Handler {
  return createRetryFactory(clock)(retrySchema.parse(raw) as RetryMiddleware, testContext())(next);
}

async function send(handler: Handler, request: ClientRequest = {}): Promise<{ status: number; body: string; retries: number }> {
  const t = testExchange(request);
  await handler(t.exchange);
  const view = await t.done;
  return { status: view.status, body: view.body, retries: t.exchange.log.retryAttempts };
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

test('a request the server reset is retried on a server it has not tried yet', async () => {
  const bad = await server('bad', reset);
  const good = await server('good', answerWith(200, 'from good'));
  // The failing server takes five times the traffic: only attempt tracking keeps the retry
  // away from it.
  const lb = loadBalancer([{ url: bad.url, weight: 5 }, { url: good.url, weight: 1 }]);
  const handler = retry({ attempts: 2 }, lb.handler);
  for (let i = 0; i < 6; i++) {
    hits.length = 0;
    const result = await send(handler, { target: `/r${i}` });
    assert.deepEqual(result, { status: 200, body: 'from good', retries: hits.length - 1 });
    assert.equal(hits.at(-1), 'good');
    assert.ok(hits.filter((h) => h === 'bad').length <= 1, `bad tried at most once: ${hits.join(',')}`);
  }
  assert.ok(bad.seen.length > 0, 'the failing server was picked first at least once');
  lb.dispose();
});

test('a refused connection is retried on the other server', async () => {
  const good = await server('good', answerWith(200, 'from good'));
  const lb = loadBalancer([{ url: await closedPort() }, { url: good.url }]);
  const handler = retry({ attempts: 2 }, lb.handler);
  let retried = 0;
  for (let i = 0; i < 4; i++) {
    const result = await send(handler);
    assert.deepEqual([result.status, result.body], [200, 'from good']);
    retried += result.retries;
  }
  assert.equal(good.seen.length, 4);
  assert.ok(retried >= 1 && retried <= 4, `retried ${retried} times`);
  lb.dispose();
});

test('gives up after `attempts` and answers the last failure', async () => {
  const a = await server('a', reset);
  const b = await server('b', reset);
  const lb = loadBalancer([{ url: a.url }, { url: b.url }]);
  hits.length = 0;
  const result = await send(retry({ attempts: 3 }, lb.handler));
  assert.deepEqual(result, { status: 502, body: 'Bad Gateway', retries: 2 });
  assert.equal(hits.length, 3);
  lb.dispose();
});

const methodCases: { method: string; retryNonIdempotentMethod: boolean; attempts: number }[] = [
  { method: 'GET', retryNonIdempotentMethod: false, attempts: 3 },
  { method: 'PUT', retryNonIdempotentMethod: false, attempts: 3 },
  { method: 'DELETE', retryNonIdempotentMethod: false, attempts: 3 },
  { method: 'POST', retryNonIdempotentMethod: false, attempts: 1 },
  { method: 'PATCH', retryNonIdempotentMethod: false, attempts: 1 },
  { method: 'LOCK', retryNonIdempotentMethod: false, attempts: 1 },
  { method: 'POST', retryNonIdempotentMethod: true, attempts: 3 },
  { method: 'PATCH', retryNonIdempotentMethod: true, attempts: 3 },
];

for (const c of methodCases) {
  test(`${c.method} ${c.retryNonIdempotentMethod ? 'with' : 'without'} retryNonIdempotentMethod: ${c.attempts} attempt(s), body intact each time`, async () => {
    const s = await server('s', reset);
    const lb = loadBalancer([{ url: s.url }]);
    const body = randomBytes(20_000);
    const result = await send(retry({ attempts: 3, retryNonIdempotentMethod: c.retryNonIdempotentMethod }, lb.handler), { method: c.method, body });
    assert.deepEqual(result, { status: 502, body: 'Bad Gateway', retries: c.attempts - 1 });
    assert.deepEqual(s.seen.map((r) => [r.method, sha(r.body)]), Array.from({ length: c.attempts }, () => [c.method, sha(body)]));
    lb.dispose();
  });
}

test('disableRetryOnNetworkError leaves network errors alone', async () => {
  const s = await server('s', reset);
  const lb = loadBalancer([{ url: s.url }]);
  const result = await send(retry({ attempts: 3, disableRetryOnNetworkError: true, status: ['503'] }, lb.handler));
  assert.deepEqual(result, { status: 502, body: 'Bad Gateway', retries: 0 });
  assert.equal(s.seen.length, 1);
  lb.dispose();
});

test('a 502 answered before the proxy was reached is not a network error', async () => {
  let calls = 0;
  const handler = retry({ attempts: 3 }, (exchange) => {
    calls++;
    sendProxyError(exchange, proxyError('BAD_GATEWAY'));
  });
  assert.deepEqual(await send(handler), { status: 502, body: 'Bad Gateway', retries: 0 });
  assert.equal(calls, 1);
});
