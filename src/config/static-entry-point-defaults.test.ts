import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStaticConfig } from './static.ts';

function load(argv: string[]) {
  const loaded = loadStaticConfig({ argv, env: {}, cwd: '/', readFile: () => null });
  assert.deepEqual(loaded.diagnostics, []);
  return loaded.config!;
}

test('no entry point configured means http on :80', () => {
  const config = load([]);
  assert.deepEqual(Object.keys(config.entryPoints), ['http']);
  assert.deepEqual(config.entryPoints['http']?.listen, { host: '', port: 80, protocol: 'tcp' });
  assert.equal(config.api, undefined);
  assert.equal(config.log.level, 'ERROR');
  assert.equal(config.providers.providersThrottleDuration, 2_000);
});

test('api.insecure, ping and prometheus create the traefik entry point on :8080', () => {
  for (const flag of ['--api.insecure=true', '--ping=true', '--metrics.prometheus=true']) {
    const config = load(['--entryPoints.web.address=:80', flag]);
    assert.deepEqual(Object.keys(config.entryPoints), ['web', 'traefik'], flag);
    assert.equal(config.entryPoints['traefik']?.address, ':8080');
  }
});

test('an existing traefik entry point is kept, and other entry points for ping are not created', () => {
  let config = load(['--entryPoints.traefik.address=:9090', '--api.insecure']);
  assert.equal(config.entryPoints['traefik']?.address, ':9090');
  config = load(['--entryPoints.web.address=:80', '--ping.entryPoint=web']);
  assert.deepEqual(Object.keys(config.entryPoints), ['web']);
});

test('api without insecure does not create the traefik entry point; the dashboard defaults on', () => {
  const config = load(['--entryPoints.web.address=:80', '--api=true']);
  assert.deepEqual(Object.keys(config.entryPoints), ['web']);
  assert.equal(config.api?.dashboard, true);
});

test('entry point defaults are Traefik’s', () => {
  const web = load(['--entryPoints.web.address=:80']).entryPoints['web']!;
  assert.deepEqual(web.transport, {
    lifeCycle: { requestAcceptGraceTimeout: 0, graceTimeOut: 10_000 },
    respondingTimeouts: { readTimeout: 60_000, writeTimeout: 0, idleTimeout: 180_000 },
    keepAliveMaxRequests: 0, keepAliveMaxTime: 0,
  });
  assert.equal(web.udp.timeout, 3_000);
  assert.equal(web.http.sanitizePath, true);
  assert.equal(web.http.maxHeaderBytes, 1_048_576);
  assert.equal(web.asDefault, false);
});

test('a UDP session timeout of zero is refused, naming the field', () => {
  const loaded = loadStaticConfig({ argv: ['--entryPoints.dns.address=:5353/udp', '--entryPoints.dns.udp.timeout=0s'], env: {}, cwd: '/srv' });
  assert.equal(loaded.config, null);
  assert.ok(loaded.diagnostics.some((d) => d.path === 'entryPoints.dns.udp.timeout' && d.severity === 'error'), JSON.stringify(loaded.diagnostics));
});
