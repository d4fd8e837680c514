import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricRegistry } from './metric-registry.ts';

test('renders counters, gauges and histograms in the text format, families and series sorted, labels in name order', () => {
  const r = createMetricRegistry();
  const requests = r.counter('b_requests_total', 'How many requests.', ['service', 'code']);
  requests.series(['web', '200']).value += 7;
  requests.series(['api', '502']).value += 3;
  requests.series(['api', '200']).value += 1;
  r.gauge('a_up', 'Up or not.', []).series([]).value = 1;
  const h = r.histogram('c_duration_seconds', 'How long.', ['code'], [0.1, 0.3, 1.2, 5]);
  for (const v of [0.05, 0.1, 0.2, 2, 9]) h.series(['200']).observe(v);
  assert.equal(r.render(), `# HELP a_up Up or not.
# TYPE a_up gauge
a_up 1
# HELP b_requests_total How many requests.
# TYPE b_requests_total counter
b_requests_total{code="200",service="api"} 1
b_requests_total{code="200",service="web"} 7
b_requests_total{code="502",service="api"} 3
# HELP c_duration_seconds How long.
# TYPE c_duration_seconds histogram
c_duration_seconds_bucket{code="200",le="0.1"} 2
c_duration_seconds_bucket{code="200",le="0.3"} 3
c_duration_seconds_bucket{code="200",le="1.2"} 3
c_duration_seconds_bucket{code="200",le="5"} 4
c_duration_seconds_bucket{code="200",le="+Inf"} 5
c_duration_seconds_sum{code="200"} 11.35
c_duration_seconds_count{code="200"} 5
`);
});

test('a histogram without labels writes only le on its buckets and no braces on sum and count', () => {
  const r = createMetricRegistry();
  r.histogram('h', 'H.', [], [1]).series([]).observe(3);
  assert.equal(r.render(), '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="+Inf"} 1\nh_sum 3\nh_count 1\n');
});

test('a value on a bucket bound counts in that bucket (le is inclusive)', () => {
  const r = createMetricRegistry();
  const s = r.histogram('h', 'H.', [], [0.1, 0.3]).series([]);
  s.observe(0.1);
  s.observe(0.3);
  s.observe(0.30000000000000004);
  assert.deepEqual(s.counts, [1, 1, 1]);
});

test('label values and help texts are escaped', () => {
  const r = createMetricRegistry();
  r.counter('x_total', 'Line one\nand a \\ backslash', ['url']).series(['http://h/"q"\\\n']).value = 2;
  assert.equal(r.render(), '# HELP x_total Line one\\nand a \\\\ backslash\n# TYPE x_total counter\nx_total{url="http://h/\\"q\\"\\\\\\n"} 2\n');
});

test('families with no series are left out', () => {
  const r = createMetricRegistry();
  r.counter('empty_total', 'Nothing yet.', ['a']);
  assert.equal(r.render(), '');
});

test('deleteMatching removes the series whose labels all match, in every family that has those labels', () => {
  const r = createMetricRegistry();
  const a = r.counter('a_total', 'A.', ['router', 'service']);
  const b = r.histogram('b_seconds', 'B.', ['router'], [1]);
  const c = r.counter('c_total', 'C.', ['service']);
  a.series(['r1', 's1']).value = 1;
  a.series(['r2', 's1']).value = 1;
  b.series(['r1']).observe(0.5);
  c.series(['s1']).value = 1;
  assert.equal(r.deleteMatching({ router: 'r1' }), 2);
  assert.equal(a.size, 1);
  assert.equal(b.size, 0);
  assert.equal(c.size, 1);
  assert.equal(r.deleteMatching({ router: 'r2', service: 's9' }), 0);
  assert.equal(r.deleteMatching({ router: 'r2', service: 's1' }), 1);
});

test('past its series limit a family records into nothing and says how many observations it dropped', () => {
  const r = createMetricRegistry({ maxSeriesPerFamily: 2 });
  const f = r.counter('hdr_total', 'By header.', ['agent']);
  for (const agent of ['a', 'b', 'c', 'd', 'a']) f.series([agent]).value++;
  assert.equal(f.size, 2);
  assert.equal(r.render(), `# HELP hdr_total By header.
# TYPE hdr_total counter
hdr_total{agent="a"} 2
hdr_total{agent="b"} 1
# HELP switchyard_metrics_series_dropped_total Observations not recorded because their metric reached its limit of series, by metric.
# TYPE switchyard_metrics_series_dropped_total counter
switchyard_metrics_series_dropped_total{metric="hdr_total"} 2
`);
});

test('wrong label counts, bad names and buckets out of order are refused (bugs, not user input)', () => {
  const r = createMetricRegistry();
  const f = r.counter('ok_total', 'Ok.', ['a']);
  assert.throws(() => f.series([]), /takes 1 label values, got 0/);
  assert.throws(() => r.counter('bad-name', 'x', []), /invalid metric name/);
  assert.throws(() => r.counter('x_total', 'x', ['le']), /invalid label name/);
  assert.throws(() => r.counter('ok_total', 'again', []), /registered twice/);
  assert.throws(() => r.histogram('h', 'x', [], [1, 1]), /increasing/);
});
