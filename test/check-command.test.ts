/**
 * End to end: `switchyard check` validates static and dynamic configuration offline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launcher, tempDir } from './support/switchyard-process.ts';

function check(files: Record<string, string>): { status: number | null; out: string } {
  const dir = tempDir(files);
  const r = spawnSync(launcher, ['check', `--configFile=${join(dir, 'static.yml')}`], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

const goodStatic = `
entryPoints:
  web:
    address: ":8000"
providers:
  file:
    filename: dynamic.yml
`;

test('a valid configuration passes with exit status 0', () => {
  const r = check({
    'static.yml': goodStatic,
    'dynamic.yml': `
http:
  routers:
    app:
      rule: "Host(\`app.example\`)"
      service: app
  services:
    app:
      loadBalancer:
        servers: [{url: "http://10.0.0.1:8080"}]
`,
  });
  assert.equal(r.status, 0, r.out);
});

test('errors are printed with code, path, file:line:column and exit status 1', () => {
  const r = check({
    'static.yml': goodStatic,
    'dynamic.yml': `
http:
  routers:
    app:
      rule: "Host(\`app.example\`"
      service: app
  services:
    app:
      loadBalancer:
        servers: [{url: "http://10.0.0.1:8080"}]
        healthCheck:
          interval: 0s
`,
  });
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /dynamic\.yml:\d+:\d+: error/);
  assert.match(r.out, /http\.services\.app\.loadBalancer\.healthCheck\.interval/);
  assert.match(r.out, /app@file/);
});

test('an unknown static key is an error that suggests the nearest valid key', () => {
  const r = check({ 'static.yml': goodStatic.replace('entryPoints', 'entryPoint'), 'dynamic.yml': '' });
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /entryPoints/);
});

test('a service whose own middleware cannot be built is disabled with the field\'s line; the rest still checks', () => {
  const r = check({
    'static.yml': goodStatic,
    'dynamic.yml': `
http:
  routers:
    app:
      rule: "Host(\`app.example\`)"
      service: app
    other:
      rule: "Host(\`other.example\`)"
      service: other
  middlewares:
    bad-rewrite:
      replacePathRegex:
        regex: "^/(unclosed"
        replacement: "/x"
  services:
    app:
      middlewares: [bad-rewrite]
      loadBalancer:
        servers: [{url: "http://10.0.0.1:8080"}]
    other:
      loadBalancer:
        servers: [{url: "http://10.0.0.2:8080"}]
`,
  });
  assert.equal(r.status, 1, r.out);
  assert.doesNotMatch(r.out, /\n\s+at /, 'no stack trace');
  assert.match(r.out, /dynamic\.yml:13:\d+: error MIDDLEWARE_INVALID_REGEX http\.middlewares\.bad-rewrite\.replacePathRegex\.regex/);
  assert.match(r.out, /ROUTER_SERVICE_UNAVAILABLE http\.routers\.app\.service/);
  assert.doesNotMatch(r.out, /http\.routers\.other/);
});
