/**
 * Records finished requests into Traefik's request metrics [pkg/observability/metrics/
 * prometheus.go, pkg/middlewares/metrics/metrics.go]: per entry point, router and service,
 * `*_requests_total`, `*_requests_tls_total`, `*_request_duration_seconds`,
 * `*_requests_bytes_total`, `*_responses_bytes_total`, plus `traefik_service_retries_total`.
 *
 * Hot path: one key string per request (status, method, protocol and header label values);
 * each entry point, router and service keeps a map from that key to its series, so a request
 * costs a few map lookups and additions. Routers are resolved once per configuration.
 */
import type { RuntimeConfig } from '../../config/runtime.ts';
import type { PrometheusConfig } from '../../config/static-api.ts';
import { getHeader, type Exchange } from '../../lib/exchange.ts';
import type { HistogramSeries, MetricFamily, MetricRegistry, ValueSeries } from './metric-registry.ts';
import { methodLabel, requestProtocol, tlsCipherLabel, tlsVersionLabel } from './request-labels.ts';

export interface RequestRecorderOptions {
  readonly config: PrometheusConfig;
  /** `metrics.addInternals`: also meter requests whose router uses an `@internal` service. */
  readonly addInternals: boolean;
  /** HTTP entry points and their `observability.metrics` default. */
  readonly entryPoints: readonly { readonly name: string; readonly metrics: boolean }[];
}

export interface RequestRecorder {
  /** Records one finished request (the entry point's onDone). */
  record(exchange: Exchange, durationNs: bigint): void;
  /** Takes the routers and services of a newly applied configuration. */
  configure(runtime: RuntimeConfig): void;
  /** Drops the cached series (after series were deleted from the registry). */
  forgetSeries(): void;
}

/** The five request metrics of one level (entry point, router or service). */
interface LevelFamilies {
  readonly requests: MetricFamily<ValueSeries>;
  readonly tls: MetricFamily<ValueSeries>;
  readonly duration: MetricFamily<HistogramSeries>;
  readonly requestBytes: MetricFamily<ValueSeries>;
  readonly responseBytes: MetricFamily<ValueSeries>;
}

interface LevelSeries {
  readonly requests: ValueSeries;
  readonly duration: HistogramSeries;
  readonly requestBytes: ValueSeries;
  readonly responseBytes: ValueSeries;
}

/** One entry point, router or service: its own label values and its series by request key. */
interface Item {
  /** Label values after code, method, protocol (`[entrypoint]`, `[router, service]`, `[service]`). */
  readonly own: readonly string[];
  readonly series: Map<string, LevelSeries>;
  readonly tls: Map<string, ValueSeries>;
}

interface RouterItem extends Item {
  /** The router's service is `@internal` (Traefik's test for internal resources). */
  readonly internal: boolean;
  /** `observability.metrics` of the router when set, else undefined (the entry point decides). */
  readonly metrics: boolean | undefined;
}

interface ServiceItem extends Item {
  retries: ValueSeries | undefined;
}

const newItem = (own: readonly string[]): Item => ({ own, series: new Map(), tls: new Map() });

