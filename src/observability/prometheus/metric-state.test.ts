import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusSchema } from '../../config/static-api.ts';
import type { RuntimeConfig } from '../../config/runtime.ts';
import { newExchangeLog, type Exchange } from '../../lib/exchange.ts';
import { createMetricRegistry } from './metric-registry.ts';
import { createPrometheusMetrics } from './prometheus-metrics.ts';

test('addState sums counters, gauges and histogram buckets, creating families it lacks', () => {
  const worker = createMetricRegistry();
  worker.counter('requests_total', 'Requests.', ['code']).series(['200']).value = 3;
  worker.gauge('open', 'Open.', []).series([]).value = 2;
  worker.histogram('duration_seconds', 'Duration.', ['code'], [0.1, 1]).series(['200']).observe(0.5);
  const sum = createMetricRegistry();
  sum.counter('requests_total', 'Requests.', ['code']).series(['200']).value = 1;
  sum.addState(worker.exportState());
  sum.addState(worker.exportState());
  assert.equal(sum.render(), [
    '# HELP duration_seconds Duration.', '# TYPE duration_seconds histogram',
    'duration_seconds_bucket{code="200",le="0.1"} 0', 'duration_seconds_bucket{code="200",le="1"} 2',
    'duration_seconds_bucket{code="200",le="+Inf"} 2', 'duration_seconds_sum{code="200"} 1', 'duration_seconds_count{code="200"} 2',
    '# HELP open Open.', '# TYPE open gauge', 'open 4',
    '# HELP requests_total Requests.', '# TYPE requests_total counter', 'requests_total{code="200"} 7', '',
  ].join('\n'));
});

test('addState skips a family defined differently here', () => {
  const worker = createMetricRegistry();
  worker.histogram('duration_seconds', 'Duration.', [], [0.1, 1]).series([]).observe(0.5);
  worker.counter('requests_total', 'Requests.', ['code']).series(['200']).value = 3;
  const sum = createMetricRegistry();
  sum.histogram('duration_seconds', 'Duration.', [], [0.5]).series([]);
  sum.counter('requests_total', 'Requests.', ['method']).series(['GET']).value = 1;
  sum.addState(worker.exportState());
  assert.match(sum.render(), /duration_seconds_count 0\n/);
  assert.match(sum.render(), /requests_total\{method="GET"\} 1\n/);
});

test('a control plane\'s scrape adds up its workers\' series, except the families it alone knows', () => {
  const options = {
    config: prometheusSchema.parse({}), addInternals: false, live: { serverStatus: () => undefined },
    entryPoints: [{ name: 'web', protocol: 'TCP' as const, metrics: true }],
  };
  const runtime = { http: { routers: new Map(), services: new Map() } } as unknown as RuntimeConfig;
  const log = { ...newExchangeLog(0n, '/', ''), downstreamStatus: 200 };
  const request = { request: { method: 'GET', headers: [], entryPoint: 'web' }, body: null, upgrade: null, log } as unknown as Exchange;
  const worker = createPrometheusMetrics(options);
  worker.configurationApplied(runtime);
  worker.record(request, 1_000_000n);
  const states = [worker.exportState(), worker.exportState()];
  const control = createPrometheusMetrics({ ...options, otherProcesses: () => states });
  control.configurationApplied(runtime);
  const text = control.scrape();
  assert.match(text, /^traefik_entrypoint_requests_total\{code="200",entrypoint="web",method="GET",protocol="http"\} 2$/m);
  // Each worker applied the configuration too: reloads are the control plane's count.
  assert.match(text, /^traefik_config_reloads_total 1$/m);
  assert.equal(text.match(/^process_start_time_seconds /gm)?.length, 1);
});
