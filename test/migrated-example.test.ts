/**
 * The migrated configuration under examples/migrated/ (a Traefik v3 setup chaining more than
 * ten different middlewares) loads with zero disabled routers, and `switchyard check` reports
 * deliberate mistakes in a copy of it, each with its file:line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { launcher, projectRoot, staticConfig, startSwitchyard, tempDir, type SwitchyardProcess } from './support/switchyard-process.ts';

const example = join(projectRoot, 'examples', 'migrated');
const dynamicText = readFileSync(join(example, 'dynamic.yml'), 'utf8');

function check(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(launcher, ['check', ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('switchyard check passes the example as shipped', () => {
  const r = check([`--configFile=${join(example, 'traefik.yml')}`], projectRoot);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /0 error\(s\), 0 warning\(s\)/);
});

test('switchyard check reports each deliberate mistake with its file:line', () => {
  const mistakes: [string, string, RegExp][] = [
    ['"10.0.0.0/8"', '"10.0.0.0/33"', /CONFIG_INVALID_VALUE|CIDR/],
    ['"NetworkErrorRatio() > 0.5 || ResponseCodeRatio(500, 600, 0, 600) > 0.25"', '"NetworkErrorRatio() > || true"', /MIDDLEWARE_INVALID_EXPRESSION/],
    ['"bob:$2b$10$Z8W0xJCMwbRKNVMDtH/zDOjSDErREwHErqEiNszCcl/jT8wGoTQo6"', '"bob:$unknown$0123456789"', /MIDDLEWARE_INVALID_USERS/],
    ['        average: 100', '        average: lots', /CONFIG_INVALID/],
  ];
  let text = dynamicText;
  const expectedLines: number[] = [];
  for (const [from, to] of mistakes) {
    assert.ok(text.includes(from), `the example still contains ${from}`);
    text = text.replace(from, to);
    expectedLines.push(text.slice(0, text.indexOf(to)).split('\n').length);
  }
  const dir = tempDir({ 'dynamic.yml': text, 'static.yml': 'entryPoints:\n  web:\n    address: ":8000"\nproviders:\n  file:\n    filename: dynamic.yml\n' });
  const r = check([`--configFile=${join(dir, 'static.yml')}`], dir);
  assert.equal(r.status, 1, r.out);
  mistakes.forEach(([, , code], i) => {
    const line = r.out.split('\n').find((l) => l.includes(`dynamic.yml:${expectedLines[i]}:`) && code.test(l));
    assert.ok(line !== undefined, `mistake ${i + 1} reported at dynamic.yml:${expectedLines[i]} (${code}):\n${r.out}`);
  });
});

let sy: SwitchyardProcess;

before(async () => {
  const dir = tempDir({ 'dynamic.yml': dynamicText });
  writeFileSync(join(dir, 'static.yml'), staticConfig(join(dir, 'dynamic.yml')));
  sy = await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`], ['web', 'traefik']);
  await sy.waitFor((l) => l.message === 'configuration applied' && Array.isArray(l['providers']) && (l['providers'] as string[]).includes('file'));
});

after(async () => {
  await sy?.stop();
});

test('the example loads with zero disabled routers, services or middlewares', async () => {
  const api = `http://127.0.0.1:${sy.ports.get('traefik')}`;
  for (const kind of ['routers', 'services', 'middlewares']) {
    const res = await request(`${api}/api/http/${kind}?provider=file`);
    const items = await res.body.json() as { name: string; status: string; error?: string[] }[];
    assert.ok(items.length > 0, kind);
    const broken = items.filter((i) => i.status !== 'enabled').map((i) => `${i.name}: ${i.status} ${(i.error ?? []).join('; ')}`);
    assert.deepEqual(broken, [], kind);
  }
  const overview = await (await request(`${api}/api/http/middlewares?provider=file`)).body.json() as { name: string }[];
  const kinds = new Set(dynamicText.match(/^ {6}[a-zA-Z]+:$/gm)?.map((l) => l.trim()));
  assert.ok(kinds.size >= 10, `ten different middleware kinds at least, got ${[...kinds].join(', ')}`);
  assert.ok(overview.length >= 10);
});