export function createRequestRecorder(registry: MetricRegistry, options: RequestRecorderOptions): RequestRecorder {
  const { config, addInternals } = options;
  const buckets = config.buckets.length > 0 ? config.buckets : prometheusDefaultBuckets;
  // Header labels in name order: label → lower-cased header.
  const headerLabels = Object.entries(config.headerLabels ?? {}).sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([label, header]) => [label, header.toLowerCase()] as const);
  const headerLabelNames = headerLabels.map(([label]) => label);

  const level = (prefix: string, own: readonly string[], help: LevelHelp): LevelFamilies => {
    const labels = ['code', 'method', 'protocol', ...own];
    return {
      requests: registry.counter(`${prefix}_requests_total`, help.requests, [...labels, ...headerLabelNames]),
      tls: registry.counter(`${prefix}_requests_tls_total`, help.tls, ['tls_version', 'tls_cipher', ...own]),
      duration: registry.histogram(`${prefix}_request_duration_seconds`, help.duration, labels, buckets),
      requestBytes: registry.counter(`${prefix}_requests_bytes_total`, help.requestBytes, labels),
      responseBytes: registry.counter(`${prefix}_responses_bytes_total`, help.responseBytes, labels),
    };
  };
  const entryPointLevel = config.addEntryPointsLabels ? level('traefik_entrypoint', ['entrypoint'], entryPointHelp) : null;
  const routerLevel = config.addRoutersLabels ? level('traefik_router', ['router', 'service'], routerHelp) : null;
  const serviceLevel = config.addServicesLabels ? level('traefik_service', ['service'], serviceHelp) : null;
  const retries = config.addServicesLabels
    ? registry.counter('traefik_service_retries_total', 'How many request retries happened on a service.', ['service']) : null;

  const entryPoints = new Map(options.entryPoints.map((ep) => [ep.name, { ...newItem([ep.name]), metrics: ep.metrics }]));
  let routers = new Map<string, RouterItem>();
  const services = new Map<string, ServiceItem>();
  /** Services of the current configuration: series are made only for these (no zombies). */
  let knownServices: ReadonlySet<string> = new Set();
  const headerValues: string[] = new Array<string>(headerLabels.length).fill('');

  const observe = (families: LevelFamilies, item: Item, key: string, code: string, method: string, protocol: string,
    seconds: number, requestBytes: number, responseBytes: number): void => {
    let s = item.series.get(key);
    if (s === undefined) {
      const labels = [code, method, protocol, ...item.own];
      s = {
        requests: families.requests.series([...labels, ...headerValues]),
        duration: families.duration.series(labels),
        requestBytes: families.requestBytes.series(labels),
        responseBytes: families.responseBytes.series(labels),
      };
      item.series.set(key, s);
    }
    s.requests.value++;
    s.duration.observe(seconds);
    s.requestBytes.value += requestBytes;
    s.responseBytes.value += responseBytes;
  };

  const observeTls = (families: LevelFamilies, item: Item, version: string, cipher: string): void => {
    const key = `${version}\u0000${cipher}`;
    let s = item.tls.get(key);
    if (s === undefined) item.tls.set(key, (s = families.tls.series([version, cipher, ...item.own])));
    s.value++;
  };

  return {
    record(exchange, durationNs) {
      const request = exchange.request;
      const log = exchange.log;
      const ep = entryPoints.get(request.entryPoint);
      if (ep === undefined) return;
      const routerName = log.routerName;
      const router = routerName === '' ? undefined : routers.get(routerName);
      // A router removed while the request ran is unknown: its name still says whether it was internal.
      const internal = router?.internal ?? routerName.endsWith('@internal');
      if (internal && !addInternals) return;
      if (!(router?.metrics ?? ep.metrics)) return;

      const code = String(log.downstreamStatus);
      const method = methodLabel(request.method);
      const protocol = requestProtocol(request.headers);
      let key = `${code}\u0000${method}\u0000${protocol}`;
      for (let i = 0; i < headerLabels.length; i++) {
        const v = getHeader(request.headers, headerLabels[i]![1]) ?? '';
        headerValues[i] = v;
        key += `\u0000${v}`;
      }
      const seconds = Number(durationNs) / 1e9;
      const requestBytes = exchange.log.requestContentSize;
      const responseBytes = log.downstreamContentSize;
      const tls = request.tls;
      const tlsVersion = tls === undefined ? '' : tlsVersionLabel(tls.version);
      const tlsCipher = tls === undefined ? '' : tlsCipherLabel(tls.cipher);

      if (entryPointLevel !== null) {
        observe(entryPointLevel, ep, key, code, method, protocol, seconds, requestBytes, responseBytes);
        if (tls !== undefined) observeTls(entryPointLevel, ep, tlsVersion, tlsCipher);
      }
      if (routerLevel !== null && router !== undefined) {
        observe(routerLevel, router, key, code, method, protocol, seconds, requestBytes, responseBytes);
        if (tls !== undefined) observeTls(routerLevel, router, tlsVersion, tlsCipher);
      }
      const serviceName = log.serviceName;
      if (serviceLevel !== null && serviceName !== '' && knownServices.has(serviceName)) {
        let service = services.get(serviceName);
        if (service === undefined) services.set(serviceName, (service = { ...newItem([serviceName]), retries: undefined }));
        observe(serviceLevel, service, key, code, method, protocol, seconds, requestBytes, responseBytes);
        if (tls !== undefined) observeTls(serviceLevel, service, tlsVersion, tlsCipher);
        if (log.retryAttempts > 0 && retries !== null) (service.retries ??= retries.series([serviceName])).value += log.retryAttempts;
      }
    },

    configure(runtime) {
      const next = new Map<string, RouterItem>();
      for (const r of runtime.http.routers.values()) {
        const metrics = r.config?.observability?.metrics;
        const previous = routers.get(r.name);
        // Keep the cached series of a router whose labels did not change.
        next.set(r.name, previous !== undefined && previous.own[1] === r.service && previous.metrics === metrics
          ? previous
          : { ...newItem([r.name, r.service]), internal: r.service.endsWith('@internal'), metrics });
      }
      routers = next;
      knownServices = new Set(runtime.http.services.keys());
      for (const name of services.keys()) if (!knownServices.has(name)) services.delete(name);
    },

    forgetSeries() {
      for (const item of [...entryPoints.values(), ...routers.values(), ...services.values()]) {
        item.series.clear();
        item.tls.clear();
      }
      for (const s of services.values()) s.retries = undefined;
    },
  };
}


