import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { gunzipSync } from 'node:zlib';
import { prometheusSchema } from '../../config/static-api.ts';
import type { LiveViews, RuntimeConfig, ServerStatus } from '../../config/runtime.ts';
import { newExchangeLog, type Exchange, type TlsFacts } from '../../lib/exchange.ts';
import { createTestCa } from '../../../test/support/certs.ts';
import { createPrometheusMetrics, type PrometheusMetricsOptions } from './prometheus-metrics.ts';

interface Sent {
  readonly entryPoint?: string;
  readonly method?: string;
  readonly headers?: string[];
  readonly router?: string;
  readonly service?: string;
  readonly status?: number;
  readonly bytesOut?: number;
  readonly body?: number;
  readonly retries?: number;
  readonly tls?: TlsFacts;
  readonly ns?: bigint;
}

/** A finished exchange as the entry point hands it to onDone. */
function finished(s: Sent): Exchange {
  const log = newExchangeLog(0n, '/', '');
  log.routerName = s.router ?? '';
  log.serviceName = s.service ?? '';
  log.downstreamStatus = s.status ?? 200;
  log.downstreamContentSize = s.bytesOut ?? 0;
  log.requestContentSize = s.body ?? 0;
  log.retryAttempts = s.retries ?? 0;
  return {
    request: { method: s.method ?? 'GET', headers: s.headers ?? [], entryPoint: s.entryPoint ?? 'web', tls: s.tls },
    body: null,
    upgrade: null,
    log,
  } as unknown as Exchange;
}

function runtime(routers: Record<string, { service: string; metrics?: boolean }>, services: string[]): RuntimeConfig {
  const r = new Map(Object.entries(routers).map(([name, v]) => [name, {
    name, service: v.service, config: v.metrics === undefined ? {} : { observability: { metrics: v.metrics } },
  }]));
  return { http: { routers: r, services: new Map(services.map((s) => [s, {}])) } } as unknown as RuntimeConfig;
}

const noLive: LiveViews = { serverStatus: () => undefined };

function metrics(prometheus: Record<string, unknown> = {}, more: Partial<PrometheusMetricsOptions> = {}) {
  return createPrometheusMetrics({
    config: prometheusSchema.parse(prometheus),
    addInternals: false,
    entryPoints: [{ name: 'web', protocol: 'TCP', metrics: true }, { name: 'traefik', protocol: 'TCP', metrics: true }],
    live: noLive,
    now: () => 1_700_000_000_500,
    ...more,
  });
}

