/**
 * End to end: forwardAuth through the real binary, with a real auth server and a real service.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { startBackend, type Backend } from './support/backends.ts';
import { send as sendTo, type Answer } from './support/http-client.ts';
import { startWithDynamic, trustedStaticConfig, type SwitchyardProcess } from './support/switchyard-process.ts';

interface AuthSeen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let auth: Backend;
let service: Backend;
let sy: SwitchyardProcess;
const authSeen: AuthSeen[] = [];

before(async () => {
  // The auth server denies with the status a test asks for in X-Test-Deny, otherwise grants.
  auth = await startBackend('auth', (req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => {
      authSeen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const deny = req.headers['x-test-deny'];
      if (typeof deny === 'string') {
        res.writeHead(Number(deny), { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="test"', 'x-deny-reason': 'no token' });
        res.end(`denied by auth (${deny})`);
        return;
      }
      res.writeHead(200, { 'x-auth-user': 'alice', 'set-cookie': ['session=auth-session; Path=/', 'other=1'] });
      res.end('granted');
    });
  });
  service = await startBackend('service', (req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'session=service-session' });
      res.end(JSON.stringify({ url: req.url, headers: req.headers, body }));
    });
  });
  const verify = `${auth.url}/verify`;
  const dynamic = `
http:
  routers:
    plain:
      rule: "PathPrefix(\`/plain\`)"
      service: app
      middlewares: [auth-plain]
    restricted:
      rule: "PathPrefix(\`/restricted\`)"
      service: app
      middlewares: [auth-restricted]
    trusting:
      rule: "PathPrefix(\`/trusting\`)"
      service: app
      middlewares: [auth-trusting]
    body:
      rule: "PathPrefix(\`/body\`)"
      service: app
      middlewares: [auth-body]
  middlewares:
    auth-plain:
      forwardAuth:
        address: "${verify}"
        authResponseHeaders: [X-Auth-User]
        addAuthCookiesToResponse: [session]
    auth-restricted:
      forwardAuth:
        address: "${verify}"
        authRequestHeaders: [Authorization, X-Test-Deny]
    auth-trusting:
      forwardAuth:
        address: "${verify}"
        trustForwardHeader: true
    auth-body:
      forwardAuth:
        address: "${verify}"
        forwardBody: true
        maxBodySize: 16
  services:
    app:
      loadBalancer:
        servers: [{url: "${service.url}"}]
`;
  // 127.0.0.1 is trusted on "trusted", so X-Forwarded-* from the client survive the entry point.
  ({ sy } = await startWithDynamic(dynamic, ['web', 'trusted'], trustedStaticConfig));
});

after(async () => {
  await sy?.stop();
  await auth?.close();
  await service?.close();
});

interface Reply extends Answer {
  /** What the auth server got for this request, if it was asked. */
  readonly auth: AuthSeen | undefined;
}

/** Sends with Host: app.example unless told otherwise. */
async function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string; entryPoint?: string } = {}): Promise<Reply> {
  const before = authSeen.length;
  const answer = await sendTo(sy.ports.get(options.entryPoint ?? 'web'), {
    path,
    method: options.method,
    headers: { host: 'app.example', ...options.headers },
    body: options.body,
  });
  return { ...answer, auth: authSeen[before] };
}

test('a granted request reaches the service with the auth response headers', async () => {
  const reply = await send('/plain/page?x=1', { headers: { 'x-auth-user': 'mallory', authorization: 'Bearer t' } });
  assert.equal(reply.status, 200);
  const seen = JSON.parse(reply.text()) as { url: string; headers: IncomingHttpHeaders };
  assert.equal(seen.url, '/plain/page?x=1');
  assert.equal(seen.headers['x-auth-user'], 'alice');
  assert.equal(reply.auth?.method, 'GET');
  assert.equal(reply.auth?.url, '/verify');
  assert.equal(reply.auth?.headers.authorization, 'Bearer t');
  assert.equal(reply.auth?.headers['x-forwarded-method'], 'GET');
  assert.equal(reply.auth?.headers['x-forwarded-uri'], '/plain/page?x=1');
  assert.equal(reply.auth?.headers['x-forwarded-host'], 'app.example');
  assert.equal(reply.auth?.headers['x-forwarded-proto'], 'http');
  assert.equal(reply.auth?.headers['x-forwarded-for'], '127.0.0.1');
});

