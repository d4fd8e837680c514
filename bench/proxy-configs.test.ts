import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caddyfile, haproxyConfig, nginxProxyConfig, ROUND_ROBIN } from './proxy-configs.ts';
import type { Balancing } from './proxy-configs.ts';
import { findExecutable } from './tools.ts';

const origins = [
  { name: 'a', port: 8001 },
  { name: 'b', port: 8002 },
];
const sticky: Balancing = { kind: 'sticky-cookie', cookie: 'srv' };

/**
 * Writes `text(dir)` to `file` in a fresh folder `dir` and asserts that `tool args(dir, path)`
 * accepts it; skips when the tool is not installed.
 */
function validWith(
  t: { skip(message: string): void },
  tool: string,
  file: string,
  text: (dir: string) => string,
  args: (dir: string, path: string) => string[],
): void {
  const path = findExecutable(tool);
  if (path === undefined) {
    t.skip(`${tool} is not installed`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-config-'));
  try {
    writeFileSync(join(dir, file), text(dir));
    const result = spawnSync(path, args(dir, join(dir, file)), {
      encoding: 'utf8',
      timeout: 10_000,
      env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    });
    assert.equal(result.status, 0, `${tool} rejects the configuration:\n${result.stdout}${result.stderr}\n---\n${text(dir)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('HAProxy inserts the sticky cookie, named per server, and balances round robin otherwise', () => {
  const config = haproxyConfig(9000, origins, sticky);
  assert.match(config, /^ {2}balance roundrobin\n {2}cookie srv insert indirect nocache\n {2}server a 127\.0\.0\.1:8001 cookie a\n {2}server b 127\.0\.0\.1:8002 cookie b\n/m);
  const plain = haproxyConfig(9000, origins);
  assert.doesNotMatch(plain, /cookie/);
  assert.match(plain, /^ {2}server a 127\.0\.0\.1:8001\n/m);
});

test('Caddy uses lb_policy cookie with the cookie name, round_robin otherwise', () => {
  assert.match(caddyfile(9000, origins, sticky), /^ {4}lb_policy cookie srv\n/m);
  assert.match(caddyfile(9000, origins, ROUND_ROBIN), /^ {4}lb_policy round_robin\n/m);
});

test('nginx hashes the cookie consistently (it cannot insert one) and keeps its paths under its own name', () => {
  const config = nginxProxyConfig('/tmp/x', 9000, origins, sticky, 'nginx-sticky');
  assert.match(config, /upstream origins \{\n {4}hash \$cookie_srv consistent;\n {4}server 127\.0\.0\.1:8001;/);
  assert.match(config, /^pid \/tmp\/x\/nginx-sticky\.pid;$/m);
  assert.match(config, /proxy_temp_path \/tmp\/x\/nginx-sticky-proxy;/);
  assert.doesNotMatch(nginxProxyConfig('/tmp/x', 9000, origins), /hash/);
});

for (const balancing of [ROUND_ROBIN, sticky]) {
  test(`haproxy -c accepts the ${balancing.kind} configuration`, (t) => {
    validWith(t, 'haproxy', 'haproxy.cfg', () => haproxyConfig(9000, origins, balancing), (_dir, path) => ['-c', '-q', '-f', path]);
  });

  test(`caddy adapt accepts the ${balancing.kind} Caddyfile`, (t) => {
    validWith(t, 'caddy', 'Caddyfile', () => caddyfile(9000, origins, balancing), (_dir, path) => ['adapt', '--config', path, '--adapter', 'caddyfile']);
  });

  test(`nginx -t accepts the ${balancing.kind} proxy configuration`, (t) => {
    validWith(t, 'nginx', 'nginx.conf', (dir) => nginxProxyConfig(dir, 9000, origins, balancing), (dir, path) => [
      '-t',
      '-q',
      '-p',
      `${dir}/`,
      '-c',
      path,
      '-e',
      join(dir, 'error.log'),
    ]);
  });
}
