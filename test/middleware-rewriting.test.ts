/**
 * End to end: the middlewares that rewrite or redirect a request (addPrefix, stripPrefix,
 * stripPrefixRegex, replacePath, replacePathRegex, redirectScheme, redirectRegex, chain), the
 * ones that refuse or adjust it (encodedCharacters, contentType, passTLSClientCert), entry point
 * middlewares, and explicit `name@file` references, through the real binary. The echo server
 * answers with the method, request target and headers it received.
 *
 * Three entry points: `web` (the client is untrusted), `trusted` (forwarded headers from
 * 127.0.0.1 are kept, so passTLSClientCert's own stripping is observable) and `edge`, which
 * puts `ep-prefix@file` in front of every router's middlewares.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { startBackend, type Backend } from './support/backends.ts';
import { send as sendTo, type Answer } from './support/http-client.ts';
import { startWithDynamic, trustedStaticConfig, type SwitchyardProcess } from './support/switchyard-process.ts';

let echo: Backend;
let page: Backend;
let sy: SwitchyardProcess;

/** An HTML document without Content-Type, for contentType's detection. */
const html = '<!DOCTYPE html><html><body>page</body></html>';

function dynamic(echoUrl: string, pageUrl: string): string {
  return `
http:
  routers:
    echo:
      rule: "PathPrefix(\`/echo\`)"
      service: echo
    add-prefix:
      rule: "PathPrefix(\`/add\`)"
      middlewares: [add-api]
      service: echo
    strip-prefix:
      rule: "PathPrefix(\`/strip\`)"
      middlewares: [strip]
      service: echo
    strip-prefix-regex:
      rule: "PathPrefix(\`/re\`)"
      middlewares: [strip-regex]
      service: echo
    replace-path:
      rule: "PathPrefix(\`/replace\`)"
      middlewares: [replace]
      service: echo
    replace-path-regex:
      rule: "PathPrefix(\`/rx\`)"
      middlewares: [replace-regex]
      service: echo
    to-https:
      rule: "PathPrefix(\`/rs/https\`)"
      middlewares: [to-https]
      service: echo
    to-https-permanent:
      rule: "PathPrefix(\`/rs/permanent\`)"
      middlewares: [to-https-permanent]
      service: echo
    to-https-8443:
      rule: "PathPrefix(\`/rs/on-8443\`)"
      middlewares: [to-https-8443]
      service: echo
    to-https-443:
      rule: "PathPrefix(\`/rs/on-443\`)"
      middlewares: [to-https-443]
      service: echo
    to-http:
      rule: "PathPrefix(\`/rs/http\`)"
      middlewares: [to-http]
      service: echo
    redirect-regex:
      rule: "PathPrefix(\`/rr\`)"
      middlewares: [old-to-new]
      service: echo
    chain:
      rule: "PathPrefix(\`/chain/\`)"
      middlewares: [chain-ab]
      service: echo
    chain-of-chains:
      rule: "PathPrefix(\`/chains/\`)"
      middlewares: [chain-of-chains]
      service: echo
    explicit-provider:
      rule: "PathPrefix(\`/explicit\`)"
      middlewares: [prefix-a@file]
      service: echo
    encoded-refused:
      rule: "PathPrefix(\`/enc/refuse\`)"
      middlewares: [refuse-encoded]
      service: echo
    encoded-allowed:
      rule: "PathPrefix(\`/enc/allow\`)"
      middlewares: [allow-encoded-slash]
      service: echo
    no-content-type:
      rule: "PathPrefix(\`/ct/none\`)"
      service: page
    sniffing-off:
      rule: "PathPrefix(\`/ct/off\`)"
      middlewares: [no-sniffing]
      service: page
    sniffing-on:
      rule: "PathPrefix(\`/ct/on\`)"
      middlewares: [sniffing]
      service: page
    pass-cert:
      rule: "PathPrefix(\`/cert\`)"
      middlewares: [pass-cert]
      service: echo
    entry-point-order:
      rule: "PathPrefix(\`/ep\`)"
      middlewares: [router-prefix]
      service: echo
  middlewares:
    add-api:
      addPrefix:
        prefix: /api
    strip:
      stripPrefix:
        prefixes: ["/strip/long", "/strip"]
    strip-regex:
      stripPrefixRegex:
        regex: ["^/re/[0-9]+"]
    replace:
      replacePath:
        path: /replaced
    replace-regex:
      replacePathRegex:
        regex: "^/rx/([^/]+)/(.*)"
        replacement: "/swapped/\${2}/\${1}"
    to-https:
      redirectScheme:
        scheme: https
    to-https-permanent:
      redirectScheme:
        scheme: https
        permanent: true
    to-https-8443:
      redirectScheme:
        scheme: https
        port: "8443"
    to-https-443:
      redirectScheme:
        scheme: https
        port: "443"
    to-http:
      redirectScheme:
        scheme: http
    old-to-new:
      redirectRegex:
        regex: "^http://([^/]+)/rr/old/(.*)$"
        replacement: "https://\${1}/rr/new/\${2}"
        permanent: true
    prefix-a:
      addPrefix:
        prefix: /a
    prefix-b:
      addPrefix:
        prefix: /b
    prefix-c:
      addPrefix:
        prefix: /c
    prefix-d:
      addPrefix:
        prefix: /d
    chain-ab:
      chain:
        middlewares: [prefix-a, prefix-b]
    chain-cd:
      chain:
        middlewares: [prefix-c, prefix-d@file]
    chain-of-chains:
      chain:
        middlewares: [chain-ab, chain-cd]
    refuse-encoded:
      encodedCharacters: {}
    allow-encoded-slash:
      encodedCharacters:
        allowEncodedSlash: true
    no-sniffing:
      contentType:
        autoDetect: false
    sniffing:
      contentType: {}
    pass-cert:
      passTLSClientCert:
        pem: true
        info:
          subject:
            commonName: true
    ep-prefix:
      addPrefix:
        prefix: /ep-mw
    router-prefix:
      addPrefix:
        prefix: /router-mw
  services:
    echo:
      loadBalancer:
        servers: [{url: "${echoUrl}"}]
    page:
      loadBalancer:
        servers: [{url: "${pageUrl}"}]
`;
}

