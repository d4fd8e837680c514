import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Measurement } from './report.ts';
import { MAX_STICKY_COST, renderStickyReport } from './sticky-report.ts';
import { measurementKey, stickySetups } from './sticky-setups.ts';
import type { ClientBehaviour, StickyProxy } from './sticky-setups.ts';
import { NO_ERRORS } from './wrk.ts';

const scenario = { bodyBytes: 100, connections: 50 } as const;

function run(proxy: StickyProxy, mode: 'round-robin' | 'sticky', behaviour: ClientBehaviour, rps: number): Measurement {
  const setup = stickySetups([proxy]).find((s) => s.key === `${proxy}-${mode}`)!;
  return {
    contender: measurementKey(setup, behaviour),
    scenario,
    result: { requests: rps * 10, requestsPerSecond: rps, p50Ms: 1, p99Ms: 2, errors: NO_ERRORS },
    rssKiB: 10240,
    proxyCores: 1,
    otherCores: 0,
  };
}

function report(switchyardSticky: { 'no-cookie': number; cookie: number }, proxies: StickyProxy[] = ['nginx', 'switchyard']) {
  return renderStickyReport({
    repeat: 1,
    facts: [],
    scenarios: [scenario],
    setups: stickySetups(proxies),
    measurements: [
      run('nginx', 'round-robin', 'no-cookie', 80_000),
      run('nginx', 'round-robin', 'cookie', 78_000),
      run('nginx', 'sticky', 'no-cookie', 79_000),
      run('nginx', 'sticky', 'cookie', 76_000),
      run('switchyard', 'round-robin', 'no-cookie', 16_000),
      run('switchyard', 'round-robin', 'cookie', 15_600),
      run('switchyard', 'sticky', 'no-cookie', switchyardSticky['no-cookie']),
      run('switchyard', 'sticky', 'cookie', switchyardSticky.cookie),
    ],
    skipped: new Map(),
  });
}

test('lists round robin, then sticky, for each selected proxy', () => {
  assert.deepEqual(
    stickySetups(['switchyard', 'haproxy']).map((s) => s.key),
    ['haproxy-round-robin', 'haproxy-sticky', 'switchyard-round-robin', 'switchyard-sticky'],
  );
  assert.equal(stickySetups(['nginx']).find((s) => s.key === 'nginx-sticky')!.insertsCookie, false);
});

test('shows each row against its own round robin and nginx round robin, per client behaviour', () => {
  const { text } = report({ 'no-cookie': 15_200, cookie: 15_444 });
  assert.match(text, /\| Switchyard \| sticky\.cookie\.name: srv \| 15,200 \| 1\.00 ms \| 2\.00 ms \| 0 \| 0\.95× \| 0\.19× \| 100% \| 0\.00 \|/);
  assert.match(text, /\| Switchyard \| sticky\.cookie\.name: srv \| 15,444 \| .* \| 0\.99× \| 0\.20× \|/);
  assert.match(text, /\| nginx \| round robin \| 80,000 \| .* \| 1\.00× \| 1\.00× \|/);
  assert.ok(text.indexOf('send no cookie') < text.indexOf('send the cookie they got'));
});

test('passes when Switchyard sticky costs at most 10% for both client behaviours', () => {
  const { text, pass } = report({ 'no-cookie': 15_200, cookie: 15_444 });
  assert.equal(pass, true);
  assert.match(text, /no cookie \(pick \+ Set-Cookie\) \*\*0\.95×\*\* \(cost 5\.0%\) · cookie sent \(lookup\) \*\*0\.99×\*\* \(cost 1\.0%\)/);
  assert.match(text, /\*\*PASS\*\*/);
});

test('fails when either behaviour costs more than 10%', () => {
  const limit = 16_000 * (1 - MAX_STICKY_COST);
  assert.equal(report({ 'no-cookie': limit - 100, cookie: 15_600 }).pass, false);
  assert.equal(report({ 'no-cookie': 16_000, cookie: 15_600 * (1 - MAX_STICKY_COST) - 100 }).pass, false);
  assert.match(report({ 'no-cookie': limit - 100, cookie: 15_600 }).text, /\*\*FAIL\*\*/);
});

test('gives no verdict when Switchyard was not selected, and says why when it did not run', () => {
  assert.equal(report({ 'no-cookie': 1, cookie: 1 }, ['nginx']).pass, undefined);
  const skipped = renderStickyReport({
    repeat: 3,
    facts: [],
    scenarios: [scenario],
    setups: stickySetups(['switchyard']),
    measurements: [],
    skipped: new Map([['switchyard-sticky', 'switchyard-sticky exited (1) before answering\n--- output ---']]),
  });
  assert.equal(skipped.pass, false);
  assert.match(skipped.text, /not measured \(switchyard-sticky exited \(1\) before answering\)/);
});
