import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveYaml } from './fixture-snapshot.ts';

const services = `
  services:
    api: {loadBalancer: {servers: [{url: "http://10.0.0.1:8080"}]}}
  middlewares:
    strip: {stripPrefix: {prefixes: [/api]}}
`;

/** Resolves one HTTP router written under `http.routers.r` of the file provider. */
function router(definition: string) {
  const config = resolveYaml({ file: `http:\n  routers:\n    r: ${definition}\n${services}` });
  return config.http.routers.get('r@file')!;
}

test('a valid router is enabled, with its rule compiled and references qualified', () => {
  const r = router('{rule: "Host(`a.example.com`)", service: api, middlewares: [strip], entryPoints: [web]}');
  assert.equal(r.status, 'enabled');
  assert.deepEqual(r.errors, []);
  assert.ok(r.matcher);
  assert.deepEqual(r.using, ['web']);
  assert.equal(r.service, 'api@file');
  assert.deepEqual(r.middlewares, ['strip@file']);
  assert.equal(r.priority, 'Host(`a.example.com`)'.length);
});

const cases: { title: string; definition: string; status: string; errors: string[]; code: string; path: string }[] = [
  {
    title: 'an unknown entry point is a warning',
    definition: '{rule: "Host(`a`)", service: api, entryPoints: [web, nope]}',
    status: 'warning', errors: ['entryPoint "nope" doesn\'t exist'], code: 'ROUTER_ENTRYPOINT_NOT_FOUND', path: 'http.routers.r.entryPoints',
  },
  {
    title: 'no valid entry point disables',
    definition: '{rule: "Host(`a`)", service: api, entryPoints: [nope]}',
    status: 'disabled', errors: ['entryPoint "nope" doesn\'t exist', 'no valid entryPoint for this router'], code: 'ROUTER_NO_ENTRYPOINT',
    path: 'http.routers.r.entryPoints',
  },
  {
    title: 'a UDP entry point does not exist for an HTTP router',
    definition: '{rule: "Host(`a`)", service: api, entryPoints: [dns]}',
    status: 'disabled', errors: ['entryPoint "dns" doesn\'t exist', 'no valid entryPoint for this router'], code: 'ROUTER_NO_ENTRYPOINT',
    path: 'http.routers.r.entryPoints',
  },
  {
    title: 'a missing service disables',
    definition: '{rule: "Host(`a`)", service: nope}',
    status: 'disabled', errors: ['the service "nope@file" does not exist'], code: 'ROUTER_SERVICE_NOT_FOUND', path: 'http.routers.r.service',
  },
  {
    title: 'a missing service of another provider disables',
    definition: '{rule: "Host(`a`)", service: api@kubernetescrd}',
    status: 'disabled', errors: ['the service "api@kubernetescrd" does not exist'], code: 'ROUTER_SERVICE_NOT_FOUND', path: 'http.routers.r.service',
  },
  {
    title: 'no service disables',
    definition: '{rule: "Host(`a`)"}',
    status: 'disabled', errors: ['the router must have either a service or child routers'], code: 'ROUTER_NO_SERVICE', path: 'http.routers.r.service',
  },
  {
    title: 'a missing middleware disables',
    definition: '{rule: "Host(`a`)", service: api, middlewares: [strip, auth]}',
    status: 'disabled', errors: ['middleware "auth@file" does not exist'], code: 'ROUTER_MIDDLEWARE_NOT_FOUND', path: 'http.routers.r.middlewares[1]',
  },
  {
    title: 'a priority above the user maximum disables',
    definition: `{rule: "Host(\`a\`)", service: api, priority: ${Number.MAX_SAFE_INTEGER}}`,
    status: 'disabled',
    errors: [`the router priority ${Number.MAX_SAFE_INTEGER} exceeds the max user-defined priority ${Number.MAX_SAFE_INTEGER - 1000}`],
    code: 'ROUTER_PRIORITY_TOO_HIGH', path: 'http.routers.r.priority',
  },
  {
    title: 'unknown TLS options disable',
    definition: '{rule: "Host(`a`)", service: api, tls: {options: modern}}',
    status: 'disabled', errors: ['unknown TLS options: modern@file'], code: 'ROUTER_TLS_OPTIONS_NOT_FOUND', path: 'http.routers.r.tls.options',
  },
  {
    title: 'parentRefs are not implemented yet',
    definition: '{rule: "Path(`/a`)", service: api, parentRefs: [parent]}',
    status: 'disabled', errors: ['multi-layer routing (parentRefs) is not implemented yet in Switchyard'],
    code: 'ROUTER_PARENT_REFS_NOT_IMPLEMENTED', path: 'http.routers.r.parentRefs',
  },
];

