/**
 * One running Switchyard: entry points, providers, the pipeline from snapshots to a live
 * routing state, internal services, and the graceful stop. main.ts composes it from the static
 * configuration; tests run the same code through the real binary.
 */
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../config/diagnostics.ts';
import { formatDiagnostic } from '../config/diagnostics.ts';
import type { RuntimeConfig } from '../config/runtime.ts';
import type { Provider, Snapshot } from '../config/snapshot.ts';
import type { StaticConfig } from '../config/static.ts';
import { sendText, type Exchange, type Handler } from '../lib/exchange.ts';
import { createIpRangeSet } from '../lib/ip-range.ts';
import { createApiHandler } from '../api/api-handler.ts';
import { createPingHandler } from '../api/ping-handler.ts';
import { createDashboardAssets } from '../api/dashboard-assets.ts';
import { createExplainHandler } from '../api/explain-handler.ts';
import { createStatsHandler } from '../api/stats-handler.ts';
import { createStatsStream } from '../api/stats-stream.ts';
import { createLiveStats } from '../observability/live-stats/live-stats.ts';
import { liveStatsItems } from '../observability/live-stats/live-stats-items.ts';
import type { AccessLog } from '../observability/access-log.ts';
import { createAccessLog } from '../observability/access-log.ts';
import type { Logger } from '../observability/logger.ts';
import { createPrometheusMetrics } from '../observability/prometheus/prometheus-metrics.ts';
import { createAggregator } from '../pipeline/aggregator.ts';
import { createSystemClock, type Clock } from '../lib/clock.ts';
import type { EntryPointInfo } from '../pipeline/entry-points.ts';
import { merge } from '../pipeline/merge.ts';
import { defaultProviderPrecedence } from '../pipeline/precedence.ts';
import { resolve } from '../pipeline/resolve.ts';
import { createFileProvider } from '../providers/file/file-provider.ts';
import { implementedMiddlewareKinds } from '../middlewares/registry.ts';
import { createUpstreamPools, http1EngineFromEnv } from '../proxy/upstream-pools.ts';
import { createHealthRegistry } from '../services/health/server-health.ts';
import { createPolicyMemoryRegistry } from '../services/policy-memory.ts';
import { createAffinityRegistry } from '../services/sticky/client-ip-affinity.ts';
import { build, implementedHttpServiceKinds, staticDefaultTransport, type BuiltState } from './build.ts';
import { stopEntryPoint } from './graceful-stop.ts';
import { createEntryPointListener, type EntryPointListener, type EntryPointRouting, type TcpRoutes } from './entry-point-listener.ts';
import type { HttpEntryPoint } from './http-entry-point.ts';
import { createEntryPointEngine, engineVariable, httpEngineFromEnv, type HttpEngine } from './http-engine.ts';
import { httpsHostsByEntryPoint, noHttpsHosts, type HttpsHosts } from './https-hosts.ts';
import { acmeResolverDiagnostics, acmeResolvers, httpChallengeEntryPoints } from '../config/static-acme.ts';
import { createAcmeManager } from './acme/acme-manager.ts';
import { usesKubernetes } from './kubernetes-use.ts';
import { acmeHttpChallengeAnswer, acmeStores, requestAcmeCertificates, withAcmeHttpChallenge, type KubernetesWiring } from './acme-wiring.ts';
import { buildTcp, type BuiltTcpState } from './build-tcp.ts';
import { entryPointModel } from './entry-point-model.ts';
import { buildUdp, type BuiltUdpState } from './build-udp.ts';
import { createUdpEntryPoint, type UdpEntryPoint } from './udp-entry-point.ts';
import { createGeneratedCertificateSource } from './tls/generated-certificate.ts';
import { createTlsManager, tlsHttpRouters, type TlsManager } from './tls/tls-manager.ts';
import { watchFiles, type FileWatch } from './tls/watch-files.ts';
import { createInternalProvider } from './internal-provider.ts';
import { createRouterTable } from './router-table.ts';
import { createRequestExplainer } from './request-explainer.ts';
import { unappliedStaticSettings } from './unapplied-settings.ts';
import { acmeHttpChallengeKey, type ProcessRole } from './workers/process-role.ts';
import { addWorkerDetails, exportServiceDetails } from './workers/service-details.ts';
import type { LiveStatsView } from '../config/live-stats-view.ts';