for (const status of [401, 403]) {
  test(`a ${status} from the auth server goes to the client with its headers and body`, async () => {
    const reply = await send('/plain/page', { headers: { 'x-test-deny': String(status) } });
    assert.equal(reply.status, status);
    assert.equal(reply.text(), `denied by auth (${status})`);
    assert.equal(reply.headers['www-authenticate'], 'Bearer realm="test"');
    assert.equal(reply.headers['x-deny-reason'], 'no token');
  });
}

test('addAuthCookiesToResponse puts the auth cookie on the response instead of the service one', async () => {
  const reply = await send('/plain/page');
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.headers['set-cookie'], ['session=auth-session; Path=/']);
});

test('authRequestHeaders restricts what the auth server sees', async () => {
  const reply = await send('/restricted/page', { headers: { authorization: 'Bearer t', cookie: 'a=1', 'x-other': 'o' } });
  assert.equal(reply.status, 200);
  assert.equal(reply.auth?.headers.authorization, 'Bearer t');
  assert.equal(reply.auth?.headers.cookie, undefined);
  assert.equal(reply.auth?.headers['x-other'], undefined);
  assert.equal(reply.auth?.headers['x-forwarded-uri'], '/restricted/page');
});

const spoofed = { 'x-forwarded-host': 'evil.example', 'x-forwarded-uri': '/evil', 'x-forwarded-method': 'DELETE' };
const trustCases: ReadonlyArray<{ title: string; path: string; entryPoint: string; expected: Record<string, string> }> = [
  {
    title: 'without trustForwardHeader, the X-Forwarded-* a trusted peer sent are replaced',
    path: '/plain/real', entryPoint: 'trusted',
    expected: { 'x-forwarded-host': 'app.example', 'x-forwarded-uri': '/plain/real', 'x-forwarded-method': 'GET' },
  },
  {
    title: 'with trustForwardHeader, the X-Forwarded-* a trusted peer sent are kept',
    path: '/trusting/real', entryPoint: 'trusted',
    expected: spoofed,
  },
  {
    // The entry point strips what an untrusted peer sent; forwardAuth only sees its own values.
    title: 'with trustForwardHeader, an untrusted peer still cannot choose X-Forwarded-Host',
    path: '/trusting/real', entryPoint: 'web',
    expected: { 'x-forwarded-host': 'app.example', 'x-forwarded-uri': '/trusting/real', 'x-forwarded-method': 'GET' },
  },
];
for (const c of trustCases) {
  test(c.title, async () => {
    const reply = await send(c.path, { headers: spoofed, entryPoint: c.entryPoint });
    assert.equal(reply.status, 200);
    for (const [name, value] of Object.entries(c.expected)) assert.equal(reply.auth?.headers[name], value, name);
  });
}

test('forwardBody sends the body to the auth server and still to the service', async () => {
  const reply = await send('/body/upload', { method: 'POST', body: 'hello auth' });
  assert.equal(reply.status, 200);
  assert.equal(reply.auth?.body, 'hello auth');
  assert.equal((JSON.parse(reply.text()) as { body: string }).body, 'hello auth');
});

test('forwardBody refuses a body over maxBodySize with 401 without asking the auth server', async () => {
  const reply = await send('/body/upload', { method: 'POST', body: 'x'.repeat(17) });
  assert.equal(reply.status, 401);
  assert.equal(reply.auth, undefined);
});
