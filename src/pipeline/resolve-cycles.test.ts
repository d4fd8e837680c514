import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveYaml } from './fixture-snapshot.ts';

test('a chain that includes itself disables every middleware of the loop and the routers using them', () => {
  const config = resolveYaml({
    file: `
http:
  routers:
    r: {rule: "Host(\`a\`)", service: api, middlewares: [outer]}
  middlewares:
    outer: {chain: {middlewares: [a]}}
    a: {chain: {middlewares: [b]}}
    b: {chain: {middlewares: [a]}}
  services:
    api: {loadBalancer: {servers: [{url: "http://10.0.0.1"}]}}
`,
  });
  const mw = (name: string) => config.http.middlewares.get(`${name}@file`)!;
  assert.equal(mw('a').status, 'disabled');
  assert.deepEqual(mw('a').errors, ['could not instantiate middleware a@file: recursion detected in a@file->b@file->a@file']);
  assert.deepEqual(mw('b').errors, ['could not instantiate middleware b@file: recursion detected in b@file->a@file->b@file']);
  assert.equal(mw('a').diagnostics[0]!.code, 'MIDDLEWARE_RECURSION');
  assert.equal(mw('outer').status, 'disabled');
  assert.equal(mw('outer').diagnostics[0]!.code, 'MIDDLEWARE_CHAIN_DISABLED');
  assert.equal(config.http.routers.get('r@file')!.status, 'disabled');
  assert.equal(config.http.services.get('api@file')!.status, 'enabled');
});

test('a chain naming itself is a loop', () => {
  const config = resolveYaml({ file: 'http: {middlewares: {self: {chain: {middlewares: [self]}}}}' });
  assert.deepEqual(config.http.middlewares.get('self@file')!.errors, ['could not instantiate middleware self@file: recursion detected in self@file->self@file']);
});

test('weighted recursion disables the services on the loop, not their healthy children', () => {
  const config = resolveYaml({
    file: `
http:
  services:
    top: {weighted: {services: [{name: middle}, {name: leaf}]}}
    middle: {weighted: {services: [{name: top}]}}
    leaf: {loadBalancer: {servers: [{url: "http://10.0.0.1"}]}}
`,
  });
  const svc = (name: string) => config.http.services.get(`${name}@file`)!;
  assert.deepEqual(svc('top').errors, ['could not instantiate service top@file: recursion detected in top@file->middle@file->top@file']);
  assert.deepEqual(svc('middle').errors, ['could not instantiate service middle@file: recursion detected in middle@file->top@file->middle@file']);
  assert.equal(svc('top').diagnostics[0]!.code, 'SERVICE_RECURSION');
  assert.equal(svc('leaf').status, 'enabled');
});

test('mirroring and failover loops are detected', () => {
  const config = resolveYaml({
    file: `
http:
  services:
    shadow: {mirroring: {service: main, mirrors: [{name: shadow, percent: 5}]}}
    main: {loadBalancer: {servers: [{url: "http://10.0.0.1"}]}}
    ha: {failover: {service: main, fallback: backup}}
    backup: {failover: {service: main, fallback: ha}}
`,
  });
  assert.match(config.http.services.get('shadow@file')!.errors[0]!, /recursion detected in shadow@file->shadow@file/);
  assert.match(config.http.services.get('ha@file')!.errors[0]!, /recursion detected in ha@file->backup@file->ha@file/);
  assert.equal(config.http.services.get('main@file')!.status, 'enabled');
});

test('a loop through the errors middleware and a service\'s middlewares is detected', () => {
  const config = resolveYaml({
    file: `
http:
  middlewares:
    pages: {errors: {status: ["500-599"], service: errors-svc}}
  services:
    errors-svc:
      loadBalancer: {servers: [{url: "http://10.0.0.9"}]}
      middlewares: [pages]
`,
  });
  assert.deepEqual(config.http.middlewares.get('pages@file')!.errors, [
    'could not instantiate middleware pages@file: recursion detected in pages@file->errors-svc@file->pages@file',
  ]);
  assert.deepEqual(config.http.services.get('errors-svc@file')!.errors, [
    'could not instantiate service errors-svc@file: recursion detected in errors-svc@file->pages@file->errors-svc@file',
  ]);
});

test('a service above a broken child is disabled however deep', () => {
  const config = resolveYaml({
    file: `
http:
  services:
    a: {weighted: {services: [{name: b}]}}
    b: {weighted: {services: [{name: c}]}}
    c: {weighted: {services: [{name: gone}]}}
`,
  });
  for (const name of ['a', 'b', 'c']) {
    assert.equal(config.http.services.get(`${name}@file`)!.status, 'disabled', name);
    assert.deepEqual(config.http.services.get(`${name}@file`)!.errors, ['the service "gone@file" does not exist'], name);
  }
  assert.equal(config.http.services.get('a@file')!.diagnostics[0]!.message, 'the service "b@file" is disabled: the service "gone@file" does not exist');
});
