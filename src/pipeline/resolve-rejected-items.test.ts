import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveYaml } from './fixture-snapshot.ts';

const config = resolveYaml({
  file: `
http:
  routers:
    r: {rule: "Host(\`a\`)", service: broken}
    typo: {rule: "Host(\`b\`)", service: ok, priorty: 10}
  services:
    broken:
      loadBalancer:
        servers: [{url: "http://10.0.0.1"}]
        healthCheck: {interval: soon}
    ok: {loadBalancer: {servers: [{url: "http://10.0.0.2"}]}}
`,
});

test('an item that failed validation is disabled, without config, with what was written', () => {
  const broken = config.http.services.get('broken@file')!;
  assert.equal(broken.status, 'disabled');
  assert.equal(broken.config, null);
  assert.deepEqual((broken.raw as { loadBalancer: { healthCheck: unknown } }).loadBalancer.healthCheck, { interval: 'soon' });
  assert.equal(broken.diagnostics[0]!.path, 'http.services.broken.loadBalancer.healthCheck.interval');
  assert.equal(broken.errors.length, 1);
  assert.match(broken.errors[0]!, /^http\.services\.broken\.loadBalancer\.healthCheck\.interval: /);
});

test('a router using a rejected service is disabled', () => {
  const r = config.http.routers.get('r@file')!;
  assert.equal(r.status, 'disabled');
  assert.equal(r.diagnostics[0]!.code, 'ROUTER_SERVICE_DISABLED');
});

test('a rejected router is listed, disabled, with its diagnostics', () => {
  const typo = config.http.routers.get('typo@file')!;
  assert.equal(typo.status, 'disabled');
  assert.equal(typo.matcher, null);
  assert.deepEqual(typo.using, []);
  assert.equal(typo.diagnostics[0]!.code, 'CONFIG_UNKNOWN_FIELD');
});
