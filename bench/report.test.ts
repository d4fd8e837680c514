import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatErrors, median, renderReport, summarize } from './report.ts';
import type { Measurement } from './report.ts';
import type { ContenderName } from './contenders.ts';
import { NO_ERRORS } from './wrk.ts';

const scenario = { bodyBytes: 100, connections: 50 } as const;

function run(contender: ContenderName, rps: number, errors = NO_ERRORS): Measurement {
  return { contender, scenario, result: { requests: rps * 10, requestsPerSecond: rps, p50Ms: 1, p99Ms: 2, errors }, rssKiB: 10240, proxyCores: 0.99, otherCores: 0.01 };
}

test('takes the median, averaging the middle pair for an even count', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('sums errors over runs instead of taking a median', () => {
  const rows = summarize([run('nginx', 100, { ...NO_ERRORS, timeout: 2 }), run('nginx', 90), run('nginx', 80, { ...NO_ERRORS, timeout: 1, read: 4 })], scenario);
  const nginx = rows.get('nginx')!;
  assert.equal(nginx.requestsPerSecond, 90);
  assert.equal(formatErrors(nginx.errors), 'read 4, timeout 3');
});

test('shows ratios to nginx and the Switchyard ratios', () => {
  const report = renderReport({
    title: 't',
    repeat: 1,
    facts: [],
    scenarios: [scenario],
    contenders: [
      { name: 'nginx', label: 'nginx' },
      { name: 'caddy', label: 'Caddy' },
      { name: 'bare-relay', label: 'bare relay' },
      { name: 'switchyard', label: 'Switchyard' },
    ],
    measurements: [run('nginx', 1000), run('caddy', 400), run('bare-relay', 250), run('switchyard', 200)],
    skipped: new Map(),
  });
  assert.match(report, /\| Switchyard \| 200 \| 1\.00 ms \| 2\.00 ms \| 0 \| 10\.0 MiB \| 0\.20× \| 99% \| 0\.01 \|/);
  assert.match(report, /Switchyard \/ Caddy: \*\*0\.50×\*\* · Switchyard \/ bare relay: \*\*0\.80×\*\*/);
});

test('puts the raw engine beside nginx, Caddy and the node engine when it was measured', () => {
  const report = renderReport({
    title: 't',
    repeat: 1,
    facts: [],
    scenarios: [scenario],
    contenders: [
      { name: 'nginx', label: 'nginx' },
      { name: 'caddy', label: 'Caddy' },
      { name: 'switchyard', label: 'Switchyard' },
      { name: 'switchyard-raw', label: 'Switchyard (raw engine)' },
    ],
    measurements: [run('nginx', 1000), run('caddy', 200), run('switchyard', 250), run('switchyard-raw', 500)],
    skipped: new Map(),
  });
  assert.match(report, /\| Switchyard \(raw engine\) \| 500 \|/);
  assert.match(report, /Switchyard \(raw engine\) \/ nginx: \*\*0\.50×\*\* · \/ Caddy: \*\*2\.50×\*\* · \/ Switchyard \(node engine\): \*\*2\.00×\*\*/);
});

test('says why Switchyard was not measured', () => {
  const report = renderReport({
    title: 't',
    repeat: 3,
    facts: [],
    scenarios: [scenario],
    contenders: [{ name: 'nginx', label: 'nginx' }],
    measurements: [run('nginx', 1000)],
    skipped: new Map([['switchyard', 'switchyard exited (1) before answering\n--- output ---']]),
  });
  assert.match(report, /not measured \(switchyard exited \(1\) before answering\)/);
  assert.match(report, /req\/s min–max/);
});
