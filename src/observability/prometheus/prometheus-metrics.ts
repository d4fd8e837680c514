/**
 * Switchyard's Prometheus endpoint (`metrics.prometheus`, served as `prometheus@internal`):
 * Traefik's metric names, labels and help texts [pkg/observability/metrics/prometheus.go] so
 * existing Grafana dashboards and alerts work, plus `switchyard_*` metrics for what Traefik has
 * no words for (draining, affinity, mirror comparisons). One registry per instance.
 *
 * Like Traefik, series of routers and services that left the configuration are written one
 * last time by the next scrape and then dropped, so a scraper sees their final values.
 */
import { gzipSync } from 'node:zlib';
import type { LiveViews, RuntimeConfig } from '../../config/runtime.ts';
import type { PrometheusConfig } from '../../config/static-api.ts';
import { getHeader, writeHeadThroughHooks, type Exchange, type Handler } from '../../lib/exchange.ts';
import { expositionContentType } from './exposition-format.ts';
import { createLiveGauges } from './live-gauges.ts';
import { createMetricRegistry } from './metric-registry.ts';
import type { MetricFamilyState } from './metric-state.ts';
import { createRequestRecorder } from './request-recorder.ts';

/** A static entry point as the metrics see it. */
export interface PrometheusEntryPoint {
  readonly name: string;
  /** `TCP` (HTTP and TCP routers) or `UDP`: the `protocol` label of its open connections. */
  readonly protocol: 'TCP' | 'UDP';
  /** `entryPoints.<name>.observability.metrics`: whether its requests are metered by default. */
  readonly metrics: boolean;
}

export interface PrometheusMetricsOptions {
  readonly config: PrometheusConfig;
  /** `metrics.addInternals`. */
  readonly addInternals: boolean;
  readonly entryPoints: readonly PrometheusEntryPoint[];
  /** Server status and service details, read at scrape time. */
  readonly live: LiveViews;
  /**
   * Open connections the caller counts itself (held by TCP routers, UDP sessions) on an entry
   * point, read at scrape time; those an HTTP entry point serves are counted by connectionOpened.
   */
  readonly otherOpenConnections?: (entryPoint: string) => number;
  /** The certificates served (PEM, chain included), read at scrape time. */
  readonly certificates?: () => Iterable<string>;
  /** Wall clock in epoch milliseconds; default `Date.now`. */
  readonly now?: () => number;
  /** Series limit per metric (default 10000). */
  readonly maxSeriesPerFamily?: number;
  /**
   * The registries of the worker processes that serve the traffic (server/workers/), read at
   * scrape time: their series add to this one's, except the families only the control plane
   * knows the truth of (controlPlaneFamilies).
   */
  readonly otherProcesses?: () => readonly (readonly MetricFamilyState[])[];
}

/**
 * Families a scrape takes from the control plane alone when worker processes serve the traffic:
 * reloads (each worker applies every configuration too), server health (decided by the control
 * plane's checks), certificates, the start time, and what it reads from services' details,
 * which already hold every worker's affinity entries and mirror counters. Every other family
 * is a sum over processes.
 */
export const controlPlaneFamilies: ReadonlySet<string> = new Set([
  'traefik_config_reloads_total', 'traefik_config_last_reload_success', 'traefik_tls_certs_not_after',
  'traefik_service_server_up', 'switchyard_service_server_draining', 'process_start_time_seconds',
  'switchyard_service_affinity_entries', 'switchyard_service_mirror_requests_total',
  'switchyard_service_mirror_compare_total', 'switchyard_service_mirror_mismatches_total',
]);

/** What connectionOpened needs of a socket. */
export interface ClosingSocket {
  once(event: 'close', listener: () => void): unknown;
}

/** Something that serves accepted connections (an HTTP entry point). */
export interface ConnectionServer {
  serve(socket: ClosingSocket, ...rest: never[]): void;
}

export interface PrometheusMetrics {
  /** `prometheus@internal`: answers any request with the exposition text. */
  readonly handler: Handler;
  /** Records a finished request (an entry point's onDone consumer). */
  record(exchange: Exchange, durationNs: bigint): void;
  /** Counts a reload and takes the routers and services of the configuration now live. */
  configurationApplied(runtime: RuntimeConfig): void;
  /** Counts a connection an HTTP entry point serves, until the socket closes. */
  connectionOpened(entryPoint: string, socket: ClosingSocket): void;
  /**
   * `server` unchanged except that every socket handed to its `serve` is counted by
   * connectionOpened first (everything else, getters included, reads through to `server`).
   */
  countingConnections<T extends ConnectionServer>(entryPoint: string, server: T): T;
  /** The exposition text, as a scrape sees it (then drops the series of removed items). */
  scrape(): string;
  /** What a scrape would show, as data for another process to add up (then drops the same series). */
  exportState(): MetricFamilyState[];
}

