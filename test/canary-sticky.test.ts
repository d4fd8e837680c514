/**
 * End to end, through the real binary and real clients (curl, undici, ws): canary weights with
 * Traefik's exact EDF sequence, the seed-001 scenario (weighted myapp1:myapp2 = 1:2 with a
 * sticky `lvl1` cookie, `curl -b "lvl1=default-myapp2-80"` pinning), Traefik's cookie names
 * and values, legacy values rewritten, signed cookies, draining after a reload, and the cookie
 * on WebSocket upgrades.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';
import { startBackend, type Backend } from './support/backends.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

const run = promisify(execFile);

interface CurlResponse {
  readonly status: number;
  readonly setCookies: string[];
  readonly body: string;
}

/** Runs curl like the seed does (`curl -b "lvl1=…" URL`), with -i to see Set-Cookie. */
async function curl(url: string, ...args: string[]): Promise<CurlResponse> {
  const { stdout } = await run('curl', ['-s', '-i', '--max-time', '10', ...args, url]);
  return parseResponse(stdout);
}

function parseResponse(text: string): CurlResponse {
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split).split('\r\n');
  const status = Number(head[0]!.split(' ')[1]);
  const setCookies = head.filter((l) => l.toLowerCase().startsWith('set-cookie:')).map((l) => l.slice(l.indexOf(':') + 1).trim());
  return { status, setCookies, body: text.slice(split + 4) };
}

/**
 * Runs one curl for `count` requests to `url`: curl sends them in turn over one keep-alive
 * connection, which stays on one worker when several share the port.
 */
async function curlOneConnection(count: number, url: string, ...args: string[]): Promise<CurlResponse[]> {
  // -w writes the marker after each transfer: the bodies are decoded, so no framing is left to split on.
  const marker = '\n--end of transfer--\n';
  const { stdout } = await run('curl', ['-s', '-i', '--max-time', '10', '-w', marker, ...args, ...Array<string>(count).fill(url)]);
  const responses = stdout.split(marker).slice(0, -1).map(parseResponse);
  assert.equal(responses.length, count, stdout);
  return responses;
}

const sha16 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

let sy: SwitchyardProcess;
let dir: string;
let web: string;
let api: string;
const backends: Backend[] = [];
let v1: Backend;
let v2: Backend;
let a: Backend;
let b: Backend;
let wsServer: Backend;
let wss: WebSocketServer;

function dynamic(drainA: boolean): string {
  return `
http:
  routers:
    myapp:
      rule: "Host(\`myapp.test.com\`)"
      service: wrr
    backend:
      rule: "Host(\`backend.test\`)"
      service: backend
    signed:
      rule: "Host(\`signed.test\`)"
      service: signed
    drain:
      rule: "Host(\`drain.test\`)"
      service: drain
    ws:
      rule: "Host(\`ws.test\`)"
      service: ws
  services:
    wrr:
      weighted:
        services:
          - name: default-myapp1-80
            weight: 1
          - name: default-myapp2-80
            weight: 2
        sticky:
          cookie:
            name: lvl1
    default-myapp1-80:
      loadBalancer:
        servers: [{url: "${v1.url}"}]
    default-myapp2-80:
      loadBalancer:
        servers: [{url: "${v2.url}"}]
    backend:
      loadBalancer:
        sticky: {cookie: {}}
        servers: [{url: "${a.url}"}, {url: "${b.url}"}]
    signed:
      loadBalancer:
        sticky:
          cookie:
            name: sid
            secret: "a-secret-of-32-characters-length"
        servers: [{url: "${a.url}"}, {url: "${b.url}"}]
    drain:
      loadBalancer:
        sticky: {cookie: {name: pin, httpOnly: true, maxAge: 60}}
        servers:
          - url: "${a.url}"
            weight: ${drainA ? 0 : 1}
          - url: "${b.url}"
    ws:
      loadBalancer:
        sticky: {cookie: {name: io}}
        servers: [{url: "${wsServer.url}"}]
`;
}

