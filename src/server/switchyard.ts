/**
 * One running Switchyard: entry points, providers, the pipeline from snapshots to a live
 * routing state, internal services, and the graceful stop. main.ts composes it from the static
 * configuration; tests run the same code through the real binary.
 */
import { hostname } from 'node:os';
import type { Diagnostic } from '../config/diagnostics.ts';
import { formatDiagnostic } from '../config/diagnostics.ts';
import type { RuntimeConfig } from '../config/runtime.ts';
import type { Provider, Snapshot } from '../config/snapshot.ts';
import type { StaticConfig } from '../config/static.ts';
import { sendText, type Handler } from '../lib/exchange.ts';
import { createIpRangeSet } from '../lib/ip-range.ts';
import { createApiHandler } from '../api/api-handler.ts';
import { createPingHandler } from '../api/ping-handler.ts';
import type { AccessLog } from '../observability/access-log.ts';
import { createAccessLog } from '../observability/access-log.ts';
import type { Logger } from '../observability/logger.ts';
import { createAggregator } from '../pipeline/aggregator.ts';
import { createSystemClock, type Clock } from '../lib/clock.ts';
import type { EntryPointInfo } from '../pipeline/entry-points.ts';
import { merge } from '../pipeline/merge.ts';
import { defaultProviderPrecedence } from '../pipeline/precedence.ts';
import { resolve } from '../pipeline/resolve.ts';
import { createFileProvider } from '../providers/file/file-provider.ts';
import { implementedMiddlewareKinds } from '../middlewares/registry.ts';
import { createUpstreamPools } from '../proxy/upstream-pools.ts';
import { createHealthRegistry } from '../services/health/server-health.ts';
import { createPolicyMemoryRegistry } from '../services/policy-memory.ts';
import { createAffinityRegistry } from '../services/sticky/client-ip-affinity.ts';
import { build, implementedHttpServiceKinds, staticDefaultTransport, type BuiltState } from './build.ts';
import { stopEntryPoint } from './graceful-stop.ts';
import { createHttpEntryPoint, type HttpEntryPoint } from './http-entry-point.ts';
import { createInternalProvider } from './internal-provider.ts';
import { createRouterTable } from './router-table.ts';
import { unappliedStaticSettings } from './unapplied-settings.ts';

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
}

