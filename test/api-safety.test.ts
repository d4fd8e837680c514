/**
 * End to end: where the API, the dashboard and /metrics can be reached. Nothing of them is on a
 * public entry point unless a router there names `api@internal`; `api.insecure` puts them on
 * the `traefik` entry point as Traefik does (`/` redirects to `/dashboard/`); a user router
 * exposing `api@internal` runs its middlewares (basicAuth) before the API and the dashboard;
 * `api.dashboard: false` turns the dashboard off and leaves the API; `api.basePath` moves both;
 * Prometheus answers on its own entry point only. `switchyard check` finds nothing to say about
 * any of these configurations.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { send, type Answer } from './support/http-client.ts';
import { launcher, startWithDynamic, staticWithEntryPoints, type SwitchyardProcess } from './support/switchyard-process.ts';

const entryPoints = (...names: string[]): string => names.map((n) => `  ${n}:\n    address: "127.0.0.1:0"\n`).join('');

// htpasswd's $apr1$ for user "test", password "test".
const basicAuth = `
  middlewares:
    auth:
      basicAuth:
        users: ["test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"]
`;
const credentials = `Basic ${Buffer.from('test:test').toString('base64')}`;

/** `switchyard check` on the files Switchyard was started with. */
function check(dir: string): { status: number | null; out: string } {
  const r = spawnSync(launcher, ['check', `--configFile=${join(dir, 'static.yml')}`], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

function assertNoDiagnostics(dir: string): void {
  const r = check(dir);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /0 error\(s\), 0 warning\(s\)/, r.out);
}

function assertDashboard(answer: Answer, what: string): void {
  assert.equal(answer.status, 200, `${what}: ${answer.status} ${answer.text()}`);
  assert.match(String(answer.headers['content-type']), /^text\/html/, what);
  assert.match(answer.text(), /<html/i, what);
}

function assertApi(answer: Answer, what: string): void {
  assert.equal(answer.status, 200, `${what}: ${answer.status} ${answer.text()}`);
  assert.match(String(answer.headers['content-type']), /^application\/json/, what);
  assert.equal(typeof JSON.parse(answer.text()), 'object', what);
}

describe('api.insecure: true', () => {
  let sy: SwitchyardProcess;
  let dir: string;

  before(async () => {
    ({ sy, dir } = await startWithDynamic(`
http:
  routers:
    dashboard:
      rule: "Host(\`traefik.localhost\`) && (PathPrefix(\`/api\`) || PathPrefix(\`/dashboard\`))"
      entryPoints: [web]
      service: api@internal
      middlewares: [auth]
${basicAuth}`, ['web', 'traefik'], (file) => `${staticWithEntryPoints(file, entryPoints('web', 'traefik'))}api:
  insecure: true
metrics:
  prometheus: {}
`));
  });
  after(async () => {
    await sy?.stop();
  });

  const web = (path: string, headers: Record<string, string> = {}): Promise<Answer> =>
    send(sy.ports.get('web'), { path, headers: { host: 'example.test', ...headers } });
  const traefik = (path: string): Promise<Answer> => send(sy.ports.get('traefik'), { path });

  it('keeps the API, the dashboard and /metrics off the public entry point', async () => {
    for (const path of ['/api/overview', '/api/rawdata', '/dashboard/', '/metrics', '/']) {
      assert.equal((await web(path)).status, 404, path);
    }
  });

  it('serves the API and the dashboard on the traefik entry point', async () => {
    assertApi(await traefik('/api/overview'), '/api/overview');
    assertApi(await traefik('/api/http/routers'), '/api/http/routers');
    assertDashboard(await traefik('/dashboard/'), '/dashboard/');
  });

  it('redirects / to /dashboard/ with a 301, as Traefik does', async () => {
    const answer = await traefik('/');
    assert.equal(answer.status, 301);
    assert.equal(answer.headers.location, `http://127.0.0.1:${sy.ports.get('traefik')}/dashboard/`);
  });

  it('serves /metrics on the traefik entry point (Prometheus\'s default)', async () => {
    const answer = await traefik('/metrics');
    assert.equal(answer.status, 200, answer.text());
    assert.match(answer.text(), /^# (HELP|TYPE) /m);
  });

  it('asks for credentials before a user router lets anyone reach the API or the dashboard', async () => {
    for (const path of ['/api/overview', '/dashboard/']) {
      const answer = await web(path, { host: 'traefik.localhost' });
      assert.equal(answer.status, 401, path);
      assert.match(String(answer.headers['www-authenticate']), /^Basic realm=/, path);
    }
    const wrong = await web('/api/overview', { host: 'traefik.localhost', authorization: `Basic ${Buffer.from('test:nope').toString('base64')}` });
    assert.equal(wrong.status, 401);
  });

  it('serves the API and the dashboard through the user router with credentials', async () => {
    assertApi(await web('/api/overview', { host: 'traefik.localhost', authorization: credentials }), '/api/overview');
    assertDashboard(await web('/dashboard/', { host: 'traefik.localhost', authorization: credentials }), '/dashboard/');
  });

  it('gives switchyard check nothing to report', () => {
    assertNoDiagnostics(dir);
  });
});

describe('api without insecure, dashboard off, Prometheus on its own entry point', () => {
  let sy: SwitchyardProcess;
  let dir: string;

  before(async () => {
    ({ sy, dir } = await startWithDynamic(`
http:
  routers:
    api:
      rule: "Host(\`api.test\`)"
      entryPoints: [web]
      service: api@internal
      middlewares: [auth]
${basicAuth}`, ['web', 'traefik', 'metrics'], (file) => `${staticWithEntryPoints(file, entryPoints('web', 'traefik', 'metrics'))}api:
  dashboard: false
metrics:
  prometheus:
    entryPoint: metrics
`));
  });
  after(async () => {
    await sy?.stop();
  });

  it('puts nothing on the traefik entry point', async () => {
    for (const path of ['/api/overview', '/dashboard/', '/', '/metrics']) {
      assert.equal((await send(sy.ports.get('traefik'), { path })).status, 404, path);
    }
  });

  it('serves the API through the user router but not the dashboard', async () => {
    const headers = { host: 'api.test', authorization: credentials };
    assertApi(await send(sy.ports.get('web'), { path: '/api/overview', headers }), '/api/overview');
    assert.equal((await send(sy.ports.get('web'), { path: '/dashboard/', headers })).status, 404);
  });

  it('serves /metrics on its entry point only', async () => {
    const answer = await send(sy.ports.get('metrics'), { path: '/metrics' });
    assert.equal(answer.status, 200, answer.text());
    assert.equal((await send(sy.ports.get('web'), { path: '/metrics', headers: { host: 'example.test' } })).status, 404);
    assert.equal((await send(sy.ports.get('traefik'), { path: '/metrics' })).status, 404);
  });

  it('gives switchyard check nothing to report', () => {
    assertNoDiagnostics(dir);
  });
});

describe('api.basePath', () => {
  let sy: SwitchyardProcess;
  let dir: string;

  before(async () => {
    ({ sy, dir } = await startWithDynamic(`
http:
  routers:
    proxy:
      rule: "Host(\`ops.test\`) && PathPrefix(\`/proxy\`)"
      entryPoints: [web]
      service: api@internal
`, ['web', 'traefik'], (file) => `${staticWithEntryPoints(file, entryPoints('web', 'traefik'))}api:
  insecure: true
  basePath: /proxy
`));
  });
  after(async () => {
    await sy?.stop();
  });

  const traefik = (path: string): Promise<Answer> => send(sy.ports.get('traefik'), { path });

  it('moves the API and the dashboard under the base path on the traefik entry point', async () => {
    assertApi(await traefik('/proxy/api/overview'), '/proxy/api/overview');
    assertDashboard(await traefik('/proxy/dashboard/'), '/proxy/dashboard/');
    for (const path of ['/api/overview', '/dashboard/', '/']) assert.equal((await traefik(path)).status, 404, path);
  });

  it('redirects the base path to its dashboard', async () => {
    const answer = await traefik('/proxy/');
    assert.equal(answer.status, 301);
    assert.equal(answer.headers.location, `http://127.0.0.1:${sy.ports.get('traefik')}/proxy/dashboard/`);
  });

  it('serves both under the base path through a user router', async () => {
    const headers = { host: 'ops.test' };
    assertApi(await send(sy.ports.get('web'), { path: '/proxy/api/version', headers }), '/proxy/api/version');
    assertDashboard(await send(sy.ports.get('web'), { path: '/proxy/dashboard/', headers }), '/proxy/dashboard/');
    assert.equal((await send(sy.ports.get('web'), { path: '/proxy/other', headers })).status, 404);
  });

  it('gives switchyard check nothing to report', () => {
    assertNoDiagnostics(dir);
  });
});
