/**
 * End to end: the real binary with `--workers=2` (a control plane and two worker processes
 * sharing each port through SO_REUSEPORT). Connections spread over both workers; a reload and
 * a health transition reach both before they are logged; stickiness and affinity agree across
 * workers; the API and /metrics add up both; a worker killed with SIGKILL is restarted; SIGTERM
 * stops every process gracefully. Which worker served is read from `/api/workers`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { closedPort, startBackend, type Backend } from './support/backends.ts';
import { send } from './support/http-client.ts';
import { startSwitchyard, staticConfig, tempDir, type SwitchyardProcess } from './support/switchyard-process.ts';

interface WorkerInfo {
  readonly id: number;
  readonly pid: number;
  readonly state: string;
  readonly restarts: number;
  readonly requests: number;
}

let sy: SwitchyardProcess;
let dir: string;
const servers: Backend[] = [];
/** Whether s2's health endpoint fails. */
let s2Unhealthy = false;
/** A server URL nothing listens on (its requests fail: the passive check takes it down). */
let deadUrl = '';

function dynamic(extraRouters = ''): string {
  const list = servers.map((s) => `{url: "${s.url}"}`).join(', ');
  return `
http:
  routers:
    plain:
      rule: "Host(\`plain.test\`)"
      service: plain
    cookie:
      rule: "Host(\`cookie.test\`)"
      service: cookie
    clientip:
      rule: "Host(\`ip.test\`)"
      service: clientip
    checked:
      rule: "Host(\`checked.test\`)"
      service: checked
    passive:
      rule: "Host(\`passive.test\`)"
      service: passive
${extraRouters}
  services:
    plain:
      loadBalancer:
        servers: [${list}]
    cookie:
      loadBalancer:
        sticky: {cookie: {name: srv}}
        servers: [${list}]
    clientip:
      loadBalancer:
        sticky: {clientIP: {timeout: 3h}}
        servers: [${list}]
    checked:
      loadBalancer:
        healthCheck: {path: /health, interval: 100ms, timeout: 1s}
        servers: [{url: "${servers[0]!.url}"}, {url: "${servers[1]!.url}"}]
    passive:
      loadBalancer:
        passiveHealthCheck: {maxFailedAttempts: 1, failureWindow: 1h}
        servers: [{url: "${servers[0]!.url}"}, {url: "${deadUrl}"}]
`;
}

function writeDynamic(text: string): void {
  const tmp = join(dir, '.dynamic.yml.tmp');
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, 'dynamic.yml'));
}

const web = (): number | undefined => sy.ports.get('web');
const api = (): number | undefined => sy.ports.get('traefik');

async function workers(): Promise<WorkerInfo[]> {
  const r = await send(api(), { path: '/api/workers' });
  assert.equal(r.status, 200, r.text());
  return JSON.parse(r.text()) as WorkerInfo[];
}

/** Each worker's request count by id. */
async function counts(): Promise<Map<number, number>> {
  return new Map((await workers()).map((w) => [w.id, w.requests]));
}

/**
 * Sends requests on fresh connections (the kernel picks a worker per connection) until every
 * worker served at least one more than before, at most `max`; returns the answers.
 */
async function untilBothServed(host: string, max = 200, headers: Record<string, string> = {}): Promise<{ status: number; server: string }[]> {
  const before = await counts();
  const answers: { status: number; server: string }[] = [];
  for (let batch = 0; answers.length < max; batch++) {
    for (let i = 0; i < 20; i++) {
      const r = await send(web(), { headers: { host, ...headers } });
      answers.push({ status: r.status, server: String(r.headers['x-backend'] ?? '') });
    }
    const now = await counts();
    if ([...before].every(([id, n]) => (now.get(id) ?? 0) > n)) return answers;
  }
  assert.fail(`after ${answers.length} requests not every worker served one: ${JSON.stringify([...await counts()])}`);
}