function writeDynamic(text: string): void {
  const tmp = join(dir, '.dynamic.yml.tmp');
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, 'dynamic.yml'));
}

before(async () => {
  const text = (name: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(name);
  };
  v1 = await startBackend('v1', text('Hello MyApp | Version: v1'));
  v2 = await startBackend('v2', text('Hello MyApp | Version: v2'));
  a = await startBackend('a', text('a'));
  b = await startBackend('b', text('b'));
  wsServer = await startBackend('ws');
  wss = new WebSocketServer({ server: wsServer.server });
  wss.on('connection', (socket) => socket.on('message', (m) => socket.send(`echo ${String(m)}`)));
  backends.push(v1, v2, a, b, wsServer);
  ({ sy, dir } = await startWithDynamic(dynamic(false), ['web', 'traefik']));
  web = `http://127.0.0.1:${sy.ports.get('web')}`;
  api = `http://127.0.0.1:${sy.ports.get('traefik')}`;
});

after(async () => {
  await sy?.stop();
  wss?.close();
  await Promise.all(backends.map((x) => x.close()));
});

const version = (body: string): string => /Version: (v\d)/.exec(body)?.[1] ?? body;

test('seed 001: weighted 1:2 follows Traefik’s EDF sequence and sets the lvl1 cookie per child', async () => {
  const seen: string[] = [];
  const cookies: string[] = [];
  // The sequence is one process's: the nine requests share one connection (one worker).
  for (const r of await curlOneConnection(9, `${web}/`, '-H', 'Host: myapp.test.com')) {
    assert.equal(r.status, 200);
    seen.push(version(r.body));
    cookies.push(...r.setCookies);
  }
  assert.deepEqual(seen, ['v2', 'v1', 'v2', 'v2', 'v1', 'v2', 'v2', 'v1', 'v2']);
  // Value = first 16 hex of SHA-256 of the child service name as written.
  assert.equal(cookies[0], `lvl1=${sha16('default-myapp2-80')}; Path=/`);
  assert.equal(cookies[1], `lvl1=${sha16('default-myapp1-80')}; Path=/`);
});

test('seed 001: curl -b "lvl1=default-myapp2-80" always reaches myapp2, and the legacy value is rewritten', async () => {
  for (let i = 0; i < 4; i++) {
    const r = await curl(`${web}/`, '-H', 'Host: myapp.test.com', '-b', 'lvl1=default-myapp2-80');
    assert.equal(version(r.body), 'v2');
    assert.deepEqual(r.setCookies, [`lvl1=${sha16('default-myapp2-80')}; Path=/`]);
  }
  for (let i = 0; i < 4; i++) {
    const r = await curl(`${web}/`, '-H', 'Host: myapp.test.com', '-b', 'lvl1=default-myapp1-80');
    assert.equal(version(r.body), 'v1');
  }
});

test('a current cookie value pins without a new Set-Cookie', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await curl(`${web}/`, '-H', 'Host: myapp.test.com', '-b', `lvl1=${sha16('default-myapp1-80')}`);
    assert.equal(version(r.body), 'v1');
    assert.deepEqual(r.setCookies, []);
  }
});

test('the default cookie name is Traefik’s hash of the qualified service name, the value the server URL’s hash', async () => {
  const r = await curl(`${web}/`, '-H', 'Host: backend.test');
  const expectedServer = r.body === 'a' ? a.url : b.url;
  // `_` + 5 hex of SHA-1("_TRAEFIK_BACKEND_backend@file").
  assert.deepEqual(r.setCookies, [`_344d3=${sha16(expectedServer)}; Path=/`]);
  // An unknown value: picked normally, a fresh cookie is set.
  const unknown = await curl(`${web}/`, '-H', 'Host: backend.test', '-b', '_344d3=not-a-server');
  assert.equal(unknown.setCookies.length, 1);
  // The raw server URL (Traefik 1.x values) pins and is rewritten.
  const legacy = await curl(`${web}/`, '-H', 'Host: backend.test', '-b', `_344d3=${b.url}`);
  assert.equal(legacy.body, 'b');
  assert.deepEqual(legacy.setCookies, [`_344d3=${sha16(b.url)}; Path=/`]);
});