export function createPrometheusMetrics(options: PrometheusMetricsOptions): PrometheusMetrics {
  const now = options.now ?? Date.now;
  const registry = createMetricRegistry(options.maxSeriesPerFamily !== undefined ? { maxSeriesPerFamily: options.maxSeriesPerFamily } : {});
  const reloads = registry.counter('traefik_config_reloads_total', 'Config reloads', []).series([]);
  const lastReload = registry.gauge('traefik_config_last_reload_success', 'Last config reload success', []).series([]);
  const recorder = createRequestRecorder(registry, {
    config: options.config,
    addInternals: options.addInternals,
    entryPoints: options.entryPoints.filter((ep) => ep.protocol === 'TCP'),
  });

  const served = new Map(options.entryPoints.map((ep) => [ep.name, 0]));
  let services: readonly string[] = [];
  const gauges = createLiveGauges(registry, {
    services: () => services,
    live: options.live,
    servicesEnabled: options.config.addServicesLabels,
    openConnections: () => options.entryPoints.map((ep) => ({
      entryPoint: ep.name,
      protocol: ep.protocol,
      count: (served.get(ep.name) ?? 0) + (options.otherOpenConnections?.(ep.name) ?? 0),
    })),
    ...(options.certificates !== undefined ? { certificates: options.certificates } : {}),
  });

  // Items of the live configuration, and those removed since the last scrape.
  let routerNames: ReadonlySet<string> = new Set();
  let serviceNames: ReadonlySet<string> = new Set();
  const removedRouters = new Set<string>();
  const removedServices = new Set<string>();

  const connectionOpened = (entryPoint: string, socket: ClosingSocket): void => {
    const n = served.get(entryPoint);
    if (n === undefined) return;
    served.set(entryPoint, n + 1);
    socket.once('close', () => served.set(entryPoint, (served.get(entryPoint) ?? 1) - 1));
  };

  /** Reads the registry after refreshing the gauges, then drops the series of removed items. */
  const collect = <T>(read: () => T): T => {
    gauges.refresh();
    const text = read();
    let dropped = 0;
    for (const r of removedRouters) if (!routerNames.has(r)) dropped += registry.deleteMatching({ router: r });
    for (const s of removedServices) if (!serviceNames.has(s)) dropped += registry.deleteMatching({ service: s });
    removedRouters.clear();
    removedServices.clear();
    if (dropped > 0) recorder.forgetSeries();
    return text;
  };
  const others = options.otherProcesses;
  const scrape = (): string => collect(() => {
    if (others === undefined) return registry.render();
    const sum = createMetricRegistry(options.maxSeriesPerFamily !== undefined ? { maxSeriesPerFamily: options.maxSeriesPerFamily } : {});
    sum.addState(registry.exportState());
    for (const families of others()) sum.addState(families.filter((f) => !controlPlaneFamilies.has(f.name)));
    return sum.render();
  });

  return {
    handler(exchange) {
      const body = Buffer.from(scrape());
      const gzip = acceptsGzip(getHeader(exchange.request.headers, 'accept-encoding'));
      const payload = gzip ? gzipSync(body) : body;
      const headers = ['Content-Type', expositionContentType, 'Content-Length', String(payload.length)];
      if (gzip) headers.push('Content-Encoding', 'gzip');
      writeHeadThroughHooks(exchange, 200, headers);
      if (exchange.request.method !== 'HEAD') exchange.response.write(payload);
      exchange.response.end();
    },
    record: (exchange, durationNs) => recorder.record(exchange, durationNs),
    configurationApplied(runtime) {
      reloads.value++;
      // Traefik sets the Unix time in whole seconds.
      lastReload.value = Math.floor(now() / 1000);
      const nextRouters = new Set(runtime.http.routers.keys());
      const nextServices = new Set(runtime.http.services.keys());
      for (const r of routerNames) if (!nextRouters.has(r)) removedRouters.add(r);
      for (const s of serviceNames) if (!nextServices.has(s)) removedServices.add(s);
      routerNames = nextRouters;
      serviceNames = nextServices;
      services = [...nextServices];
      recorder.configure(runtime);
    },
    connectionOpened,
    countingConnections(entryPoint, server) {
      const serve = (socket: ClosingSocket, ...rest: never[]): void => {
        connectionOpened(entryPoint, socket);
        server.serve(socket, ...rest);
      };
      return new Proxy(server, { get: (target, key, receiver) => (key === 'serve' ? serve : Reflect.get(target, key, receiver)) });
    },
    scrape,
    exportState: () => collect(() => registry.exportState()),
  };
}

/** True when `Accept-Encoding` lists gzip with a non-zero quality. */
function acceptsGzip(value: string | undefined): boolean {
  if (value === undefined) return false;
  for (const part of value.split(',')) {
    const [coding, ...params] = part.split(';');
    if (coding!.trim().toLowerCase() !== 'gzip') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
