/**
 * End to end: the seed-000 user's Traefik 1.x dynamic file (a backend with
 * `[loadbalancer.stickiness] cookieName = "gls-test"` and `method = "drr"`) served unchanged by
 * the real binary: the route matches, the cookie is set with the configured name and pins.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { startBackend, type Backend } from './support/backends.ts';
import { startSwitchyard, staticConfig, tempDir, type SwitchyardProcess } from './support/switchyard-process.ts';

let sy: SwitchyardProcess;
let web: string;
const servers: Backend[] = [];

before(async () => {
  for (const name of ['gls-0', 'gls-1']) {
    servers.push(await startBackend(name, (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(name)));
  }
  const dir = tempDir();
  const dynamic = join(dir, 'rules.toml');
  writeFileSync(dynamic, `
[backends]
  [backends.gls]
    [backends.gls.loadbalancer]
      method = "drr"
      [backends.gls.loadbalancer.stickiness]
        cookieName = "gls-test"
    [backends.gls.servers.server1]
      url = "${servers[0]!.url}"
      weight = 1
    [backends.gls.servers.server2]
      url = "${servers[1]!.url}"
      weight = 1

[frontends]
  [frontends.gls]
    backend = "gls"
    passHostHeader = true
    [frontends.gls.routes.main]
      rule = "Host:gls.example.com;PathPrefix:/gls"
`);
  writeFileSync(join(dir, 'static.yml'), staticConfig(dynamic));
  sy = await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`], ['web']);
  await sy.waitFor((l) => l.message === 'configuration applied' && Array.isArray(l['providers']) && (l['providers'] as string[]).includes('file'));
  web = `http://127.0.0.1:${sy.ports.get('web')}`;
});

after(async () => {
  await sy?.stop();
  await Promise.all(servers.map((s) => s.close()));
});

test('a Traefik 1.x file with stickiness and drr serves the route with the configured cookie', async () => {
  const miss = await request(`${web}/other`, { headers: { host: 'gls.example.com' } });
  assert.equal(miss.statusCode, 404, 'PathPrefix:/gls is part of the rule');
  await miss.body.text();

  const first = await request(`${web}/gls/`, { headers: { host: 'gls.example.com' } });
  const server = await first.body.text();
  const setCookie = String(first.headers['set-cookie']);
  assert.match(setCookie, /^gls-test=[0-9a-f]{16}; Path=\/$/);
  for (let i = 0; i < 6; i++) {
    const r = await request(`${web}/gls/x`, { headers: { host: 'gls.example.com', cookie: setCookie.split(';')[0]! } });
    assert.equal(await r.body.text(), server);
    assert.equal(r.headers['set-cookie'], undefined);
  }
  // 1.x cookies held the raw server URL: still honoured, and rewritten.
  const legacy = await request(`${web}/gls/`, { headers: { host: 'gls.example.com', cookie: `gls-test=${servers[1]!.url}` } });
  assert.equal(await legacy.body.text(), 'gls-1');
  assert.match(String(legacy.headers['set-cookie']), /^gls-test=[0-9a-f]{16}; Path=\/$/);
});