/** The scrape without the process_* families (their values are the test process's). */
function scrape(m: { scrape(): string }): string {
  return m.scrape().split(/(?=# HELP )/).filter((f) => !f.startsWith('# HELP process_')).join('');
}

/** The sample lines of one metric name (exact name, any labels). */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

test('a scrape reads exactly like Traefik\'s for entry point and service metrics (default options)', () => {
  const m = metrics();
  m.configurationApplied(runtime({ 'a@file': { service: 's@file' } }, ['s@file']));
  for (let i = 0; i < 2; i++) m.record(finished({ router: 'a@file', service: 's@file', bytesOut: 5, ns: 0n }), 50_000_000n);
  m.record(finished({ router: 'a@file', service: 's@file', status: 502, method: 'POST', body: 11, bytesOut: 21 }), 2_000_000_000n);
  assert.equal(scrape(m), `# HELP traefik_config_last_reload_success Last config reload success
# TYPE traefik_config_last_reload_success gauge
traefik_config_last_reload_success 1.7e+09
# HELP traefik_config_reloads_total Config reloads
# TYPE traefik_config_reloads_total counter
traefik_config_reloads_total 1
# HELP traefik_entrypoint_request_duration_seconds How long it took to process the request on an entrypoint, partitioned by status code, protocol, and method.
# TYPE traefik_entrypoint_request_duration_seconds histogram
traefik_entrypoint_request_duration_seconds_bucket{code="200",entrypoint="web",method="GET",protocol="http",le="0.1"} 2
traefik_entrypoint_request_duration_seconds_bucket{code="200",entrypoint="web",method="GET",protocol="http",le="0.3"} 2
traefik_entrypoint_request_duration_seconds_bucket{code="200",entrypoint="web",method="GET",protocol="http",le="1.2"} 2
traefik_entrypoint_request_duration_seconds_bucket{code="200",entrypoint="web",method="GET",protocol="http",le="5"} 2
traefik_entrypoint_request_duration_seconds_bucket{code="200",entrypoint="web",method="GET",protocol="http",le="+Inf"} 2
traefik_entrypoint_request_duration_seconds_sum{code="200",entrypoint="web",method="GET",protocol="http"} 0.1
traefik_entrypoint_request_duration_seconds_count{code="200",entrypoint="web",method="GET",protocol="http"} 2
traefik_entrypoint_request_duration_seconds_bucket{code="502",entrypoint="web",method="POST",protocol="http",le="0.1"} 0
traefik_entrypoint_request_duration_seconds_bucket{code="502",entrypoint="web",method="POST",protocol="http",le="0.3"} 0
traefik_entrypoint_request_duration_seconds_bucket{code="502",entrypoint="web",method="POST",protocol="http",le="1.2"} 0
traefik_entrypoint_request_duration_seconds_bucket{code="502",entrypoint="web",method="POST",protocol="http",le="5"} 1
traefik_entrypoint_request_duration_seconds_bucket{code="502",entrypoint="web",method="POST",protocol="http",le="+Inf"} 1
traefik_entrypoint_request_duration_seconds_sum{code="502",entrypoint="web",method="POST",protocol="http"} 2
traefik_entrypoint_request_duration_seconds_count{code="502",entrypoint="web",method="POST",protocol="http"} 1
# HELP traefik_entrypoint_requests_bytes_total The total size of requests in bytes handled by an entrypoint, partitioned by status code, protocol, and method.
# TYPE traefik_entrypoint_requests_bytes_total counter
traefik_entrypoint_requests_bytes_total{code="200",entrypoint="web",method="GET",protocol="http"} 0
traefik_entrypoint_requests_bytes_total{code="502",entrypoint="web",method="POST",protocol="http"} 11
# HELP traefik_entrypoint_requests_total How many HTTP requests processed on an entrypoint, partitioned by status code, protocol, and method.
# TYPE traefik_entrypoint_requests_total counter
traefik_entrypoint_requests_total{code="200",entrypoint="web",method="GET",protocol="http"} 2
traefik_entrypoint_requests_total{code="502",entrypoint="web",method="POST",protocol="http"} 1
# HELP traefik_entrypoint_responses_bytes_total The total size of responses in bytes handled by an entrypoint, partitioned by status code, protocol, and method.
# TYPE traefik_entrypoint_responses_bytes_total counter
traefik_entrypoint_responses_bytes_total{code="200",entrypoint="web",method="GET",protocol="http"} 10
traefik_entrypoint_responses_bytes_total{code="502",entrypoint="web",method="POST",protocol="http"} 21
# HELP traefik_open_connections How many open connections exist, by entryPoint and protocol
# TYPE traefik_open_connections gauge
traefik_open_connections{entrypoint="traefik",protocol="TCP"} 0
traefik_open_connections{entrypoint="web",protocol="TCP"} 0
# HELP traefik_service_request_duration_seconds How long it took to process the request on a service, partitioned by status code, protocol, and method.
# TYPE traefik_service_request_duration_seconds histogram
traefik_service_request_duration_seconds_bucket{code="200",method="GET",protocol="http",service="s@file",le="0.1"} 2
traefik_service_request_duration_seconds_bucket{code="200",method="GET",protocol="http",service="s@file",le="0.3"} 2
traefik_service_request_duration_seconds_bucket{code="200",method="GET",protocol="http",service="s@file",le="1.2"} 2
traefik_service_request_duration_seconds_bucket{code="200",method="GET",protocol="http",service="s@file",le="5"} 2
traefik_service_request_duration_seconds_bucket{code="200",method="GET",protocol="http",service="s@file",le="+Inf"} 2
traefik_service_request_duration_seconds_sum{code="200",method="GET",protocol="http",service="s@file"} 0.1
traefik_service_request_duration_seconds_count{code="200",method="GET",protocol="http",service="s@file"} 2
traefik_service_request_duration_seconds_bucket{code="502",method="POST",protocol="http",service="s@file",le="0.1"} 0
traefik_service_request_duration_seconds_bucket{code="502",method="POST",protocol="http",service="s@file",le="0.3"} 0
traefik_service_request_duration_seconds_bucket{code="502",method="POST",protocol="http",service="s@file",le="1.2"} 0
traefik_service_request_duration_seconds_bucket{code="502",method="POST",protocol="http",service="s@file",le="5"} 1
traefik_service_request_duration_seconds_bucket{code="502",method="POST",protocol="http",service="s@file",le="+Inf"} 1
traefik_service_request_duration_seconds_sum{code="502",method="POST",protocol="http",service="s@file"} 2
traefik_service_request_duration_seconds_count{code="502",method="POST",protocol="http",service="s@file"} 1
# HELP traefik_service_requests_bytes_total The total size of requests in bytes received by a service, partitioned by status code, protocol, and method.
# TYPE traefik_service_requests_bytes_total counter
traefik_service_requests_bytes_total{code="200",method="GET",protocol="http",service="s@file"} 0
traefik_service_requests_bytes_total{code="502",method="POST",protocol="http",service="s@file"} 11
# HELP traefik_service_requests_total How many HTTP requests processed on a service, partitioned by status code, protocol, and method.
# TYPE traefik_service_requests_total counter
traefik_service_requests_total{code="200",method="GET",protocol="http",service="s@file"} 2
traefik_service_requests_total{code="502",method="POST",protocol="http",service="s@file"} 1
# HELP traefik_service_responses_bytes_total The total size of responses in bytes returned by a service, partitioned by status code, protocol, and method.
# TYPE traefik_service_responses_bytes_total counter
traefik_service_responses_bytes_total{code="200",method="GET",protocol="http",service="s@file"} 10
traefik_service_responses_bytes_total{code="502",method="POST",protocol="http",service="s@file"} 21
`);
});

test('with addRoutersLabels routers are metered with their configured service; without, no router metric exists', () => {
  const on = metrics({ addRoutersLabels: true });
  on.configurationApplied(runtime({ 'a@file': { service: 'weighted@file' } }, ['weighted@file', 'leaf@file']));
  on.record(finished({ router: 'a@file', service: 'leaf@file' }), 1_000_000n);
  const text = scrape(on);
  assert.deepEqual(samples(text, 'traefik_router_requests_total'),
    ['traefik_router_requests_total{code="200",method="GET",protocol="http",router="a@file",service="weighted@file"} 1']);
  // The service metrics name the loadBalancer that served the request.
  assert.deepEqual(samples(text, 'traefik_service_requests_total'),
    ['traefik_service_requests_total{code="200",method="GET",protocol="http",service="leaf@file"} 1']);
  const off = metrics({ addEntryPointsLabels: false, addServicesLabels: false });
  off.configurationApplied(runtime({ 'a@file': { service: 's@file' } }, ['s@file']));
  off.record(finished({ router: 'a@file', service: 's@file' }), 1_000_000n);
  assert.doesNotMatch(off.scrape(), /traefik_(router|service|entrypoint)_/);
});

test('requests to @internal services are counted only with addInternals; observability.metrics false stops metering', () => {
  for (const addInternals of [false, true]) {
    const m = metrics({ addRoutersLabels: true }, {
      addInternals,
      entryPoints: [{ name: 'web', protocol: 'TCP', metrics: true }, { name: 'quiet', protocol: 'TCP', metrics: false }],
    });
    m.configurationApplied(runtime({
      'prometheus@internal': { service: 'prometheus@internal' },
      'dash@file': { service: 'api@internal' },
      'muted@file': { service: 's@file', metrics: false },
      'loud@file': { service: 's@file', metrics: true },
    }, ['s@file']));
    m.record(finished({ router: 'prometheus@internal' }), 1n);
    m.record(finished({ router: 'dash@file' }), 1n);
    m.record(finished({ router: 'muted@file', service: 's@file' }), 1n);
    m.record(finished({ entryPoint: 'quiet', router: '', status: 404 }), 1n);
    m.record(finished({ entryPoint: 'quiet', router: 'loud@file', service: 's@file' }), 1n);
    const text = scrape(m);
    const routers = samples(text, 'traefik_router_requests_total').map((l) => /router="([^"]+)"/.exec(l)![1]);
    assert.deepEqual(routers, addInternals ? ['dash@file', 'loud@file', 'prometheus@internal'] : ['loud@file'], `addInternals ${addInternals}`);
    assert.deepEqual(samples(text, 'traefik_entrypoint_requests_total'), addInternals
      ? ['traefik_entrypoint_requests_total{code="200",entrypoint="quiet",method="GET",protocol="http"} 1',
        'traefik_entrypoint_requests_total{code="200",entrypoint="web",method="GET",protocol="http"} 2']
      : ['traefik_entrypoint_requests_total{code="200",entrypoint="quiet",method="GET",protocol="http"} 1']);
  }
});

test('series of a removed router or service are scraped once more, then dropped; a router back in time keeps them', () => {
  const m = metrics({ addRoutersLabels: true });
  m.configurationApplied(runtime({ 'a@file': { service: 's@file' }, 'b@file': { service: 't@file' } }, ['s@file', 't@file']));
  m.record(finished({ router: 'a@file', service: 's@file' }), 1n);
  m.record(finished({ router: 'b@file', service: 't@file' }), 1n);
  m.configurationApplied(runtime({ 'b@file': { service: 't@file' } }, ['t@file']));
  const last = scrape(m);
  assert.match(last, /router="a@file"/);
  assert.match(last, /traefik_service_requests_total\{[^}]*service="s@file"\} 1/);
  const after = scrape(m);
  assert.doesNotMatch(after, /a@file|s@file/);
  assert.match(after, /router="b@file"/);
  // Removed then added again before the scrape: nothing is dropped.
  m.configurationApplied(runtime({}, []));
  m.configurationApplied(runtime({ 'b@file': { service: 't@file' } }, ['t@file']));
  scrape(m);
  assert.match(scrape(m), /router="b@file"/);
  // Requests still counted after a drop go to fresh series.
  m.record(finished({ router: 'b@file', service: 't@file' }), 1n);
  assert.deepEqual(samples(scrape(m), 'traefik_router_requests_total'),
    ['traefik_router_requests_total{code="200",method="GET",protocol="http",router="b@file",service="t@file"} 2']);
});

