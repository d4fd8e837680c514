import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStaticConfig } from './static.ts';

function fromEnv(env: Record<string, string>) {
  return loadStaticConfig({ argv: [], env, cwd: '/srv', readFile: () => null });
}

test('reads TRAEFIK_ variables', () => {
  const loaded = fromEnv({
    TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':8000',
    TRAEFIK_ENTRYPOINTS_WEB_FORWARDEDHEADERS_TRUSTEDIPS: '10.0.0.0/8,192.168.0.1',
    TRAEFIK_PROVIDERS_FILE_DIRECTORY: '/etc/traefik/dynamic',
    TRAEFIK_API_INSECURE: 'true',
    TRAEFIK_LOG_LEVEL: 'warn',
  });
  assert.deepEqual(loaded.diagnostics, []);
  const config = loaded.config!;
  assert.equal(config.entryPoints['web']?.address, ':8000');
  assert.deepEqual(config.entryPoints['web']?.forwardedHeaders.trustedIPs, ['10.0.0.0/8', '192.168.0.1']);
  assert.equal(config.providers.file?.directory, '/etc/traefik/dynamic');
  assert.equal(config.log.level, 'WARN');
  assert.ok(config.entryPoints['traefik']);
});

test('SWITCHYARD_ variables are read too and win over TRAEFIK_ ones', () => {
  const config = fromEnv({
    TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':8000',
    SWITCHYARD_ENTRYPOINTS_WEB_ADDRESS: ':9000',
    SWITCHYARD_PING: 'true',
  }).config!;
  assert.equal(config.entryPoints['web']?.address, ':9000');
  assert.equal(config.ping?.entryPoint, 'traefik');
});

test('variables Kubernetes injects for a Service named traefik are ignored', () => {
  const loaded = fromEnv({
    TRAEFIK_PORT: 'tcp://10.0.0.1:80',
    TRAEFIK_SERVICE_HOST: '10.0.0.1',
    TRAEFIK_PORT_80_TCP_ADDR: '10.0.0.1',
  });
  assert.deepEqual(loaded.diagnostics, []);
  assert.deepEqual(Object.keys(loaded.config!.entryPoints), ['http']);
});

test('an unknown key under a known section is an error with a suggestion', () => {
  const loaded = fromEnv({ TRAEFIK_ENTRYPOINTS_WEB_ADRESS: ':80' });
  assert.equal(loaded.config, null);
  assert.match(loaded.diagnostics.map((d) => d.message).join('\n'), /did you mean "address"/);
});