before(async () => {
  echo = await startBackend('echo');
  page = await startBackend('page', (_req, res) => {
    // No Content-Type: whether the client gets one is the contentType middleware's business.
    res.writeHead(200, { 'content-length': String(Buffer.byteLength(html)) });
    res.end(html);
  });
  ({ sy } = await startWithDynamic(dynamic(echo.url, page.url), ['web', 'trusted', 'edge'], (dynamicFile) => trustedStaticConfig(dynamicFile, `\
  edge:
    address: "127.0.0.1:0"
    http:
      middlewares: ["ep-prefix@file"]
`)));
});

after(async () => {
  await sy?.stop();
  await echo?.close();
  await page?.close();
});

interface Sent {
  readonly entryPoint?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

/** What the echo server received. */
interface Seen {
  readonly server: string;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

function send(path: string, options: Sent = {}): Promise<Answer> {
  return sendTo(sy.ports.get(options.entryPoint ?? 'web'), { method: options.method, path, headers: options.headers });
}

/** Sends a request the echo server must answer, and returns what it received. */
async function seenBy(path: string, options: Sent = {}): Promise<Seen> {
  const answer = await send(path, options);
  assert.equal(answer.status, 200, `${path}: ${answer.text()}`);
  const seen = JSON.parse(answer.text()) as Seen;
  assert.equal(seen.server, 'echo');
  return seen;
}

/** `web`'s `host:port`, as the client's Host header carries it. */
function webHost(): string {
  return `127.0.0.1:${sy.ports.get('web')}`;
}

test('addPrefix prepends its prefix to the path, the query kept', async () => {
  const seen = await seenBy('/add/users?page=2');
  assert.equal(seen.url, '/api/add/users?page=2');
});

test('stripPrefix removes the first matching prefix and reports it in X-Forwarded-Prefix', async () => {
  const rows: { path: string; url: string; prefix: string }[] = [
    { path: '/strip/long/x?q=1', url: '/x?q=1', prefix: '/strip/long' },
    { path: '/strip/x', url: '/x', prefix: '/strip' },
    { path: '/strip', url: '/', prefix: '/strip' },
    // A string prefix, not a path segment, as in Traefik.
    { path: '/stripped', url: '/ped', prefix: '/strip' },
    { path: '/strip/a%2Fb', url: '/a%2Fb', prefix: '/strip' },
  ];
  for (const row of rows) {
    const seen = await seenBy(row.path);
    assert.equal(seen.url, row.url, row.path);
    assert.equal(seen.headers['x-forwarded-prefix'], row.prefix, row.path);
  }
});

test('stripPrefix ignores an X-Forwarded-Prefix sent by an untrusted client', async () => {
  const seen = await seenBy('/strip/x', { headers: { 'X-Forwarded-Prefix': '/spoofed' } });
  assert.equal(seen.headers['x-forwarded-prefix'], '/strip');
});

test('stripPrefixRegex strips what the regex matches at the start of the path', async () => {
  const stripped = await seenBy('/re/42/items?sort=asc');
  assert.equal(stripped.url, '/items?sort=asc');
  assert.equal(stripped.headers['x-forwarded-prefix'], '/re/42');

  const unmatched = await seenBy('/re/abc');
  assert.equal(unmatched.url, '/re/abc');
  assert.equal(unmatched.headers['x-forwarded-prefix'], undefined);
});

test('replacePath replaces the whole path and keeps the old one in X-Replaced-Path', async () => {
  const seen = await seenBy('/replace/anything/here?x=1');
  assert.equal(seen.url, '/replaced?x=1');
  assert.equal(seen.headers['x-replaced-path'], '/replace/anything/here');
});

test('replacePathRegex rewrites a matching path with its groups and leaves others alone', async () => {
  const rewritten = await seenBy('/rx/first/second/third?k=v');
  assert.equal(rewritten.url, '/swapped/second/third/first?k=v');
  assert.equal(rewritten.headers['x-replaced-path'], '/rx/first/second/third');

  const unmatched = await seenBy('/rx/only');
  assert.equal(unmatched.url, '/rx/only');
  assert.equal(unmatched.headers['x-replaced-path'], undefined);
});

test('redirectScheme answers with the status for the method and the Location for the port', async () => {
  const rows: { path: string; method: string; host?: string; status: number; location: string }[] = [
    { path: '/rs/https/a?b=1', method: 'GET', status: 302, location: 'https://127.0.0.1/rs/https/a?b=1' },
    { path: '/rs/https/a', method: 'POST', status: 307, location: 'https://127.0.0.1/rs/https/a' },
    { path: '/rs/https/a', method: 'HEAD', status: 307, location: 'https://127.0.0.1/rs/https/a' },
    { path: '/rs/permanent/a', method: 'GET', status: 301, location: 'https://127.0.0.1/rs/permanent/a' },
    { path: '/rs/permanent/a', method: 'PUT', status: 308, location: 'https://127.0.0.1/rs/permanent/a' },
    { path: '/rs/on-8443/a', method: 'GET', status: 302, location: 'https://127.0.0.1:8443/rs/on-8443/a' },
    { path: '/rs/on-443/a', method: 'GET', status: 302, location: 'https://127.0.0.1/rs/on-443/a' },
    // The port of the Host header is dropped; only the configured one is written.
    { path: '/rs/https/a', method: 'GET', host: 'shop.example:8080', status: 302, location: 'https://shop.example/rs/https/a' },
    { path: '/rs/http/a', method: 'GET', host: 'shop.example:8080', status: 302, location: 'http://shop.example/rs/http/a' },
  ];
  for (const row of rows) {
    const headers: Record<string, string> = row.host === undefined ? {} : { host: row.host };
    const r = await send(row.path, { method: row.method, headers });
    const what = `${row.method} ${row.path}`;
    assert.equal(r.status, row.status, what);
    assert.equal(r.headers.location, row.location, what);
    assert.equal(r.headers['content-type'], undefined, what);
  }
});

test('redirectScheme writes the status text as the body', async () => {
  const r = await send('/rs/https/a');
  assert.equal(r.text(), 'Found');
  assert.equal(r.headers['content-length'], '5');
  assert.equal((await send('/rs/permanent/a')).text(), 'Moved Permanently');
});

test('redirectScheme lets a request already on the target scheme and port through', async () => {
  const seen = await seenBy('/rs/http/a', { headers: { host: 'shop.example' } });
  assert.equal(seen.url, '/rs/http/a');
});

test('redirectScheme believes X-Forwarded-Proto only from a trusted peer', async () => {
  const headers = { host: 'shop.example', 'x-forwarded-proto': 'https' };
  const untrusted = await send('/rs/https/a', { headers });
  assert.equal(untrusted.status, 302);
  assert.equal(untrusted.headers.location, 'https://shop.example/rs/https/a');

  const trusted = await seenBy('/rs/https/a', { entryPoint: 'trusted', headers });
  assert.equal(trusted.url, '/rs/https/a');
});

test('redirectRegex redirects a matching URL to its replacement and passes the rest on', async () => {
  const moved = await send('/rr/old/page?x=1');
  assert.equal(moved.status, 301);
  assert.equal(moved.headers.location, `https://${webHost()}/rr/new/page?x=1`);
  assert.equal(moved.text(), 'Moved Permanently');

  const posted = await send('/rr/old/form', { method: 'POST' });
  assert.equal(posted.status, 308);
  assert.equal(posted.headers.location, `https://${webHost()}/rr/new/form`);

  const seen = await seenBy('/rr/new/page');
  assert.equal(seen.url, '/rr/new/page');
});

test('chain applies its middlewares in the order listed, chains of chains too', async () => {
  const rows: { path: string; url: string }[] = [
    // prefix-a first, then prefix-b in front of it.
    { path: '/chain/x', url: '/b/a/chain/x' },
    // chain-ab, then chain-cd (whose prefix-d@file names the provider explicitly).
    { path: '/chains/x', url: '/d/c/b/a/chains/x' },
  ];
  for (const row of rows) assert.equal((await seenBy(row.path)).url, row.url, row.path);
});

test('a router resolves a name@file reference to a middleware of its own provider', async () => {
  assert.equal((await seenBy('/explicit/x')).url, '/a/explicit/x');
});

test('encodedCharacters refuses the encoded characters its settings do not allow', async () => {
  const rows: { path: string; status: number; url?: string }[] = [
    { path: '/enc/refuse/plain', status: 200, url: '/enc/refuse/plain' },
    { path: '/enc/refuse/a%2Fb', status: 400 },
    { path: '/enc/refuse/a%3Bb', status: 400 },
    { path: '/enc/refuse/a%25b', status: 400 },
    // The query is not looked at.
    { path: '/enc/refuse/plain?next=%2Fhome', status: 200, url: '/enc/refuse/plain?next=%2Fhome' },
    { path: '/enc/allow/a%2Fb', status: 200, url: '/enc/allow/a%2Fb' },
    { path: '/enc/allow/a%3Bb', status: 400 },
  ];
  for (const row of rows) {
    const r = await send(row.path);
    assert.equal(r.status, row.status, row.path);
    if (row.url === undefined) {
      assert.equal(r.text(), '', row.path);
      assert.equal(r.headers['content-length'], '0', row.path);
    } else {
      assert.equal((JSON.parse(r.text()) as Seen).url, row.url, row.path);
    }
  }
});

test('contentType adds a detected Content-Type only when autoDetect is not off', async () => {
  const rows: { path: string; contentType: string | undefined }[] = [
    { path: '/ct/none', contentType: undefined },
    { path: '/ct/off', contentType: undefined },
    { path: '/ct/on', contentType: 'text/html; charset=utf-8' },
  ];
  for (const row of rows) {
    const r = await send(row.path);
    assert.equal(r.status, 200, row.path);
    assert.equal(r.text(), html, row.path);
    assert.equal(r.headers['content-type'], row.contentType, row.path);
  }
});

test('passTLSClientCert removes client-sent certificate headers on a plain HTTP connection', async () => {
  const headers = { 'X-Forwarded-Tls-Client-Cert': 'MIIBforged', 'X-Forwarded-Tls-Client-Cert-Info': 'Subject%3D%22CN%3Dforged%22' };
  // The trusted entry point keeps them, so what removes them below is the middleware.
  const without = await seenBy('/echo', { entryPoint: 'trusted', headers });
  assert.equal(without.headers['x-forwarded-tls-client-cert'], 'MIIBforged');
  assert.equal(without.headers['x-forwarded-tls-client-cert-info'], 'Subject%3D%22CN%3Dforged%22');

  const seen = await seenBy('/cert', { entryPoint: 'trusted', headers });
  assert.equal(seen.url, '/cert');
  assert.equal(seen.headers['x-forwarded-tls-client-cert'], undefined);
  assert.equal(seen.headers['x-forwarded-tls-client-cert-info'], undefined);
});

test('entry point middlewares run before the router\'s own, on that entry point only', async () => {
  const rows: { entryPoint: string; url: string }[] = [
    // ep-prefix adds /ep-mw first, then router-prefix puts /router-mw in front.
    { entryPoint: 'edge', url: '/router-mw/ep-mw/ep/x' },
    { entryPoint: 'web', url: '/router-mw/ep/x' },
  ];
  for (const row of rows) assert.equal((await seenBy('/ep/x', { entryPoint: row.entryPoint })).url, row.url, row.entryPoint);
});
