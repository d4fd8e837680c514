import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './tools.ts';
import { alternatingCookiesScript } from './wrk-scripts.ts';

test('lists the cookies as Lua strings, escaping quotes and backslashes', () => {
  const script = alternatingCookiesScript(['srv=a', 'srv="b\\c"']);
  assert.match(script, /^local cookies = \{ "srv=a", "srv=\\"b\\\\c\\"" \}$/m);
});

test('refuses what it cannot write as a Lua string, and an empty list', () => {
  assert.throws(() => alternatingCookiesScript(['srv=\n']), /printable ASCII/);
  assert.throws(() => alternatingCookiesScript([]), /at least one/);
});

test('makes wrk send each cookie in turn, keeping the -H headers', async (t) => {
  const wrk = findExecutable('wrk');
  if (wrk === undefined) {
    t.skip('wrk is not installed');
    return;
  }
  const seen = new Map<string, number>();
  const hosts = new Set<string | undefined>();
  const server = createServer((req, res) => {
    const cookie = req.headers.cookie ?? '(none)';
    seen.set(cookie, (seen.get(cookie) ?? 0) + 1);
    hosts.add(req.headers.host);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-wrk-script-'));
  try {
    const file = join(dir, 'cookies.lua');
    writeFileSync(file, alternatingCookiesScript(['srv=a', 'srv=b']));
    const { port } = server.address() as AddressInfo;
    // One connection, one second: a bounded run on loopback.
    const child = spawn(wrk, ['-t1', '-c1', '-d1s', '-H', 'Host: bench.example', '-s', file, `http://127.0.0.1:${port}/`], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  assert.deepEqual([...seen.keys()].sort(), ['srv=a', 'srv=b']);
  const [a, b] = [seen.get('srv=a')!, seen.get('srv=b')!];
  assert.ok(Math.abs(a - b) <= 1, `srv=a ${a} times, srv=b ${b} times`);
  assert.deepEqual([...hosts], ['bench.example']);
});