export const switchyardVersion = '0.1.0';

export interface RunningSwitchyard {
  /** Entry point name → bound port. */
  readonly ports: ReadonlyMap<string, number>;
  /** Stops gracefully (Traefik's lifeCycle); resolves when everything is closed. */
  stop(): Promise<void>;
}

export interface RunOptions {
  /**
   * Every timer behind routing (health checks, rate limits, circuit breakers, affinity expiry,
   * the providers' throttle, the graceful stop) runs on this clock. Default: the system clock;
   * tests that start Switchyard in-process pass a manual one.
   */
  readonly clock?: Clock;
  /** The dashboard's files; default: web/ at the project root. */
  readonly webRoot?: string;
  /** This process's part when Switchyard runs as several processes (server/workers/); absent: it does everything. */
  readonly role?: ProcessRole;
  /** The HTTP/1.1 engine of entry points that set no `http.engine`; default: SWITCHYARD_ENGINE, else node. */
  readonly httpEngine?: HttpEngine;
}

const defaultWebRoot = fileURLToPath(new URL('../../web/', import.meta.url));

/** Starts everything the static configuration describes. */
export async function runSwitchyard(config: StaticConfig, logger: Logger, options: RunOptions = {}): Promise<RunningSwitchyard> {
  const startDate = new Date();
  const clock = options.clock ?? createSystemClock();
  const defaultEngine = options.httpEngine ?? httpEngineFromEnv(process.env[engineVariable]) ?? 'node';
  const worker = options.role?.kind === 'worker' ? options.role : null;
  // The Kubernetes client is loaded only where it is used: by configurations with a Kubernetes
  // provider or an ACME Secret store, and never in workers, which run neither (kubernetes-use.ts).
  const kube: KubernetesWiring | null = worker === null && usesKubernetes(config) ? await import('./kubernetes-wiring.ts') : null;
  const controlPlane = options.role?.kind === 'control-plane' ? options.role : null;
  /** Logs a line about the routing state; a control plane logs it once every worker is there too. */
  const announce = (log: () => void): void => (controlPlane === null ? log() : controlPlane.announce(log));
  const startupWarnings = [...unappliedStaticSettings(config), ...acmeResolverDiagnostics(config.certificatesResolvers, new Set(Object.keys(config.entryPoints)))];
  // A worker's control plane logs the warnings about the configuration they share.
  if (worker === null) for (const d of startupWarnings) (d.severity === 'error' ? logger.error.bind(logger) : logger.warn.bind(logger))({ code: d.code, path: d.path }, d.message);
  const pools = createUpstreamPools({ clock, http1Engine: http1EngineFromEnv(process.env['SWITCHYARD_UPSTREAM_ENGINE']) });
  // ACME: stored certificates are read before the first handshake; orders run in the background.
  // In a worker, the control plane orders them and ships them (WorkerRole.certificates).
  const acme = worker === null && config.certificatesResolvers !== undefined && Object.keys(config.certificatesResolvers).length > 0
    ? await createAcmeManager({ resolvers: acmeResolvers(config.certificatesResolvers), clock, logger, storeFor: acmeStores(kube, config) })
    : null;
  const acmeHttpEntryPoints = httpChallengeEntryPoints(config.certificatesResolvers);
  const health = options.role?.health ?? createHealthRegistry(clock);
  // HTTP-01 answers: ACME's own, or in a worker the control plane's.
  const acmeChallenge: Handler | undefined = acme !== null ? acmeHttpChallengeAnswer(acme) : worker?.forwardInternal(acmeHttpChallengeKey);
  const affinity = createAffinityRegistry(clock);
  const policyMemory = createPolicyMemoryRegistry();
  const table = createRouterTable();
  let terminating = false;
  let runtime: RuntimeConfig | null = null;
  let generation = 0;

  const accessLog: AccessLog | null = config.accessLog === undefined ? null : createAccessLog({
    format: config.accessLog.format,
    ...(config.accessLog.filePath ? { filePath: config.accessLog.filePath } : {}),
    bufferingSize: config.accessLog.bufferingSize,
    ...(config.accessLog.filters ? { filters: config.accessLog.filters } : {}),
    fields: config.accessLog.fields,
    onError: (message) => logger.error({ err: message }, 'access log'),
    scope: {
      addInternals: config.accessLog.addInternals,
      entryPoints: new Map(Object.entries(config.entryPoints).map(([name, ep]) => [name, ep.observability.accessLogs])),
      routers: () => runtime?.http.routers,
    },
  });

  const liveStats = createLiveStats({ clock });
  /**
   * Told about every finished request, in order (the access log, the live statistics, the
   * metrics): each consumer is one entry, so adding one is one `push`.
   */
  const requestConsumers: ((exchange: Exchange, durationNs: bigint) => void)[] = [];
  if (accessLog !== null) requestConsumers.push((ex, ns) => accessLog.record(ex, ns));
  requestConsumers.push((ex, ns) => liveStats.requestDone(ex, ns));
  const onDone = (exchange: Exchange, durationNs: bigint): void => {
    for (let i = 0; i < requestConsumers.length; i++) requestConsumers[i]!(exchange, durationNs);
  };

  const entryPointInfos: EntryPointInfo[] = [];
  /** One generated default certificate per process, shared by every TLS manager. */
  const generatedCertificate = createGeneratedCertificateSource();
  /** What TLS and TCP routing need, replaced on every applied configuration. */
  let routingState: RoutingState = {
    httpsHosts: new Map(),
    tcp: new Map(),
    tls: createTlsManager({ tls: { certificates: [], options: {}, stores: {} }, httpRouters: [], generatedCertificate }),
  };
  const routingFor = (name: string): EntryPointRouting => {
    const state = routingState;
    const https = state.httpsHosts.get(name) ?? noHttpsHosts;
    const tls = state.tls.entryPoint(name);
    return {
      tcp: state.tcp.get(name),
      hasHttpsRouters: https.hasHttpsRouters,
      httpsFor: (serverName) => https.httpsFor(serverName),
      tlsForHttps: (serverName, hello) => tls.forServerName(serverName, hello),
      tlsForTcp: (options, serverName, hello) => state.tls.forOptions(options, serverName, hello),
      acmeChallenge: (serverName) => acme?.tlsAlpn01Context(serverName),
    };
  };

  const udpEntryPoints: { name: string; ep: UdpEntryPoint; graceTimeOut: number }[] = [];
  const tcpEntryPoints: { name: string; http: HttpEntryPoint; listener: EntryPointListener; lifeCycle: { requestAcceptGraceTimeout: number; graceTimeOut: number } }[] = [];
  const live = {
    serverStatus: (service: string) => table.current?.services.get(service)?.serverStatus(),
    serviceDetails: (service: string) => {
      const own = table.current?.services.get(service)?.details?.();
      // A control plane adds its workers' affinity entries and mirror counters.
      return own === undefined || controlPlane === null ? own : addWorkerDetails(own, service, controlPlane.workerStatistics());
    },
  };
  // metrics.prometheus: served as prometheus@internal; counts every finished request, the
  // connections entry points hold, and reads server health and certificates when scraped.
  const prometheus = config.metrics?.prometheus === undefined ? null : createPrometheusMetrics({
    config: config.metrics.prometheus,
    addInternals: config.metrics.addInternals,
    entryPoints: Object.entries(config.entryPoints).map(([name, ep]) => ({
      name, protocol: ep.listen.protocol === 'udp' ? 'UDP' as const : 'TCP' as const, metrics: ep.observability.metrics,
    })),
    live,
    otherOpenConnections: (name) => tcpEntryPoints.find((e) => e.name === name)?.listener.tcpConnections.size
      ?? udpEntryPoints.find((e) => e.name === name)?.ep.sessionCount() ?? 0,
    certificates: () => routingState.tls.certificates().store.map((c) => c.certPem),
    // A control plane's scrape adds up its workers' series (it serves no HTTP traffic itself).
    ...(controlPlane !== null ? { otherProcesses: () => controlPlane.workerStatistics().flatMap((w) => (w.metrics === null ? [] : [w.metrics])) } : {}),
  });
  if (prometheus !== null) requestConsumers.push((ex, ns) => prometheus.record(ex, ns));
  for (const [name, ep] of Object.entries(config.entryPoints)) {
    // The static configuration parsed and validated the address (an invalid one is an error
    // that stops the start before we get here).
    const address = ep.listen;
    entryPointInfos.push({
      name,
      isUdp: address.protocol === 'udp',
      asDefault: ep.asDefault,
      ...entryPointModel(ep.http),
    });
    if (address.protocol === 'udp') {
      if (worker !== null) continue; // UDP entry points are the control plane's (docs/workers.md)
      udpEntryPoints.push({
        name,
        graceTimeOut: ep.transport.lifeCycle.graceTimeOut,
        ep: createUdpEntryPoint({
          name, host: address.host, port: address.port, clock, timeoutMs: ep.udp.timeout,
          onError: (err, client) => logger.debug({ entryPoint: name, client, err: err.message }, 'UDP error'),
        }),
      });
      continue;
    }
    if (controlPlane !== null) {
      liveStats.entryPoint(name); // the workers serve it; listed from the start, with their sums
      continue;
    }
    const trusted = createIpRangeSet(ep.forwardedHeaders.trustedIPs);
    const http = createEntryPointEngine(ep.http.engine ?? defaultEngine, {
      name,
      forwarded: {
        insecure: ep.forwardedHeaders.insecure,
        trustedIPs: trusted.set,
        serverName: hostname(),
        addXForwardedSchemeHeaders: false,
      },
      readTimeoutMs: ep.transport.respondingTimeouts.readTimeout,
      idleTimeoutMs: ep.transport.respondingTimeouts.idleTimeout,
      maxHeaderBytes: ep.http.maxHeaderBytes,
      sanitizePath: ep.http.sanitizePath,
      encodeQuerySemicolons: ep.http.encodeQuerySemicolons,
      http2: ep.http2,
      dispatch: withAccessLog(accessLog, acmeChallenge !== undefined && acmeHttpEntryPoints.has(name) ? withAcmeHttpChallenge(acmeChallenge, table.dispatcher(name)) : table.dispatcher(name)),
      onDone,
      clock,
    });
    const listener = createEntryPointListener({
      name,
      host: address.host,
      port: address.port,
      http: prometheus === null ? http : prometheus.countingConnections(name, http),
      routing: () => routingFor(name),
      ...(ep.proxyProtocol !== undefined
        ? { proxyProtocol: { insecure: ep.proxyProtocol.insecure, trustedIPs: createIpRangeSet(ep.proxyProtocol.trustedIPs).set } }
        : {}),
      readTimeoutMs: ep.transport.respondingTimeouts.readTimeout,
      clock,
      onConnectionError: (err, stage) => logger.debug({ entryPoint: name, stage, err: err.message }, 'connection refused'),
    });
    tcpEntryPoints.push({ name, http, listener, lifeCycle: ep.transport.lifeCycle });
    liveStats.entryPoint(name); // listed from the start, with no traffic yet
  }

  const internal = new Map<string, Handler>();
  // noop@internal answers nothing useful by design: routers that always redirect use it.
  internal.set('noop@internal', (exchange) => sendText(exchange, 200, ''));
  // api@internal and ping@internal exist only when their static sections do, as in Traefik.
  const webRoot = options.webRoot ?? defaultWebRoot;
  const apiBase = (config.api?.basePath ?? '/').replace(/\/+$/, '');
  if (config.api?.dashboard === true) internal.set('dashboard@internal', createDashboardAssets({ root: webRoot, prefix: '' }));
  /** Switchyard's endpoints beside Traefik's, by path below `/api/`: each is one `set`. */
  const apiExtensions = new Map<string, Handler>();
  // A control plane shows its workers' statistics added to its own (which has no HTTP traffic).
  const statsView: LiveStatsView = controlPlane === null ? liveStats
    : { snapshot: () => liveStats.snapshotWith(controlPlane.workerStatistics().map((w) => w.liveStats)) };
  const statsStream = createStatsStream({ view: statsView, clock });
  apiExtensions.set('stats', createStatsHandler(statsView));
  for (const [path, handler] of controlPlane?.apiExtensions ?? []) apiExtensions.set(path, handler);
  apiExtensions.set('stats/stream', statsStream.handler);
  apiExtensions.set('explain', createExplainHandler(createRequestExplainer({
    runtime: () => runtime,
    state: () => table.current,
    entryPoints: Object.entries(config.entryPoints).map(([name, ep]) => ({
      name, udp: ep.listen.protocol === 'udp', sanitizePath: ep.http.sanitizePath, encodeQuerySemicolons: ep.http.encodeQuerySemicolons,
    })),
    // `ports` is filled once the entry points listen, before any request can ask.
    ports: () => ports,
    isInternal: (service) => internal.has(service),
    defaultRuleSyntax: config.core.defaultRuleSyntax,
  })));
  if (config.api !== undefined) internal.set('api@internal', createApiHandler({
    ...(config.api.dashboard ? { dashboard: createDashboardAssets({ root: webRoot, prefix: `${apiBase}/dashboard` }) } : {}),
    extensions: apiExtensions,
    getRuntime: () => runtime!,
    getStatic: () => config,
    entryPoints: () => Object.entries(config.entryPoints).map(([name, c]) => ({ name, config: c })),
    live,
    version: { version: switchyardVersion, codename: 'switchyard', startDate },
    ...(config.api?.basePath ? { basePath: config.api.basePath } : {}),
  }));
  if (config.ping !== undefined) internal.set('ping@internal', createPingHandler({
    isTerminating: () => terminating,
    terminatingStatusCode: config.ping?.terminatingStatusCode ?? 503,
  }));
  if (prometheus !== null) internal.set('prometheus@internal', prometheus.handler);
  if (worker !== null) {
    for (const [name, handler] of internal) internal.set(name, worker.forwardInternal(name) ?? handler);
    worker.provideStatistics((purpose) => ({
      liveStats: liveStats.exportState(),
      details: purpose === 'push' ? null : exportServiceDetails(table.current?.services),
      metrics: purpose === 'scrape' ? prometheus?.exportState() ?? null : null,
    }));
  }
  controlPlane?.serveInternal(acmeChallenge === undefined ? internal : new Map([...internal, [acmeHttpChallengeKey, acmeChallenge]]));

  /** Bound ports by entry point (known before the providers start: redirections name them). */
  const ports = new Map<string, number>();
  // A worker runs no provider: its control plane ships the snapshots (WorkerRole.feed).
  const providers: Provider[] = worker !== null ? [] : [createInternalProvider(config, ports)];
  if (worker === null && config.providers.file !== undefined) {
    const f = config.providers.file;
    providers.push(createFileProvider({
      ...(f.filename ? { filename: f.filename } : {}),
      ...(f.directory ? { directory: f.directory } : {}),
      watch: f.watch,
    }));
  }

  if (worker === null && kube !== null) providers.push(...kube.kubernetesProviders(config, clock, logger));

  const defaultTransport = staticDefaultTransport(config.serversTransport);
  const apply = (snapshots: ReadonlyMap<string, Snapshot>): void => {
    const merged = merge(snapshots, { entryPoints: entryPointInfos, precedence: config.providers.precedence ?? defaultProviderPrecedence });
    const next = resolve(merged, {
      entryPoints: entryPointInfos,
      defaultRuleSyntax: config.core.defaultRuleSyntax,
      precedence: config.providers.precedence ?? defaultProviderPrecedence,
      supported: {
        httpMiddlewares: implementedMiddlewareKinds,
        httpServices: implementedHttpServiceKinds,
        tcp: true,
        udp: true,
      },
      internalServices: new Set(internal.keys()),
    });
    let state: BuiltState;
    try {
      state = build(next, {
        pools,
        internal,
        notAppendXForwardedFor: config.global.notAppendXForwardedFor,
        defaultTransport,
        health,
        affinity,
        policyMemory,
        liveStats,
        clock,
        random: Math.random,
        onHealthChange: (service, url, status, reason) => announce(() =>
          (status === 'DOWN' ? logger.warn.bind(logger) : logger.info.bind(logger))({ service, url, status, reason }, 'server health changed')),
        ...(worker !== null ? { activeHealthChecks: false } : {}),
      });
    } catch (err) {
      // A bug in build(): keep serving the previous state (Caddy's rule).
      logger.error({ err }, 'building the configuration failed; the previous one stays in effect');
      return;
    }
    let tcpState: BuiltTcpState;
    let udpState: BuiltUdpState;
    try {
      tcpState = buildTcp(next, {
        clock,
        health,
        defaultTransport: config.tcpServersTransport,
        onHealthChange: (service, address, status, reason) => announce(() =>
          (status === 'DOWN' ? logger.warn.bind(logger) : logger.info.bind(logger))({ service, address, status, reason }, 'server health changed')),
        ...(worker !== null ? { activeHealthChecks: false } : {}),
        onServerError: (service, address, err) => logger.debug({ service, address, err: err.message }, 'TCP server error'),
      });
      udpState = buildUdp(next);
    } catch (err) {
      state.dispose();
      logger.error({ err }, 'building the configuration failed; the previous one stays in effect');
      return;
    }
    const tls = createTlsManager({
      tls: next.tls,
      httpRouters: tlsHttpRouters(next.http.routers),
      extraCertificates: acme !== null ? [...acme.certificates()] : worker?.certificates() ?? [],
      generatedCertificate,
      previous: routingState.tls,
    });
    if (acme !== null) requestAcmeCertificates(acme, next, config, warnUnknownResolver);
    state.tlsMisdirected = (entryPoint, host, serverName) => tls.entryPoint(entryPoint).isMisdirected(host, serverName);
    runtime = tls.diagnostics.length > 0 ? { ...next, diagnostics: [...next.diagnostics, ...tls.diagnostics] } : next;
    routingState = { httpsHosts: httpsHostsByEntryPoint(next), tcp: tcpState.entryPoints, tls };
    for (const { name, ep } of udpEntryPoints) ep.setHandler(udpState.entryPoints.get(name) ?? null);
    previousL4?.tcp.dispose();
    previousL4?.udp.dispose();
    previousL4 = { tcp: tcpState, udp: udpState };
    lastSnapshots = snapshots;
    watchTlsFiles(tls.watchedFiles());
    const previous = table.swap(state);
    previous?.dispose();
    liveStats.retain(liveStatsItems(next));
    prometheus?.configurationApplied(next);
    generation++;
    controlPlane?.shipConfiguration(snapshots, acme === null ? [] : [...acme.certificates()]);
    // A worker's control plane logs the diagnostics and the applied configuration for all of them.
    if (worker !== null) return;
    const all = collectDiagnostics(runtime);
    for (const d of all) (d.severity === 'error' ? logger.error.bind(logger) : logger.warn.bind(logger))({ code: d.code, resource: d.resource, path: d.path }, formatDiagnostic(d));
    const appliedGeneration = generation;
    announce(() => logger.info({
      generation: appliedGeneration,
      providers: [...snapshots.keys()].sort(),
      routers: next.http.routers.size,
      services: next.http.services.size,
      middlewares: next.http.middlewares.size,
      errors: all.filter((d) => d.severity === 'error').length,
    }, 'configuration applied'));
  };

  let previousL4: { tcp: BuiltTcpState; udp: BuiltUdpState } | null = null;
  const warnedResolvers = new Set<string>();
  const warnUnknownResolver = (router: string, resolver: string): void => {
    if (warnedResolvers.has(`${router}|${resolver}`)) return;
    warnedResolvers.add(`${router}|${resolver}`);
    logger.warn({ router, resolver }, 'the router names a certificate resolver that certificatesResolvers does not define; no certificate is ordered');
  };
  // Certificates obtained or renewed by ACME are served from the next handshake on.
  acme?.onChange(() => {
    if (lastSnapshots !== null && !terminating) apply(lastSnapshots);
  });
  // Certificate, key and CA files are watched apart from the configuration that names them:
  // replacing one on disk (cert-manager, certbot, a Secret update) rebuilds the TLS material.
  let lastSnapshots: ReadonlyMap<string, Snapshot> | null = null;
  let tlsWatch: FileWatch | null = null;
  let watchedKey = '';
  const watchTlsFiles = (files: readonly string[]): void => {
    const key = [...files].sort().join('\n');
    if (key === watchedKey) return;
    watchedKey = key;
    tlsWatch?.close();
    tlsWatch = files.length === 0 ? null : watchFiles(files, () => {
      if (lastSnapshots !== null && !terminating) {
        logger.info({ files }, 'TLS files changed');
        apply(lastSnapshots);
      }
    }, clock);
  };

  const aggregator = worker !== null ? worker.feed(apply) : createAggregator({
    providers,
    throttleMs: config.providers.providersThrottleDuration,
    clock,
    onConfig: apply,
    onProviderError: (provider, err) => logger.error({ provider, err }, 'provider failed'),
  });

  for (const { name, listener } of tcpEntryPoints) {
    const { host, port } = await listener.listen();
    ports.set(name, port);
    logger.info({ entryPoint: name, address: host, port }, 'entry point listening');
  }
  for (const [name, { host, port }] of controlPlane?.tcpListening ?? []) {
    ports.set(name, port);
    logger.info({ entryPoint: name, address: host, port }, 'entry point listening');
  }
  for (const { name, ep } of udpEntryPoints) {
    const { host, port } = await ep.listen();
    ports.set(name, port);
    logger.info({ entryPoint: name, address: host, port, protocol: 'udp' }, 'entry point listening');
  }
  /** Logs a shutdown phase; a worker tells its control plane, which logs the fleet's (and its own). */
  const phase = (name: string, entryPoint: string | undefined): void => {
    if (worker !== null) worker.shutdownPhase(name, entryPoint);
    else if (controlPlane === null) logger.info(entryPoint === undefined ? { phase: name } : { phase: name, entryPoint }, 'shutdown phase');
  };
  const providersStopped = new AbortController();
  const aggregatorDone = aggregator.run(providersStopped.signal).catch((err: unknown) => logger.error({ err }, 'providers stopped'));

  return {
    ports,
    async stop() {
      if (terminating) return;
      terminating = true;
      phase('terminating', undefined);
      // Statistics streams never end by themselves: end them so they do not hold up the stop.
      statsStream.closeAll();
      const udpStopped = Promise.all(udpEntryPoints.map(({ ep, graceTimeOut }) => ep.shutdown(graceTimeOut)));
      await Promise.all(tcpEntryPoints.map(({ name, http, listener, lifeCycle }) => stopEntryPoint({
        name,
        stopAccepting: () => {
          listener.close();
          http.stopAccepting();
        },
        // Forwarded TCP connections get the same grace as HTTP requests (Traefik's tracker).
        whenIdle: () => Promise.all([http.whenIdle(), listener.whenTcpIdle()]).then(() => undefined),
        closeAll: () => {
          http.closeAll();
          for (const c of listener.tcpConnections) c.close();
        },
      }, {
        requestAcceptGraceTimeoutMs: lifeCycle.requestAcceptGraceTimeout,
        graceTimeOutMs: lifeCycle.graceTimeOut,
      }, clock, { onPhase: (p, entryPoint) => phase(p, entryPoint) })));
      providersStopped.abort();
      tlsWatch?.close();
      aggregator.dispose();
      await aggregatorDone;
      await udpStopped;
      table.current?.dispose();
      previousL4?.tcp.dispose();
      previousL4?.udp.dispose();
      await acme?.dispose();
      await pools.dispose();
      await accessLog?.dispose();
    },
  };
}


/** The entry point's dispatch, through the access log when it needs to see response heads. */
function withAccessLog(accessLog: AccessLog | null, dispatch: (exchange: Exchange) => void): (exchange: Exchange) => void {
  return accessLog === null ? dispatch : accessLog.wrapDispatch(dispatch);
}

/** What the entry point listeners route by; replaced whole on every applied configuration. */
interface RoutingState {
  readonly httpsHosts: ReadonlyMap<string, HttpsHosts>;
  readonly tcp: ReadonlyMap<string, TcpRoutes>;
  readonly tls: TlsManager;
}

function collectDiagnostics(runtime: RuntimeConfig): Diagnostic[] {
  const out: Diagnostic[] = [...runtime.diagnostics];
  const sections = [runtime.http.routers, runtime.http.services, runtime.http.middlewares, runtime.http.serversTransports,
    runtime.tcp.routers, runtime.tcp.services, runtime.tcp.middlewares, runtime.udp.routers, runtime.udp.services];
  for (const s of sections) for (const item of s.values()) out.push(...item.diagnostics);
  return out;
}
