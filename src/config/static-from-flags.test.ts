import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStaticConfig } from './static.ts';

function fromFlags(...argv: string[]) {
  return loadStaticConfig({ argv, env: {}, cwd: '/srv', readFile: () => null });
}

test('reads entry points, providers, api, log and access log from flags', () => {
  const loaded = fromFlags(
    '--entryPoints.web.address=:8000',
    '--entryPoints.web.forwardedHeaders.trustedIPs=1.2.3.4,10.0.0.0/8',
    '--entryPoints.web.transport.lifeCycle.graceTimeOut=5s',
    '--providers.file.filename=/etc/traefik/dynamic.yml',
    '--providers.providersThrottleDuration=500ms',
    '--api.insecure',
    '--log.level=DEBUG',
    '--accesslog=true',
    '--accesslog.format=json',
  );
  assert.deepEqual(loaded.diagnostics, []);
  assert.equal(loaded.configFile, null);
  const config = loaded.config!;
  const web = config.entryPoints['web']!;
  assert.equal(web.address, ':8000');
  assert.deepEqual(web.forwardedHeaders.trustedIPs, ['1.2.3.4', '10.0.0.0/8']);
  assert.equal(web.transport.lifeCycle.graceTimeOut, 5_000);
  assert.equal(config.providers.file?.filename, '/etc/traefik/dynamic.yml');
  assert.equal(config.providers.providersThrottleDuration, 500);
  assert.equal(config.api?.insecure, true);
  assert.equal(config.api?.dashboard, true);
  assert.equal(config.log.level, 'DEBUG');
  assert.equal(config.accessLog?.format, 'json');
  assert.deepEqual(Object.keys(config.entryPoints), ['web', 'traefik']);
});

test('flag keys are case-insensitive; entry point names keep their case', () => {
  const config = fromFlags('--ENTRYPOINTS.WebSecure.ADDRESS=:443', '--entrypoints.WebSecure.asdefault=true').config!;
  assert.deepEqual(Object.keys(config.entryPoints), ['WebSecure']);
  assert.equal(config.entryPoints['WebSecure']?.address, ':443');
  assert.equal(config.entryPoints['WebSecure']?.asDefault, true);
});

test('a bare section flag enables it with defaults', () => {
  const config = fromFlags('--entryPoints.web.address=:80', '--ping', '--metrics.prometheus=true', '--accesslog').config!;
  assert.equal(config.ping?.entryPoint, 'traefik');
  assert.equal(config.metrics?.prometheus?.entryPoint, 'traefik');
  assert.equal(config.accessLog?.format, 'common');
});

test('indexed flags build lists of objects', () => {
  const config = fromFlags(
    '--entryPoints.websecure.address=:443',
    '--entryPoints.websecure.http.tls.domains[0].main=example.com',
    '--entryPoints.websecure.http.tls.domains[0].sans=*.example.com,example.org',
  ).config!;
  assert.deepEqual(config.entryPoints['websecure']?.http.tls?.domains, [{ main: 'example.com', sans: ['*.example.com', 'example.org'] }]);
});

test('an unknown flag is an error naming the nearest key', () => {
  const loaded = fromFlags('--entryPoints.web.adress=:80');
  assert.equal(loaded.config, null);
  const unknown = loaded.diagnostics.find((d) => d.code === 'CONFIG_UNKNOWN_FIELD');
  assert.equal(unknown?.path, 'entryPoints.web.adress');
  assert.equal(unknown?.message, 'unknown field "adress"; did you mean "address"?');
});

test('a stray argument is an error', () => {
  const loaded = fromFlags('--api.insecure', 'true');
  assert.equal(loaded.config, null);
  assert.equal(loaded.diagnostics[0]?.code, 'STATIC_INVALID_FLAG');
});
