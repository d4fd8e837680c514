import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStaticConfig } from './static.ts';

function fromFlags(...argv: string[]) {
  return loadStaticConfig({ argv, env: {}, cwd: '/srv', readFile: () => null });
}

test('metrics.prometheus has Traefik\'s defaults and metrics.addInternals is off unless set', () => {
  const plain = fromFlags('--entryPoints.web.address=:80', '--metrics.prometheus=true').config!;
  assert.deepEqual(plain.metrics, {
    addInternals: false,
    prometheus: {
      buckets: [0.1, 0.3, 1.2, 5], addEntryPointsLabels: true, addRoutersLabels: false, addServicesLabels: true,
      entryPoint: 'traefik', manualRouting: false,
    },
  });
  const set = fromFlags('--entryPoints.web.address=:80', '--metrics.addinternals=true', '--metrics.prometheus.buckets=0.5,2',
    '--metrics.prometheus.headerLabels.useragent=User-Agent').config!;
  assert.equal(set.metrics?.addInternals, true);
  assert.deepEqual(set.metrics?.prometheus?.buckets, [0.5, 2]);
  assert.deepEqual(set.metrics?.prometheus?.headerLabels, { useragent: 'User-Agent' });
});

test('buckets out of order and header labels Prometheus refuses are errors naming the field', () => {
  const cases: [string, string, RegExp][] = [
    ['--metrics.prometheus.buckets=0.5,0.1', 'metrics.prometheus.buckets[1]', /increasing order, got 0.5 before 0.1/],
    ['--metrics.prometheus.buckets=1,1', 'metrics.prometheus.buckets[1]', /increasing order/],
    ['--metrics.prometheus.headerLabels.user-agent=User-Agent', 'metrics.prometheus.headerLabels.user-agent', /not a Prometheus label name/],
    ['--metrics.prometheus.headerLabels.__x=X', 'metrics.prometheus.headerLabels.__x', /not a Prometheus label name/],
    ['--metrics.prometheus.headerLabels.code=X-Code', 'metrics.prometheus.headerLabels.code', /already a label of the request metrics/],
  ];
  for (const [flag, path, message] of cases) {
    const loaded = fromFlags('--entryPoints.web.address=:80', flag);
    assert.equal(loaded.config, null, flag);
    const d = loaded.diagnostics.find((x) => x.severity === 'error');
    assert.equal(d?.path, path, flag);
    assert.match(d.message, message, flag);
  }
});
