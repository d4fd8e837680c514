/**
 * End to end: three Switchyard processes started from the same configuration, sharing nothing
 * (like replicas of a Deployment or a DaemonSet). A client that spreads its requests over all
 * three stays on one server: by sticky cookie, by client IP (rendezvous hashing picks the same
 * first server everywhere) and by header hash (the same consistent-hash ring everywhere).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { request } from 'undici';
import { startBackend, type Backend } from './support/backends.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

const replicas: SwitchyardProcess[] = [];
const servers: Backend[] = [];

function dynamic(): string {
  const list = servers.map((s) => `{url: "${s.url}"}`).join(', ');
  return `
http:
  routers:
    cookie:
      rule: "Host(\`cookie.test\`)"
      service: cookie
    clientip:
      rule: "Host(\`ip.test\`)"
      service: clientip
    header:
      rule: "Host(\`header.test\`)"
      service: header
  services:
    cookie:
      loadBalancer:
        sticky: {cookie: {name: srv}}
        servers: [${list}]
    clientip:
      loadBalancer:
        sticky: {clientIP: {timeout: 3h}}
        servers: [${list}]
    header:
      loadBalancer:
        strategy: hash
        hash: {header: X-User}
        servers: [${list}]
`;
}

before(async () => {
  for (const name of ['s1', 's2', 's3', 's4', 's5']) {
    servers.push(await startBackend(name, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(name);
    }));
  }
  const started = await Promise.all([0, 1, 2].map(() => startWithDynamic(dynamic(), ['web'])));
  for (const { sy } of started) replicas.push(sy);
});

after(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await Promise.all(servers.map((s) => s.close()));
});

/** A request from a given loopback source address (undici does not bind a local address). */
function getFrom(replica: number, host: string, localAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port: replicas[replica]!.ports.get('web'), path: '/', headers: { host }, localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => {
        assert.equal(res.statusCode, 200);
        resolve(body);
      });
    }).on('error', reject);
  });
}

async function get(replica: number, host: string, headers: Record<string, string> = {}): Promise<{ server: string; setCookie: string | undefined }> {
  const res = await request(`http://127.0.0.1:${replicas[replica]!.ports.get('web')}/`, {
    headers: { host, ...headers },
  });
  const server = await res.body.text();
  assert.equal(res.statusCode, 200);
  const sc = res.headers['set-cookie'];
  return { server, setCookie: Array.isArray(sc) ? sc[0] : sc };
}

test('by cookie: the cookie one replica set pins the client on every replica', async () => {
  for (let client = 0; client < 5; client++) {
    const first = await get(client % 3, 'cookie.test');
    const cookie = first.setCookie!.split(';')[0]!;
    for (let i = 0; i < 9; i++) {
      const r = await get(i % 3, 'cookie.test', { cookie });
      assert.equal(r.server, first.server, `client ${client}, request ${i} via replica ${i % 3}`);
      assert.equal(r.setCookie, undefined);
    }
  }
});

test('by client IP: every replica places a client on the same server', async () => {
  const placed = new Set<string>();
  for (let client = 2; client < 14; client++) {
    const address = `127.0.0.${client}`;
    const first = await getFrom(client % 3, 'ip.test', address);
    placed.add(first);
    for (let i = 0; i < 6; i++) {
      assert.equal(await getFrom(i % 3, 'ip.test', address), first, `client ${address}, request ${i} via replica ${i % 3}`);
    }
  }
  assert.ok(placed.size >= 2, `12 client IPs are spread over several servers, got ${[...placed].join(', ')}`);
});

test('by header hash: a user key lands on the same server on every replica', async () => {
  const placed = new Set<string>();
  for (let user = 0; user < 12; user++) {
    const key = `user-${user}`;
    const first = await get(user % 3, 'header.test', { 'x-user': key });
    placed.add(first.server);
    for (let i = 0; i < 6; i++) {
      const r = await get(i % 3, 'header.test', { 'x-user': key });
      assert.equal(r.server, first.server, `${key}, request ${i} via replica ${i % 3}`);
    }
  }
  assert.ok(placed.size >= 2, `12 users are spread over several servers, got ${[...placed].join(', ')}`);
});