test('signed cookies: the signed value pins, a tampered or unsigned one does not', async () => {
  const first = await curl(`${web}/`, '-H', 'Host: signed.test');
  const cookie = first.setCookies[0]!.split(';')[0]!;
  const [name, value] = cookie.split('=') as [string, string];
  assert.equal(name, 'sid');
  const [hash, mac] = value.split('.');
  assert.match(mac ?? '', /^[A-Za-z0-9_-]{22}$/);
  const server = first.body;
  for (let i = 0; i < 4; i++) {
    const r = await curl(`${web}/`, '-H', 'Host: signed.test', '-b', cookie);
    assert.equal(r.body, server);
    assert.deepEqual(r.setCookies, []);
  }
  // Tampering: the other server's hash with this MAC, or an unsigned value, is not honoured:
  // the request is placed normally and gets a fresh signed cookie.
  const other = server === 'a' ? b.url : a.url;
  for (const forged of [`sid=${sha16(other)}.${mac}`, `sid=${sha16(other)}`, `sid=${other}`, `sid=${hash}.${'A'.repeat(22)}`]) {
    const r = await curl(`${web}/`, '-H', 'Host: signed.test', '-b', forged);
    assert.equal(r.setCookies.length, 1, forged);
    assert.match(r.setCookies[0]!, /^sid=[0-9a-f]{16}\.[A-Za-z0-9_-]{22}; Path=\/$/);
  }
});

test('the sticky cookie is set on the WebSocket 101 response and the socket works', async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${sy.ports.get('web')}/chat`, { headers: { Host: 'ws.test' } });
  const opened = once(socket, 'open');
  const [response] = await once(socket, 'upgrade') as [import('node:http').IncomingMessage];
  assert.deepEqual(response.headers['set-cookie'], [`io=${sha16(wsServer.url)}; Path=/`]);
  await opened;
  socket.send('hi');
  const [message] = await once(socket, 'message');
  assert.equal(String(message), 'echo hi');
  socket.close();
});

test('draining: weight 0 after a reload keeps the clients that have its cookie and takes no new ones', async () => {
  // Find a client pinned to a.
  let pinnedToA = '';
  for (let i = 0; i < 4 && pinnedToA === ''; i++) {
    const r = await curl(`${web}/`, '-H', 'Host: drain.test');
    if (r.body === 'a') pinnedToA = r.setCookies[0]!.split(';')[0]!;
    assert.match(r.setCookies[0]!, /^pin=[0-9a-f]{16}; Path=\/; Max-Age=60; HttpOnly$/);
  }
  assert.notEqual(pinnedToA, '', 'round robin reaches a within 4 requests');
  const applied = sy.applied();
  writeDynamic(dynamic(true));
  await sy.waitFor(() => sy.applied() > applied, 'the reload');

  for (let i = 0; i < 5; i++) {
    const r = await curl(`${web}/`, '-H', 'Host: drain.test', '-b', pinnedToA);
    assert.equal(r.body, 'a', 'an existing session stays on the draining server');
    assert.deepEqual(r.setCookies, []);
  }
  for (let i = 0; i < 6; i++) {
    const r = await curl(`${web}/`, '-H', 'Host: drain.test');
    assert.equal(r.body, 'b', 'new clients never reach the draining server');
  }
  const res = await request(`${api}/api/http/services/drain@file`);
  const service = await res.body.json() as { serverStatus: Record<string, string> };
  assert.deepEqual(service.serverStatus, { [a.url]: 'DRAINING', [b.url]: 'UP' });
});