/** Starts everything the static configuration describes. */
export async function runSwitchyard(config: StaticConfig, logger: Logger, options: RunOptions = {}): Promise<RunningSwitchyard> {
  const startDate = new Date();
  for (const d of unappliedStaticSettings(config)) logger.warn({ code: d.code, path: d.path }, d.message);
  const clock = options.clock ?? createSystemClock();
  const pools = createUpstreamPools();
  const health = createHealthRegistry(clock);
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
  });

  const entryPointInfos: EntryPointInfo[] = [];
  const httpEntryPoints: { ep: HttpEntryPoint; lifeCycle: { requestAcceptGraceTimeout: number; graceTimeOut: number } }[] = [];
  for (const [name, ep] of Object.entries(config.entryPoints)) {
    // The static configuration parsed and validated the address (an invalid one is an error
    // that stops the start before we get here).
    const address = ep.listen;
    entryPointInfos.push({
      name,
      isUdp: address.protocol === 'udp',
      asDefault: ep.asDefault,
      ...(ep.http.middlewares.length > 0 ? { model: { middlewares: ep.http.middlewares } } : {}),
    });
    if (address.protocol === 'udp') {
      logger.warn({ entryPoint: name }, 'UDP entry points are not supported by Switchyard yet; ignored');
      continue;
    }
    const trusted = createIpRangeSet(ep.forwardedHeaders.trustedIPs);
    const entry = createHttpEntryPoint({
      name,
      host: address.host,
      port: address.port,
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
      dispatch: table.dispatcher(name),
      ...(accessLog !== null ? { onDone: (ex, ns) => accessLog.record(ex, ns) } : {}),
    });
    httpEntryPoints.push({ ep: entry, lifeCycle: ep.transport.lifeCycle });
  }

  const live = {
    serverStatus: (service: string) => table.current?.services.get(service)?.serverStatus(),
    serviceDetails: (service: string) => table.current?.services.get(service)?.details?.(),
  };
  const internal = new Map<string, Handler>();
  // noop@internal answers nothing useful by design: routers that always redirect use it.
  internal.set('noop@internal', (exchange) => sendText(exchange, 200, ''));
  // api@internal and ping@internal exist only when their static sections do, as in Traefik.
  if (config.api !== undefined) internal.set('api@internal', createApiHandler({
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

  const providers: Provider[] = [createInternalProvider(config)];
  if (config.providers.file !== undefined) {
    const f = config.providers.file;
    providers.push(createFileProvider({
      ...(f.filename ? { filename: f.filename } : {}),
      ...(f.directory ? { directory: f.directory } : {}),
      watch: f.watch,
    }));
  }

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
        tcp: false,
        udp: false,
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
        clock,
        random: Math.random,
        onHealthChange: (service, url, status, reason) =>
          (status === 'DOWN' ? logger.warn.bind(logger) : logger.info.bind(logger))({ service, url, status, reason }, 'server health changed'),
      });
    } catch (err) {
      // A bug in build(): keep serving the previous state (Caddy's rule).
      logger.error({ err }, 'building the configuration failed; the previous one stays in effect');
      return;
    }
    runtime = next;
    const previous = table.swap(state);
    previous?.dispose();
    generation++;
    const all = collectDiagnostics(next);
    for (const d of all) (d.severity === 'error' ? logger.error.bind(logger) : logger.warn.bind(logger))({ code: d.code, resource: d.resource, path: d.path }, formatDiagnostic(d));
    logger.info({
      generation,
      providers: [...snapshots.keys()].sort(),
      routers: next.http.routers.size,
      services: next.http.services.size,
      middlewares: next.http.middlewares.size,
      errors: all.filter((d) => d.severity === 'error').length,
    }, 'configuration applied');
  };

  const aggregator = createAggregator({
    providers,
    throttleMs: config.providers.providersThrottleDuration,
    clock,
    onConfig: apply,
    onProviderError: (provider, err) => logger.error({ provider, err }, 'provider failed'),
  });

  const ports = new Map<string, number>();
  for (const { ep } of httpEntryPoints) {
    const { host, port } = await ep.listen();
    ports.set(ep.name, port);
    logger.info({ entryPoint: ep.name, address: host, port }, 'entry point listening');
  }
  const providersStopped = new AbortController();
  const aggregatorDone = aggregator.run(providersStopped.signal).catch((err: unknown) => logger.error({ err }, 'providers stopped'));

  return {
    ports,
    async stop() {
      if (terminating) return;
      terminating = true;
      logger.info({ phase: 'terminating' }, 'shutdown phase');
      await Promise.all(httpEntryPoints.map(({ ep, lifeCycle }) => stopEntryPoint(ep, {
        requestAcceptGraceTimeoutMs: lifeCycle.requestAcceptGraceTimeout,
        graceTimeOutMs: lifeCycle.graceTimeOut,
      }, clock, { onPhase: (phase, entryPoint) => logger.info({ phase, entryPoint }, 'shutdown phase') })));
      providersStopped.abort();
      aggregator.dispose();
      await aggregatorDone;
      table.current?.dispose();
      await pools.dispose();
      await accessLog?.dispose();
    },
  };
}

function collectDiagnostics(runtime: RuntimeConfig): Diagnostic[] {
  const out: Diagnostic[] = [...runtime.diagnostics];
  const sections = [runtime.http.routers, runtime.http.services, runtime.http.middlewares, runtime.http.serversTransports,
    runtime.tcp.routers, runtime.tcp.services, runtime.tcp.middlewares, runtime.udp.routers, runtime.udp.services];
  for (const s of sections) for (const item of s.values()) out.push(...item.diagnostics);
  return out;
}
