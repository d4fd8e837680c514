/**
 * End to end through the real binary: active health checks take a server out and bring it
 * back with rise/fall honoured (waiting for the "server health changed" events, never for a
 * time), the API shows it, a failover service switches to its fallback when every main server
 * is down and back when one recovers, and the retry middleware sends a failed request to the
 * other server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { closedPort, startBackend, type Backend } from './support/backends.ts';
import { startWithDynamic, type LogLine, type SwitchyardProcess } from './support/switchyard-process.ts';

let sy: SwitchyardProcess;
let web: string;
let api: string;
let a: Backend;
let b: Backend;
let spare: Backend;
let deadPort: number;
const healthy = { a: true, b: true };
const probes = { a: 0, b: 0 };

function origin(name: 'a' | 'b') {
  return (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    if (req.url === '/health') {
      probes[name]++;
      res.writeHead(healthy[name] ? 200 : 503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
  };
}

before(async () => {
  a = await startBackend('a', origin('a'));
  b = await startBackend('b', origin('b'));
  spare = await startBackend('spare', (_req, res) => res.writeHead(200).end('spare'));
  deadPort = await closedPort();
  ({ sy } = await startWithDynamic(`
http:
  routers:
    app:
      rule: "Host(\`app.test\`)"
      service: app
    ha:
      rule: "Host(\`ha.test\`)"
      service: ha
    retried:
      rule: "Host(\`retry.test\`)"
      service: flaky
      middlewares: [retry]
  middlewares:
    retry:
      retry: {attempts: 2}
  services:
    app:
      loadBalancer:
        servers: [{url: "${a.url}"}, {url: "${b.url}"}]
        healthCheck: {path: /health, interval: 50ms, timeout: 2s, fall: 2, rise: 3}
    ha:
      failover:
        service: app
        fallback: spare
    spare:
      loadBalancer:
        servers: [{url: "${spare.url}"}]
    flaky:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:${deadPort}"}, {url: "${b.url}"}]
`, ['web', 'traefik']));
  web = `http://127.0.0.1:${sy.ports.get('web')}`;
  api = `http://127.0.0.1:${sy.ports.get('traefik')}`;
});

after(async () => {
  await sy?.stop();
  await Promise.all([a, b, spare].map((x) => x?.close()));
});

async function body(host: string): Promise<string> {
  const res = await request(`${web}/`, { headers: { host } });
  return `${res.statusCode} ${await res.body.text()}`;
}

async function serverStatus(): Promise<Record<string, string>> {
  const res = await request(`${api}/api/http/services/app@file`);
  return ((await res.body.json()) as { serverStatus: Record<string, string> }).serverStatus;
}

const healthEvent = (url: string, status: string) => (l: LogLine) =>
  l.message === 'server health changed' && l['url'] === url && l['status'] === status && l['service'] === 'app@file';

test('a failing server goes DOWN after `fall` failed probes, gets no traffic, and comes back after `rise` good ones', async () => {
  healthy.a = false;
  const before = probes.a;
  const down = await sy.waitFor(healthEvent(a.url, 'DOWN'), 'a DOWN');
  assert.ok(probes.a - before >= 2, 'fall: 2 failed probes before DOWN');
  assert.match(String(down['reason']), /status 503 \(expected 200-399\)/);
  assert.deepEqual(await serverStatus(), { [a.url]: 'DOWN', [b.url]: 'UP' });
  for (let i = 0; i < 4; i++) assert.equal(await body('app.test'), '200 b');

  const atRecovery = probes.a;
  healthy.a = true;
  await sy.waitFor(healthEvent(a.url, 'UP'), 'a UP');
  assert.ok(probes.a - atRecovery >= 3, 'rise: 3 good probes before UP');
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add(await body('app.test'));
  assert.deepEqual([...seen].sort(), ['200 a', '200 b']);

  const service = await (await request(`${api}/api/http/services/app@file`)).body.json() as { switchyard: { servers: { url: string; history: { status: string }[] }[] } };
  const historyOfA = service.switchyard.servers.find((s) => s.url === a.url)?.history.map((h) => h.status);
  assert.deepEqual(historyOfA, ['DOWN', 'UP']);
});

test('failover: every main server DOWN sends traffic to the fallback, and back when main recovers', async () => {
  assert.equal(await body('ha.test') === '200 spare', false);
  const mark = sy.lines.length;
  healthy.a = false;
  healthy.b = false;
  await sy.waitFor((l) => sy.lines.indexOf(l) >= mark && healthEvent(a.url, 'DOWN')(l), 'a DOWN');
  await sy.waitFor((l) => sy.lines.indexOf(l) >= mark && healthEvent(b.url, 'DOWN')(l), 'b DOWN');
  for (let i = 0; i < 3; i++) assert.equal(await body('ha.test'), '200 spare');
  assert.equal(await body('app.test'), '503 no available server\n');

  healthy.b = true;
  await sy.waitFor((l) => sy.lines.indexOf(l) >= mark && healthEvent(b.url, 'UP')(l), 'b UP');
  for (let i = 0; i < 3; i++) assert.equal(await body('ha.test'), '200 b');
  healthy.a = true;
  await sy.waitFor((l) => sy.lines.indexOf(l) >= mark && healthEvent(a.url, 'UP')(l), 'a UP');
});

test('retry: a request to a server that refuses the connection is retried on the other one', async () => {
  for (let i = 0; i < 6; i++) assert.equal(await body('retry.test'), '200 b');
});