for (const c of cases) {
  test(c.title, () => {
    const r = router(c.definition);
    assert.equal(r.status, c.status);
    assert.deepEqual(r.errors, c.errors);
    const diagnostic = r.diagnostics.find((d) => d.code === c.code);
    assert.ok(diagnostic, `diagnostic ${c.code} in ${JSON.stringify(r.diagnostics)}`);
    assert.equal(diagnostic.path, c.path);
    assert.equal(diagnostic.resource, 'r@file');
    assert.equal(diagnostic.severity, c.status === 'disabled' ? 'error' : 'warning');
    if (c.status === 'disabled') assert.equal(r.matcher, null);
  });
}

test('an invalid rule disables the router and says where the rule is wrong', () => {
  const r = router('{rule: "Host(`a`) && Pth(`/`)", service: api}');
  assert.equal(r.status, 'disabled');
  assert.equal(r.matcher, null);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!, /^error while parsing rule Host\(`a`\) && Pth\(`\/`\): .*Pth.* \(line 1, column 14\)$/);
  assert.equal(r.diagnostics[0]!.code, 'ROUTER_RULE_INVALID');
  assert.equal(r.diagnostics[0]!.path, 'http.routers.r.rule');
});

test('an empty rule disables the router', () => {
  const r = router('{service: api}');
  assert.equal(r.status, 'disabled');
  assert.match(r.errors[0]!, /^error while parsing rule : .*empty/);
});

test('ruleSyntax v2 compiles with the v2 matchers, and the default syntax applies otherwise', () => {
  const v2 = router('{rule: "Host(`a`, `b`)", ruleSyntax: v2, service: api}');
  assert.equal(v2.status, 'enabled');
  const v3 = router('{rule: "Host(`a`, `b`)", service: api}');
  assert.equal(v3.status, 'disabled');
  const config = resolveYaml({ file: `http:\n  routers:\n    r: {rule: "Host(\`a\`, \`b\`)", service: api}\n${services}` }, { defaultRuleSyntax: 'v2' });
  assert.equal(config.http.routers.get('r@file')!.status, 'enabled');
});

test('a configured priority replaces the rule length; 0 means the rule length', () => {
  assert.equal(router('{rule: "Host(`a`)", service: api, priority: 42}').priority, 42);
  assert.equal(router('{rule: "Host(`a`)", service: api, priority: -3}').priority, -3);
  assert.equal(router('{rule: "Host(`a`)", service: api, priority: 0}').priority, 9);
});

test('a router of the internal provider may use the top priorities', () => {
  const config = resolveYaml({
    internal: `http:\n  routers:\n    ping: {rule: "PathPrefix(\`/ping\`)", service: api, priority: ${Number.MAX_SAFE_INTEGER}}\n${services}`,
  });
  assert.equal(config.http.routers.get('ping@internal')!.status, 'enabled');
});

test('a disabled service disables the routers using it, passing its errors on', () => {
  const config = resolveYaml({
    file: `
http:
  routers:
    r: {rule: "Host(\`a\`)", service: canary}
  services:
    canary: {weighted: {services: [{name: missing}]}}
`,
  });
  const r = config.http.routers.get('r@file')!;
  assert.equal(r.status, 'disabled');
  assert.deepEqual(r.errors, ['the service "missing@file" does not exist']);
  assert.equal(r.diagnostics[0]!.code, 'ROUTER_SERVICE_DISABLED');
  assert.equal(r.diagnostics[0]!.message, 'the service "canary@file" is disabled: the service "missing@file" does not exist');
});

test('a router may use a service Switchyard implements itself without configuring it', () => {
  const config = resolveYaml(
    { internal: 'http: {routers: {api: {rule: "PathPrefix(`/api`)", service: api@internal}, ping: {rule: "Path(`/ping`)", service: ping}}}' },
    { internalServices: new Set(['api@internal', 'ping@internal']) },
  );
  assert.equal(config.http.routers.get('api@internal')!.status, 'enabled');
  assert.equal(config.http.routers.get('ping@internal')!.status, 'enabled');
});