/** client_golang's DefBuckets, which it uses when `buckets` is an empty list. */
const prometheusDefaultBuckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface LevelHelp {
  readonly requests: string;
  readonly tls: string;
  readonly duration: string;
  readonly requestBytes: string;
  readonly responseBytes: string;
}

// Traefik's help texts, word for word (dashboards and alert descriptions quote them).
const entryPointHelp: LevelHelp = {
  requests: 'How many HTTP requests processed on an entrypoint, partitioned by status code, protocol, and method.',
  tls: 'How many HTTP requests with TLS processed on an entrypoint, partitioned by TLS Version and TLS cipher Used.',
  duration: 'How long it took to process the request on an entrypoint, partitioned by status code, protocol, and method.',
  requestBytes: 'The total size of requests in bytes handled by an entrypoint, partitioned by status code, protocol, and method.',
  responseBytes: 'The total size of responses in bytes handled by an entrypoint, partitioned by status code, protocol, and method.',
};

const routerHelp: LevelHelp = {
  requests: 'How many HTTP requests are processed on a router, partitioned by service, status code, protocol, and method.',
  tls: 'How many HTTP requests with TLS are processed on a router, partitioned by service, TLS Version, and TLS cipher Used.',
  duration: 'How long it took to process the request on a router, partitioned by service, status code, protocol, and method.',
  requestBytes: 'The total size of requests in bytes handled by a router, partitioned by service, status code, protocol, and method.',
  responseBytes: 'The total size of responses in bytes handled by a router, partitioned by service, status code, protocol, and method.',
};

const serviceHelp: LevelHelp = {
  requests: 'How many HTTP requests processed on a service, partitioned by status code, protocol, and method.',
  tls: 'How many HTTP requests with TLS processed on a service, partitioned by TLS version and TLS cipher.',
  duration: 'How long it took to process the request on a service, partitioned by status code, protocol, and method.',
  requestBytes: 'The total size of requests in bytes received by a service, partitioned by status code, protocol, and method.',
  responseBytes: 'The total size of responses in bytes returned by a service, partitioned by status code, protocol, and method.',
};
