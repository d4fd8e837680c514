/**
 * End to end: the real binary routes by host and path to real backends and answers Traefik's
 * status codes with their bodies.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { closedPort, startBackend, type Backend } from './support/backends.ts';
import { startSwitchyard, staticConfig, tempDir, type SwitchyardProcess } from './support/switchyard-process.ts';

let sy: SwitchyardProcess;
let a: Backend;
let b: Backend;
let hang: Backend;
let web: string;

before(async () => {
  a = await startBackend('a');
  b = await startBackend('b');
  // Accepts the request and never answers: the transport's responseHeaderTimeout must fire.
  hang = await startBackend('hang', () => {});
  const dead = await closedPort();
  const dir = tempDir();
  writeFileSync(join(dir, 'dynamic.yml'), `
http:
  routers:
    by-host:
      rule: "Host(\`a.example\`)"
      service: svc-a
    by-path:
      rule: "PathPrefix(\`/b\`)"
      service: svc-b
    both:
      rule: "Host(\`a.example\`) && PathPrefix(\`/b\`)"
      service: svc-b
    dead:
      rule: "Path(\`/dead\`)"
      service: svc-dead
    empty:
      rule: "Path(\`/empty\`)"
      service: svc-empty
    slow:
      rule: "Path(\`/slow\`)"
      service: svc-slow
  services:
    svc-a:
      loadBalancer:
        servers: [{url: "${a.url}"}]
    svc-b:
      loadBalancer:
        servers: [{url: "${b.url}"}]
    svc-dead:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:${dead}"}]
    svc-empty:
      loadBalancer:
        servers: []
    svc-slow:
      loadBalancer:
        serversTransport: quick
        servers: [{url: "${hang.url}"}]
  serversTransports:
    quick:
      forwardingTimeouts:
        responseHeaderTimeout: 200ms
`);
  writeFileSync(join(dir, 'static.yml'), staticConfig(join(dir, 'dynamic.yml')));
  sy = await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`], ['web', 'traefik']);
  web = `http://127.0.0.1:${sy.ports.get('web')}`;
});

after(async () => {
  await sy?.stop();
  await Promise.all([a?.close(), b?.close(), hang?.close()]);
});

async function get(path: string, host = 'other.example'): Promise<{ status: number; body: string; type: string | undefined; server: string | undefined }> {
  const res = await request(`${web}${path}`, { headers: { host } });
  const body = await res.body.text();
  const server = res.headers['x-backend'];
  return { status: res.statusCode, body, type: res.headers['content-type'] as string | undefined, server: server as string | undefined };
}

test('routes by host, by path, and the longer rule wins when both match', async () => {
  assert.equal((await get('/', 'a.example')).server, 'a');
  assert.equal((await get('/bee', 'x.example')).server, 'b');
  // `Host(a.example) && PathPrefix(/b)` is longer than `Host(a.example)`, so it wins.
  assert.equal((await get('/b', 'a.example')).server, 'b');
  assert.equal((await get('/c', 'A.Example:8000')).server, 'a', 'host matching ignores case and port');
});

test('no route answers 404 page not found', async () => {
  const r = await get('/nothing');
  assert.equal(r.status, 404);
  assert.equal(r.body, '404 page not found\n');
  assert.match(r.type ?? '', /^text\/plain/);
});

test('a server that refuses connections answers 502 Bad Gateway', async () => {
  const r = await get('/dead');
  assert.equal(r.status, 502);
  assert.equal(r.body, 'Bad Gateway');
  assert.match(r.type ?? '', /^text\/plain/);
});

test('a service with no server answers 503 no available server', async () => {
  const r = await get('/empty');
  assert.equal(r.status, 503);
  assert.equal(r.body, 'no available server\n');
});

test('a server that does not answer within responseHeaderTimeout gives 504 Gateway Timeout', async () => {
  const r = await get('/slow');
  assert.equal(r.status, 504);
  assert.equal(r.body, 'Gateway Timeout');
  assert.match(r.type ?? '', /^text\/plain/);
});
