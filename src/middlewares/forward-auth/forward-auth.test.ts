/**
 * forwardAuth through real HTTP: an auth server and a service on 127.0.0.1 port 0, the
 * middleware in front of a load balancer over the service, and an in-memory client exchange.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forwardAuthSchema, type ForwardAuthMiddleware } from '../../config/http-middlewares-auth.ts';
import { createSystemClock } from '../../lib/clock.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createUpstreamPools } from '../../proxy/upstream-pools.ts';
import { closedPort } from '../../../test/support/backends.ts';
import { answerWith, headerOf, loadBalancer, startServer, testExchange, type Answer, type ClientRequest, type ClientView, type SeenRequest, type TestServer } from '../../services/testing/forwarding-rig.ts';
import { MiddlewareConfigError, type MiddlewareContext } from '../middleware.ts';
import { testContext } from '../testing/test-context.ts';
import { createForwardAuth } from './forward-auth.ts';

let service: TestServer;
/** What the auth server answers next; tests set it before each request. */
let authAnswer: Answer = answerWith(200, '');
let auth: TestServer;

before(async () => {
  service = await startServer((request, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['session=service', 'theme=dark'] });
    res.end(`service saw ${request.method} ${request.url}`);
  });
  auth = await startServer((request, res) => authAnswer(request, res));
});

after(() => {
  service.close();
  auth.close();
});

interface Outcome {
  readonly client: ClientView;
  /** What the auth server got for this request, if anything. */
  readonly authSeen: SeenRequest | undefined;
  /** What the service got for this request, if anything. */
  readonly serviceSeen: SeenRequest | undefined;
  readonly username: string;
}

/** Sends `request` through forwardAuth(`config`) in front of the service. */
async function through(config: Record<string, unknown>, request: ClientRequest = {}, extra: Partial<MiddlewareContext> = {}): Promise<Outcome> {
  const pools = createUpstreamPools();
  const disposers: Array<() => void> = [];
  const context = testContext({}, { pools, onDispose: (d) => disposers.push(d), ...extra });
  const parsed = forwardAuthSchema.parse({ address: `${auth.url}/verify`, ...config }) as ForwardAuthMiddleware;
  const lb = loadBalancer('app@file', [service.url], pools, createSystemClock());
  const handler = createForwardAuth(parsed, context)(lb.handler);
  const authBefore = auth.seen.length;
  const serviceBefore = service.seen.length;
  const client = testExchange(request);
  await handler(client.exchange);
  const view = await client.done;
  lb.dispose();
  for (const d of disposers) d();
  await pools.dispose();
  return { client: view, authSeen: auth.seen[authBefore], serviceSeen: service.seen[serviceBefore], username: client.exchange.log.clientUsername };
}