before(async () => {
  for (const name of ['s1', 's2', 's3']) {
    servers.push(await startBackend(name, (req, res) => {
      if (req.url === '/health') {
        res.writeHead(name === 's2' && s2Unhealthy ? 500 : 200).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': name });
      res.end(name);
    }));
  }
  deadUrl = `http://127.0.0.1:${await closedPort()}`;
  dir = tempDir();
  writeFileSync(join(dir, 'dynamic.yml'), dynamic());
  writeFileSync(join(dir, 'static.yml'), staticConfig(join(dir, 'dynamic.yml'), 'metrics:\n  prometheus: {}\n'));
  sy = await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`, '--workers=2'], ['web', 'traefik']);
});

after(async () => {
  await sy?.stop();
  await Promise.all(servers.map((s) => s.close()));
});

test('connections spread over both worker processes, and /api/stats is the sum of theirs', async () => {
  const listed = await workers();
  assert.deepEqual(listed.map((w) => [w.id, w.state]), [[1, 'running'], [2, 'running']]);
  assert.notEqual(listed[0]!.pid, listed[1]!.pid);
  const answers = await untilBothServed('plain.test');
  assert.ok(answers.every((a) => a.status === 200));

  const stats = JSON.parse((await send(api(), { path: '/api/stats' })).text()) as {
    entryPoints: Record<string, { requests: number }>;
    routers: Record<string, { requests: number }>;
  };
  const perWorker = await workers();
  const total = perWorker.reduce((sum, w) => sum + w.requests, 0);
  assert.equal(stats.entryPoints['web']!.requests, total);
  assert.equal(stats.routers['plain@file']!.requests, total);
});

test('/metrics adds up the workers\' request counters and counts each reload once', async () => {
  const before = (await workers()).reduce((sum, w) => sum + w.requests, 0);
  const metrics = (await send(api(), { path: '/metrics' })).text();
  const requests = [...metrics.matchAll(/^traefik_entrypoint_requests_total\{[^}]*entrypoint="web"[^}]*\} (\d+)$/gm)]
    .reduce((sum, m) => sum + Number(m[1]), 0);
  assert.equal(requests, before);
  const reloads = /^traefik_config_reloads_total (\d+)$/m.exec(metrics);
  assert.equal(Number(reloads?.[1]), sy.applied());
});

test('a reload is applied on every worker before "configuration applied" is logged', async () => {
  const applied = sy.applied();
  writeDynamic(dynamic(`    added:
      rule: "Host(\`added.test\`)"
      service: plain`));
  await sy.waitFor(() => sy.applied() > applied, 'the reload');
  const answers = await untilBothServed('added.test');
  assert.deepEqual(answers.filter((a) => a.status !== 200), []);
});

test('a sticky cookie pins the same server whichever worker answers', async () => {
  const first = await send(web(), { headers: { host: 'cookie.test' } });
  const cookie = first.headers['set-cookie']![0]!.split(';')[0]!;
  const pinned = first.text();
  const answers = await untilBothServed('cookie.test', 200, { cookie });
  assert.deepEqual(new Set(answers.map((a) => a.server)), new Set([pinned]));
});

test('client-IP affinity picks the same first server on every worker', async () => {
  const answers = await untilBothServed('ip.test');
  assert.equal(new Set(answers.map((a) => a.server)).size, 1, JSON.stringify(answers));
});

test('a server the control plane\'s health check takes down is avoided by every worker', async () => {
  const down = sy.waitFor((l) => l.message === 'server health changed' && l.status === 'DOWN' && l.url === servers[1]!.url, 's2 DOWN');
  s2Unhealthy = true;
  await down;
  const answers = await untilBothServed('checked.test');
  assert.deepEqual(new Set(answers.map((a) => a.server)), new Set(['s1']));
  const service = JSON.parse((await send(api(), { path: '/api/http/services/checked@file' })).text()) as { serverStatus: Record<string, string> };
  assert.equal(service.serverStatus[servers[1]!.url], 'DOWN');

  const up = sy.waitFor((l) => l.message === 'server health changed' && l.status === 'UP' && l.url === servers[1]!.url, 's2 UP');
  s2Unhealthy = false;
  await up;
  // Round robin over two UP servers: every worker sends to s2 again.
  const after = await untilBothServed('checked.test');
  assert.ok(after.some((a) => a.server === 's2'));
});

test('a server one worker\'s passive check takes down is avoided by every worker', async () => {
  const down = sy.waitFor((l) => l.message === 'server health changed' && l.status === 'DOWN' && l.url === deadUrl, 'the dead server DOWN');
  // Round robin: within a few requests a worker sends one to the dead server, which fails.
  let failed = false;
  for (let i = 0; i < 50 && !failed; i++) failed = (await send(web(), { headers: { host: 'passive.test' } })).status === 502;
  assert.ok(failed, 'no request reached the dead server');
  const line = await down;
  assert.ok(typeof line.worker === 'number', 'the control plane names the worker whose traffic showed it');
  const answers = await untilBothServed('passive.test');
  assert.deepEqual(answers.filter((a) => a.status !== 200 || a.server !== 's1'), []);
});

test('a worker killed with SIGKILL is restarted, and requests keep succeeding meanwhile', async () => {
  const [victim] = await workers();
  const exited = sy.waitFor((l) => l.message === 'worker exited' && l.pid === victim!.pid, 'the worker exit');
  const restarted = sy.waitFor((l) => l.message === 'worker started' && l.worker === victim!.id && l.pid !== victim!.pid, 'the restart');
  process.kill(victim!.pid, 'SIGKILL');
  await exited;
  // Only the killed worker's connections were lost: new ones go to the sockets still open.
  for (let i = 0; i < 20; i++) assert.equal((await send(web(), { headers: { host: 'plain.test' } })).status, 200);
  await restarted;
  const listed = await workers();
  const again = listed.find((w) => w.id === victim!.id)!;
  assert.equal(again.state, 'running');
  assert.equal(again.restarts, 1);
  assert.notEqual(again.pid, victim!.pid);
  // The restarted worker has the configuration: it answers, nothing is a 404.
  const answers = await untilBothServed('added.test');
  assert.deepEqual(answers.filter((a) => a.status !== 200), []);
});

test('SIGTERM: every worker finishes its in-flight request, answers ping 503 meanwhile, then all processes exit', async () => {
  let held: ServerResponse | null = null;
  let arrived: () => void = () => undefined;
  const arrivedP = new Promise<void>((r) => { arrived = r; });
  const slow = await startBackend('slow', (_req, res) => {
    held = res;
    arrived();
  });
  const own = tempDir();
  writeFileSync(join(own, 'dynamic.yml'), `
http:
  routers:
    all:
      rule: "PathPrefix(\`/\`)"
      service: slow
  services:
    slow:
      loadBalancer:
        servers: [{url: "${slow.url}"}]
`);
  const lifeCycle = '\n    transport:\n      lifeCycle:\n        requestAcceptGraceTimeout: 2s\n        graceTimeOut: 60s';
  writeFileSync(join(own, 'static.yml'), staticConfig(join(own, 'dynamic.yml')).replaceAll('address: "127.0.0.1:0"', `address: "127.0.0.1:0"${lifeCycle}`));
  const stopping = await startSwitchyard([`--configFile=${join(own, 'static.yml')}`, '--workers=2'], ['web', 'traefik']);
  try {
    const pids = (JSON.parse((await send(stopping.ports.get('traefik'), { path: '/api/workers' })).text()) as WorkerInfo[]).map((w) => w.pid);
    const inFlight = send(stopping.ports.get('web'));
    await arrivedP;
    stopping.child.kill('SIGTERM');
    await stopping.waitFor((l) => l.message === 'shutdown phase' && l.phase === 'terminating', 'the terminating phase');
    // Whichever worker answers (fresh connections), it is terminating.
    for (let i = 0; i < 10; i++) assert.equal((await send(stopping.ports.get('traefik'), { path: '/ping' })).status, 503);
    (held as ServerResponse | null)!.end('finished');
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.equal(answer.text(), 'finished');
    assert.equal(await stopping.stop(), 0);
    const phases = stopping.lines.filter((l) => l.message === 'shutdown phase' && l.entryPoint === 'web').map((l) => l.phase);
    assert.deepEqual(phases, ['stop-accepting', 'draining', 'closed']);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  } finally {
    await stopping.stop('SIGKILL');
    await slow.close();
  }
});
