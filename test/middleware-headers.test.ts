/**
 * End to end: the headers middleware through the real binary — custom request and response
 * headers, CORS (preflights answered by Switchyard, simple requests decorated), security
 * headers, and allowedHosts. The echo server records every request target it receives, so a
 * test can tell whether a request reached it, and answers with what it received.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { startBackend, type Backend } from './support/backends.ts';
import { send as sendTo, type Answer } from './support/http-client.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let echo: Backend;
let sy: SwitchyardProcess;
/** `METHOD url` of every request the echo server received. */
const received: string[] = [];

before(async () => {
  echo = await startBackend('echo', (req, res) => {
    received.push(`${req.method} ${req.url}`);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-backend': 'echo', 'x-powered-by': 'echo-server' };
    // Headers a server may send that the middleware merges with or replaces.
    if (req.url?.endsWith('/vary') === true) headers.vary = 'Accept-Encoding';
    if (req.url?.endsWith('/framed') === true) headers['x-frame-options'] = 'SAMEORIGIN';
    res.writeHead(200, headers);
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  ({ sy } = await startWithDynamic(`
http:
  routers:
    custom:
      rule: "PathPrefix(\`/custom\`)"
      middlewares: [custom]
      service: echo
    cors:
      rule: "PathPrefix(\`/cors\`)"
      middlewares: [cors]
      service: echo
    secure:
      rule: "PathPrefix(\`/secure\`)"
      middlewares: [secure]
      service: echo
    sts-on-https-only:
      rule: "PathPrefix(\`/sts\`)"
      middlewares: [sts-on-https-only]
      service: echo
    allowed-hosts:
      rule: "PathPrefix(\`/hosts\`)"
      middlewares: [allowed-hosts]
      service: echo
  middlewares:
    custom:
      headers:
        customRequestHeaders:
          X-Script-Name: switchyard
          X-Remove-Me: ""
          Host: internal.example
        customResponseHeaders:
          X-Custom-Response: "yes"
          X-Powered-By: ""
    cors:
      headers:
        accessControlAllowMethods: [GET, OPTIONS, PUT]
        accessControlAllowHeaders: [Content-Type, X-Requested-With]
        accessControlAllowOriginList: ["https://app.example"]
        accessControlAllowOriginListRegex: ["^https://[a-z]+\\\\.trusted\\\\.example$"]
        accessControlExposeHeaders: [X-Request-Id]
        accessControlMaxAge: 100
        addVaryHeader: true
    secure:
      headers:
        stsSeconds: 31536000
        stsIncludeSubdomains: true
        stsPreload: true
        forceSTSHeader: true
        frameDeny: true
        contentTypeNosniff: true
        browserXssFilter: true
        referrerPolicy: same-origin
        permissionsPolicy: "camera=(), microphone=()"
        contentSecurityPolicy: "default-src 'self'"
    sts-on-https-only:
      headers:
        stsSeconds: 60
        frameDeny: true
    allowed-hosts:
      headers:
        allowedHosts: ["app.example"]
        customResponseHeaders:
          X-Served-By: switchyard
  services:
    echo:
      loadBalancer:
        servers: [{url: "${echo.url}"}]
`, ['web']));
});

after(async () => {
  await sy?.stop();
  await echo?.close();
});

/** What the echo server received. */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

function send(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return sendTo(sy.ports.get('web'), { method, path, headers });
}

function seen(answer: Answer): Seen {
  assert.equal(answer.status, 200, answer.text());
  return JSON.parse(answer.text()) as Seen;
}

test('customRequestHeaders set, replace and ("") delete request headers, Host included', async () => {
  const r = seen(await send('/custom/a', { 'X-Script-Name': 'client', 'X-Remove-Me': 'please', 'X-Untouched': 'kept' }));
  assert.equal(r.headers['x-script-name'], 'switchyard');
  assert.equal(r.headers['x-remove-me'], undefined);
  assert.equal(r.headers['x-untouched'], 'kept');
  assert.equal(r.headers.host, 'internal.example');
});

test('customResponseHeaders set and ("") delete response headers', async () => {
  const r = await send('/custom/a');
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-custom-response'], 'yes');
  assert.equal(r.headers['x-powered-by'], undefined);
  assert.equal(r.headers['x-backend'], 'echo');
});

test('a CORS preflight is answered by the proxy without reaching the server', async () => {
  const rows: { path: string; origin: string; allowOrigin: string | undefined }[] = [
    { path: '/cors/preflight-listed', origin: 'https://app.example', allowOrigin: 'https://app.example' },
    { path: '/cors/preflight-regex', origin: 'https://api.trusted.example', allowOrigin: 'https://api.trusted.example' },
    { path: '/cors/preflight-other', origin: 'https://evil.example', allowOrigin: undefined },
  ];
  for (const row of rows) {
    const r = await send(row.path, { Origin: row.origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' }, 'OPTIONS');
    assert.equal(r.status, 200, row.path);
    assert.equal(r.text(), '', row.path);
    assert.equal(r.headers['content-length'], '0', row.path);
    assert.equal(r.headers['access-control-allow-methods'], 'GET,OPTIONS,PUT', row.path);
    assert.equal(r.headers['access-control-allow-headers'], 'Content-Type,X-Requested-With', row.path);
    assert.equal(r.headers['access-control-allow-origin'], row.allowOrigin, row.path);
    assert.equal(r.headers['access-control-max-age'], '100', row.path);
    assert.equal(r.headers['access-control-allow-credentials'], undefined, row.path);
    assert.ok(!received.some((line) => line.endsWith(row.path)), `${row.path} reached the server`);
  }
});

test('an OPTIONS request without Access-Control-Request-Method is no preflight: it reaches the server', async () => {
  const r = await send('/cors/plain-options', { Origin: 'https://app.example' }, 'OPTIONS');
  assert.equal(seen(r).method, 'OPTIONS');
  assert.equal(r.headers['access-control-allow-origin'], 'https://app.example');
  assert.ok(received.includes('OPTIONS /cors/plain-options'));
});

test('a simple CORS request gets Access-Control-Allow-Origin, the exposed headers and Vary: Origin', async () => {
  const rows: { path: string; origin: string | undefined; allowOrigin: string | undefined; vary: string }[] = [
    { path: '/cors/simple', origin: 'https://app.example', allowOrigin: 'https://app.example', vary: 'Origin' },
    { path: '/cors/simple', origin: 'https://web.trusted.example', allowOrigin: 'https://web.trusted.example', vary: 'Origin' },
    // addVaryHeader appends to the server's own Vary.
    { path: '/cors/vary', origin: 'https://app.example', allowOrigin: 'https://app.example', vary: 'Accept-Encoding,Origin' },
    // A disallowed origin (or none) is served, without Access-Control-Allow-Origin.
    { path: '/cors/simple', origin: 'https://evil.example', allowOrigin: undefined, vary: 'Origin' },
    { path: '/cors/simple', origin: 'https://app.example.evil.example', allowOrigin: undefined, vary: 'Origin' },
    { path: '/cors/simple', origin: undefined, allowOrigin: undefined, vary: 'Origin' },
  ];
  for (const row of rows) {
    const what = `${row.path} from ${row.origin ?? 'no origin'}`;
    const r = await send(row.path, row.origin === undefined ? {} : { Origin: row.origin });
    assert.equal(seen(r).url, row.path, what);
    assert.equal(r.headers['access-control-allow-origin'], row.allowOrigin, what);
    assert.equal(r.headers['access-control-expose-headers'], 'X-Request-Id', what);
    assert.equal(r.headers.vary, row.vary, what);
  }
});

test('security headers are set on the response, replacing the server\'s own', async () => {
  const expected: Record<string, string> = {
    'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'x-xss-protection': '1; mode=block',
    'referrer-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=()',
    'content-security-policy': "default-src 'self'",
  };
  for (const path of ['/secure/page', '/secure/framed']) {
    const r = await send(path);
    assert.equal(seen(r).url, path);
    for (const [name, value] of Object.entries(expected)) assert.equal(r.headers[name], value, `${path}: ${name}`);
  }
});

test('Strict-Transport-Security is left out over plain HTTP without forceSTSHeader', async () => {
  const r = await send('/sts/page');
  assert.equal(r.status, 200);
  assert.equal(r.headers['strict-transport-security'], undefined);
  assert.equal(r.headers['x-frame-options'], 'DENY');
});

test('allowedHosts answers 500 Bad Host to a Host it does not list', async () => {
  const rows: { host: string; status: number }[] = [
    { host: 'app.example', status: 200 },
    { host: 'APP.example', status: 200 },
    { host: 'evil.example', status: 500 },
    { host: 'app.example:8080', status: 500 },
  ];
  for (const row of rows) {
    const r = await send('/hosts/page', { host: row.host });
    assert.equal(r.status, row.status, row.host);
    // The refusal goes back through the custom response headers too.
    assert.equal(r.headers['x-served-by'], 'switchyard', row.host);
    if (row.status === 500) {
      assert.equal(r.text(), 'Bad Host\n', row.host);
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8', row.host);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', row.host);
    } else {
      assert.equal(seen(r).headers.host, row.host, row.host);
    }
  }
  assert.equal(received.filter((line) => line === 'GET /hosts/page').length, 2, 'only the listed hosts reached the server');
});