describe('forwardAuth', () => {
  it('lets a request the auth server grants reach the service with the auth response headers', async () => {
    authAnswer = answerWith(200, 'granted', { 'x-auth-user': 'alice', 'x-auth-role': 'admin', 'x-other': 'no' });
    const { client, authSeen, serviceSeen } = await through(
      { authResponseHeaders: ['X-Auth-User'], authResponseHeadersRegex: '^X-Auth-R' },
      { method: 'POST', target: '/app/x?y=1', headers: ['X-Auth-User', 'mallory', 'Authorization', 'Bearer t'], body: 'payload' },
    );
    assert.equal(client.status, 200);
    assert.equal(client.body, 'service saw POST /app/x?y=1');
    assert.equal(authSeen?.method, 'GET');
    assert.equal(authSeen?.url, '/verify');
    assert.equal(authSeen?.body.length, 0);
    assert.equal(authSeen?.headers.authorization, 'Bearer t');
    assert.equal(authSeen?.headers['x-forwarded-method'], 'POST');
    assert.equal(authSeen?.headers['x-forwarded-uri'], '/app/x?y=1');
    assert.equal(authSeen?.headers['x-forwarded-host'], 'example.com');
    assert.equal(authSeen?.headers['x-forwarded-proto'], 'http');
    assert.equal(authSeen?.headers['x-forwarded-for'], '192.0.2.10');
    assert.equal(serviceSeen?.headers['x-auth-user'], 'alice');
    assert.equal(serviceSeen?.headers['x-auth-role'], 'admin');
    assert.equal(serviceSeen?.headers['x-other'], undefined);
    assert.equal(serviceSeen?.body.toString(), 'payload');
  });

  const denials: ReadonlyArray<{ title: string; status: number; headers: Record<string, string>; config?: Record<string, unknown>; location?: string }> = [
    { title: 'returns a 401 with the auth server headers and body', status: 401, headers: { 'www-authenticate': 'Bearer realm="x"' } },
    { title: 'returns a 403 with the auth server headers and body', status: 403, headers: { 'x-reason': 'forbidden' } },
    { title: 'returns a redirect without following it, Location made absolute against the address', status: 302, headers: { location: '/login?rd=1' }, location: `/login?rd=1` },
    { title: 'keeps a relative Location with preserveLocationHeader', status: 302, headers: { location: '/login?rd=1' }, config: { preserveLocationHeader: true }, location: '/login?rd=1' },
  ];
  for (const d of denials) {
    it(d.title, async () => {
      authAnswer = answerWith(d.status, `denied ${d.status}`, d.headers);
      const { client, serviceSeen } = await through(d.config ?? {});
      assert.equal(client.status, d.status);
      assert.equal(client.body, `denied ${d.status}`);
      assert.equal(serviceSeen, undefined);
      assert.equal(headerOf(client.headers, 'content-type'), 'text/plain');
      for (const [name, value] of Object.entries(d.headers)) {
        if (name === 'location') continue;
        assert.equal(headerOf(client.headers, name), value);
      }
      if (d.location !== undefined) {
        const expected = d.config?.preserveLocationHeader === true ? d.location : `${auth.url}${d.location}`;
        assert.equal(headerOf(client.headers, 'location'), expected);
      }
    });
  }

  it('sends only authRequestHeaders (and the X-Forwarded-* it sets) to the auth server', async () => {
    authAnswer = answerWith(200, '');
    const { authSeen } = await through({ authRequestHeaders: ['Authorization'] }, { headers: ['Authorization', 'Bearer t', 'Cookie', 'a=1'] });
    assert.equal(authSeen?.headers.authorization, 'Bearer t');
    assert.equal(authSeen?.headers.cookie, undefined);
    assert.equal(authSeen?.headers['x-forwarded-method'], 'GET');
  });

  for (const trust of [false, true]) {
    it(`${trust ? 'keeps' : 'overwrites'} the client's X-Forwarded-* with trustForwardHeader ${String(trust)}`, async () => {
      authAnswer = answerWith(200, '');
      const { authSeen } = await through({ trustForwardHeader: trust }, { headers: ['X-Forwarded-Host', 'evil.example', 'X-Forwarded-Uri', '/evil', 'X-Forwarded-For', '203.0.113.7'] });
      assert.equal(authSeen?.headers['x-forwarded-host'], trust ? 'evil.example' : 'example.com');
      assert.equal(authSeen?.headers['x-forwarded-uri'], trust ? '/evil' : '/');
      assert.equal(authSeen?.headers['x-forwarded-for'], trust ? '203.0.113.7, 192.0.2.10' : '192.0.2.10');
    });
  }

  it('adds the auth cookies named by addAuthCookiesToResponse to the response, replacing the service ones', async () => {
    authAnswer = (_request, res) => {
      res.writeHead(200, { 'set-cookie': ['session=auth; Path=/', 'tracking=1'] });
      res.end();
    };
    const { client } = await through({ addAuthCookiesToResponse: ['session'] });
    const cookies = client.headers.filter((_, i) => i % 2 === 1 && client.headers[i - 1]!.toLowerCase() === 'set-cookie');
    assert.deepEqual(cookies.sort(), ['session=auth; Path=/', 'theme=dark']);
  });

  it('sends the body to the auth server with forwardBody and replays it to the service', async () => {
    authAnswer = answerWith(200, '');
    const { client, authSeen, serviceSeen } = await through({ forwardBody: true, maxBodySize: 100 }, { method: 'POST', body: 'x'.repeat(100) });
    assert.equal(client.status, 200);
    assert.equal(authSeen?.body.toString(), 'x'.repeat(100));
    assert.equal(serviceSeen?.body.toString(), 'x'.repeat(100));
  });

  for (const chunked of [false, true]) {
    it(`answers 401 without calling the auth server for a ${chunked ? 'chunked ' : ''}body over maxBodySize`, async () => {
      authAnswer = answerWith(200, '');
      const { client, authSeen, serviceSeen } = await through({ forwardBody: true, maxBodySize: 10 }, { method: 'POST', body: 'x'.repeat(11), chunked });
      assert.equal(client.status, 401);
      assert.equal(client.body, '');
      assert.equal(authSeen, undefined);
      assert.equal(serviceSeen, undefined);
    });
  }

  it('sends the original method with preserveRequestMethod', async () => {
    authAnswer = answerWith(200, '');
    const { authSeen } = await through({ preserveRequestMethod: true }, { method: 'DELETE' });
    assert.equal(authSeen?.method, 'DELETE');
  });

  it('records the headerField value of the auth response as the access log user', async () => {
    authAnswer = answerWith(200, '', { 'x-user': 'alice' });
    const { username } = await through({ headerField: 'X-User' });
    assert.equal(username, 'alice');
  });

  it('answers 500 when the auth server is unreachable', async () => {
    const port = await closedPort();
    const { client, serviceSeen } = await through({ address: `http://127.0.0.1:${port}/verify` });
    assert.equal(client.status, 500);
    assert.equal(client.body, '');
    assert.equal(serviceSeen, undefined);
  });

  it('answers 500 when the auth response body is over maxResponseBodySize', async () => {
    authAnswer = answerWith(401, 'y'.repeat(50));
    const { client } = await through({ maxResponseBodySize: 10 });
    assert.equal(client.status, 500);
  });

  it('answers 500 when the auth server does not answer within 30 s', async () => {
    const clock = createManualClock();
    let arrived!: () => void;
    const waiting = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    authAnswer = () => arrived(); // never answers
    const outcome = through({}, {}, { clock });
    await waiting;
    clock.advance(30_000);
    const { client } = await outcome;
    assert.equal(client.status, 500);
  });

  it('turns a 401 into a redirect to authSigninURL', async () => {
    authAnswer = answerWith(401, 'no');
    const { client } = await through({ authSigninURL: 'https://sso.example/start' });
    assert.equal(client.status, 302);
    assert.equal(headerOf(client.headers, 'location'), 'https://sso.example/start');
  });

  it('holds the auth server pool until disposed', () => {
    const pools = createUpstreamPools();
    const disposers: Array<() => void> = [];
    const parsed = forwardAuthSchema.parse({ address: `${auth.url}/verify` }) as ForwardAuthMiddleware;
    createForwardAuth(parsed, testContext({}, { pools, onDispose: (d) => disposers.push(d) }));
    assert.equal(pools.size, 1);
    for (const d of disposers) d();
    assert.equal(pools.size, 0);
  });

  const refused: ReadonlyArray<{ config: Record<string, unknown>; field: string }> = [
    { config: { address: 'not a url' }, field: 'address' },
    { config: { address: 'ftp://auth.example/' }, field: 'address' },
    { config: { authResponseHeadersRegex: '(' }, field: 'authResponseHeadersRegex' },
    { config: { tls: { cert: '/nonexistent/cert.pem' } }, field: 'tls.key' },
    { config: { tls: { ca: '/nonexistent/ca.pem' } }, field: 'tls.ca' },
  ];
  for (const r of refused) {
    it(`refuses ${JSON.stringify(r.config)} as a configuration error on ${r.field}`, () => {
      const parsed = forwardAuthSchema.parse({ address: `${auth.url}/verify`, ...r.config }) as ForwardAuthMiddleware;
      assert.throws(() => createForwardAuth(parsed, testContext()), (err: unknown) => err instanceof MiddlewareConfigError && err.field === r.field);
    });
  }
});