test('a request that ends after its service left the configuration does not bring the service back', () => {
  const m = metrics();
  m.configurationApplied(runtime({}, []));
  m.record(finished({ router: 'gone@file', service: 'gone@file' }), 1n);
  assert.deepEqual(samples(scrape(m), 'traefik_service_requests_total'), []);
});

test('header labels are added to the requests_total metrics only, from the first value of the header', () => {
  const m = metrics({ addRoutersLabels: true, headerLabels: { useragent: 'User-Agent', tenant: 'X-Tenant' } });
  m.configurationApplied(runtime({ 'a@file': { service: 's@file' } }, ['s@file']));
  m.record(finished({ router: 'a@file', service: 's@file', headers: ['user-agent', 'curl/8', 'X-Tenant', 'blue', 'x-tenant', 'red'] }), 1n);
  m.record(finished({ router: 'a@file', service: 's@file' }), 1n);
  const text = scrape(m);
  assert.deepEqual(samples(text, 'traefik_entrypoint_requests_total'), [
    'traefik_entrypoint_requests_total{code="200",entrypoint="web",method="GET",protocol="http",tenant="",useragent=""} 1',
    'traefik_entrypoint_requests_total{code="200",entrypoint="web",method="GET",protocol="http",tenant="blue",useragent="curl/8"} 1',
  ]);
  assert.equal(samples(text, 'traefik_router_requests_total').length, 2);
  assert.match(samples(text, 'traefik_service_requests_total')[1]!, /tenant="blue",useragent="curl\/8"/);
  assert.deepEqual(samples(text, 'traefik_service_requests_bytes_total'),
    ['traefik_service_requests_bytes_total{code="200",method="GET",protocol="http",service="s@file"} 0']);
});

test('TLS requests, retries, protocols and unknown methods get their own series', () => {
  const m = metrics({ addRoutersLabels: true });
  m.configurationApplied(runtime({ 'a@file': { service: 's@file' } }, ['s@file']));
  const tls: TlsFacts = { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', serverName: 'a.example', alpn: 'h2' };
  m.record(finished({ router: 'a@file', service: 's@file', tls, retries: 2 }), 1n);
  m.record(finished({ router: 'a@file', service: 's@file', retries: 1, method: 'PROPFIND', status: 101,
    headers: ['Connection', 'Upgrade', 'Upgrade', 'websocket'] }), 1n);
  const text = scrape(m);
  assert.deepEqual(samples(text, 'traefik_entrypoint_requests_tls_total'),
    ['traefik_entrypoint_requests_tls_total{entrypoint="web",tls_cipher="TLS_AES_128_GCM_SHA256",tls_version="1.3"} 1']);
  assert.deepEqual(samples(text, 'traefik_router_requests_tls_total'),
    ['traefik_router_requests_tls_total{router="a@file",service="s@file",tls_cipher="TLS_AES_128_GCM_SHA256",tls_version="1.3"} 1']);
  assert.deepEqual(samples(text, 'traefik_service_requests_tls_total'),
    ['traefik_service_requests_tls_total{service="s@file",tls_cipher="TLS_AES_128_GCM_SHA256",tls_version="1.3"} 1']);
  assert.deepEqual(samples(text, 'traefik_service_retries_total'), ['traefik_service_retries_total{service="s@file"} 3']);
  assert.ok(samples(text, 'traefik_service_requests_total')
    .includes('traefik_service_requests_total{code="101",method="EXTENSION_METHOD",protocol="websocket",service="s@file"} 1'));
});

test('server up, draining, affinity and mirror metrics are read from the live services at scrape time', () => {
  let status: Record<string, ServerStatus> = { 'http://a:80': 'UP', 'http://b:80': 'DOWN', 'http://c:80': 'DRAINING' };
  const live: LiveViews = {
    serverStatus: (name) => (name === 'lb@file' ? status : undefined),
    serviceDetails: (name) => (name === 'lb@file' ? { strategy: 'wrr', affinityEntries: 4, servers: [] }
      : name === 'mirror@file' ? { mirrors: [{ name: 'shadow', percent: 10, sent: 9, completed: 5, aborted: 1, failed: 2, skipped: 3,
        compared: 5, statusMismatches: 1, bodyMismatches: 2, meanLatencyDeltaMs: 0, recent: [] }] } : undefined),
  };
  const m = metrics({}, { live });
  m.configurationApplied(runtime({}, ['lb@file', 'mirror@file', 'disabled@file']));
  const text = scrape(m);
  assert.deepEqual(samples(text, 'traefik_service_server_up'), [
    'traefik_service_server_up{service="lb@file",url="http://a:80"} 1',
    'traefik_service_server_up{service="lb@file",url="http://b:80"} 0',
    'traefik_service_server_up{service="lb@file",url="http://c:80"} 1',
  ]);
  assert.deepEqual(samples(text, 'switchyard_service_server_draining').map((l) => l.slice(-1)), ['0', '0', '1']);
  assert.deepEqual(samples(text, 'switchyard_service_affinity_entries'), ['switchyard_service_affinity_entries{service="lb@file"} 4']);
  assert.deepEqual(samples(text, 'switchyard_service_mirror_requests_total'), [
    'switchyard_service_mirror_requests_total{mirror="shadow",result="aborted",service="mirror@file"} 1',
    'switchyard_service_mirror_requests_total{mirror="shadow",result="completed",service="mirror@file"} 5',
    'switchyard_service_mirror_requests_total{mirror="shadow",result="failed",service="mirror@file"} 2',
    'switchyard_service_mirror_requests_total{mirror="shadow",result="skipped",service="mirror@file"} 3',
  ]);
  assert.deepEqual(samples(text, 'switchyard_service_mirror_compare_total'), ['switchyard_service_mirror_compare_total{mirror="shadow",service="mirror@file"} 5']);
  assert.deepEqual(samples(text, 'switchyard_service_mirror_mismatches_total'), [
    'switchyard_service_mirror_mismatches_total{kind="body",mirror="shadow",service="mirror@file"} 2',
    'switchyard_service_mirror_mismatches_total{kind="status",mirror="shadow",service="mirror@file"} 1',
  ]);
  status = { 'http://a:80': 'DOWN' };
  assert.deepEqual(samples(scrape(m), 'traefik_service_server_up'), ['traefik_service_server_up{service="lb@file",url="http://a:80"} 0']);
  // Without addServicesLabels none of the service metrics exist.
  const off = metrics({ addServicesLabels: false }, { live });
  off.configurationApplied(runtime({}, ['lb@file', 'mirror@file']));
  assert.doesNotMatch(off.scrape(), /service="/);
});

test('every applied configuration counts as a reload and sets the last success in Unix seconds', () => {
  let now = 1_700_000_000_999;
  const m = metrics({}, { now: () => now });
  assert.deepEqual(samples(m.scrape(), 'traefik_config_reloads_total'), ['traefik_config_reloads_total 0']);
  m.configurationApplied(runtime({}, []));
  now = 1_700_000_100_000;
  m.configurationApplied(runtime({}, []));
  const text = m.scrape();
  assert.deepEqual(samples(text, 'traefik_config_reloads_total'), ['traefik_config_reloads_total 2']);
  assert.deepEqual(samples(text, 'traefik_config_last_reload_success'), ['traefik_config_last_reload_success 1.7000001e+09']);
});

test('open connections count the sockets served until they close, plus those the owner counts', () => {
  const m = metrics({}, {
    entryPoints: [{ name: 'web', protocol: 'TCP', metrics: true }, { name: 'dns', protocol: 'UDP', metrics: true }],
    otherOpenConnections: (ep) => (ep === 'dns' ? 3 : 1),
  });
  const a = new EventEmitter();
  const b = new EventEmitter();
  m.connectionOpened('web', a);
  m.connectionOpened('web', b);
  assert.deepEqual(samples(m.scrape(), 'traefik_open_connections'),
    ['traefik_open_connections{entrypoint="dns",protocol="UDP"} 3', 'traefik_open_connections{entrypoint="web",protocol="TCP"} 3']);
  a.emit('close');
  assert.deepEqual(samples(m.scrape(), 'traefik_open_connections')[1], 'traefik_open_connections{entrypoint="web",protocol="TCP"} 2');
});

test('buckets are taken from the options; an empty list means Prometheus\' default buckets', () => {
  const custom = metrics({ buckets: [0.005, 0.5] });
  custom.record(finished({}), 7_000_000n);
  assert.deepEqual(samples(custom.scrape(), 'traefik_entrypoint_request_duration_seconds_bucket').map((l) => /le="([^"]+)"\} (\d+)/.exec(l)!.slice(1).join('=')),
    ['0.005=0', '0.5=1', '+Inf=1']);
  const defaults = metrics({ buckets: [] });
  defaults.record(finished({}), 7_000_000n);
  assert.equal(samples(defaults.scrape(), 'traefik_entrypoint_request_duration_seconds_bucket').length, 12);
});

test('certificates served are reported with CN, decimal serial, sorted DNS names and their expiry', () => {
  const ca = createTestCa();
  const leaf = ca.issue({ dns: ['b.example', 'a.example'], ips: ['127.0.0.1'], days: 10 });
  const m = metrics({}, { certificates: () => [leaf.cert] });
  const lines = samples(m.scrape(), 'traefik_tls_certs_not_after');
  assert.equal(lines.length, 1);
  const match = /^traefik_tls_certs_not_after\{cn="b\.example",sans="a\.example,b\.example",serial="(\d+)"\} (\S+)$/.exec(lines[0]!);
  assert.ok(match, lines[0]);
  const days = (Number(match[2]) - Date.now() / 1000) / 86_400;
  assert.ok(days > 9 && days <= 10.01, `expires in ${days} days`);
});

test('the handler answers the exposition text, gzipped when the scraper accepts it', () => {
  const m = metrics();
  for (const encoding of [undefined, 'gzip, deflate']) {
    let head: { status: number; headers: string[] } | undefined;
    const chunks: Buffer[] = [];
    const ex = {
      request: { method: 'GET', headers: encoding === undefined ? [] : ['Accept-Encoding', encoding] },
      responseHeadHooks: [],
      log: newExchangeLog(0n, '/metrics', ''),
      response: {
        writeHead: (status: number, headers: string[]) => { head = { status, headers }; },
        write: (c: Buffer) => chunks.push(c) > 0,
        end: () => {},
      },
    } as unknown as Exchange;
    void m.handler(ex);
    assert.equal(head?.status, 200);
    assert.equal(head.headers[1], 'text/plain; version=0.0.4; charset=utf-8');
    const body = Buffer.concat(chunks);
    const text = encoding === undefined ? body.toString() : gunzipSync(body).toString();
    assert.equal(head.headers.includes('gzip'), encoding !== undefined);
    assert.match(text, /^# HELP /);
    assert.match(text, /traefik_config_reloads_total 0\n/);
  }
});
