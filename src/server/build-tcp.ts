/**
 * buildTcp(): the TCP part of build(). Turns the TCP routers, services, middlewares and servers
 * transports of a RuntimeConfig into one route table per entry point, which the entry point's
 * connection code asks for the router of each connection (reference §1.4).
 *
 * As for HTTP, an item that cannot be built is disabled with a diagnostic and everything else
 * goes live; nothing here throws for a configuration mistake. Services are built once and shared
 * by the routers that use them (Traefik); middleware instances are per router (Traefik builds a
 * chain per router, so an inFlightConn counts per router).
 *
 * Servers transports follow Traefik's DialerManager: a loadBalancer naming a transport takes its
 * dial settings, terminationDelay and proxyProtocol; one naming none takes the static
 * `tcpServersTransport` (`default@internal`) with its own deprecated `terminationDelay` and
 * `proxyProtocol` when set (a warning says when they are ignored because a transport is named).
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../config/diagnostics.ts';
import type { RuntimeConfig, RuntimeItem } from '../config/runtime.ts';
import type { TcpService } from '../config/tcp.ts';
import type { StaticTcpServersTransportConfig } from '../config/static-transports.ts';
import { locateNearest } from '../config/issue-diagnostics.ts';
import type { Clock } from '../lib/clock.ts';
import type { TcpConnectionFacts, TcpConnectionMatcher } from '../lib/matcher.ts';
import { qualifyName, splitQualifiedName } from '../lib/qualified-name.ts';
import type { TcpHandler } from '../lib/tcp-connection.ts';
import { MiddlewareConfigError } from '../middlewares/middleware.ts';
import { buildTcpMiddleware } from '../middlewares/tcp/tcp-middleware.ts';
import { compareRoutes } from '../rules/priority.ts';
import type { HealthRegistry, HealthStatus } from '../services/health/server-health.ts';
import type { BuiltTcpService } from '../services/tcp/built-tcp-service.ts';
import { L4ServiceConfigError } from '../services/tcp/l4-service-error.ts';
import type { TcpDialSettings } from '../services/tcp/tcp-dial.ts';
import { createTcpLoadBalancer } from '../services/tcp/tcp-load-balancer.ts';
import { staticTcpTransportSettings, tcpTransportSettings, traefikDefaultTcpTransport } from '../services/tcp/tcp-transport-settings.ts';
import { createTcpWeighted, type TcpChildService } from '../services/tcp/tcp-weighted.ts';

export interface TcpBuildDeps {
  readonly clock: Clock;
  /** Server health records, kept across reloads by the running Switchyard. */
  readonly health: HealthRegistry;
  /** The static `tcpServersTransport` (default@internal); Traefik's defaults when absent. */
  readonly defaultTransport?: StaticTcpServersTransportConfig;
  /** Reads a certificate or key file named in a transport (tests may fake it). */
  readonly readFile?: (path: string) => string;
  readonly onHealthChange?: (service: string, address: string, status: HealthStatus, reason: string) => void;
  readonly onServerError?: (service: string, address: string, err: Error) => void;
  readonly onProbe?: (service: string, address: string, ok: boolean, reason: string) => void;
  /** False in a worker process: the control plane probes (server/workers/). Default true. */
  readonly activeHealthChecks?: boolean;
}

/** How the entry point must treat the TLS of a connection the router takes. */
export interface TcpRouteTls {
  /** Forward the TLS stream untouched (the peeked ClientHello replayed). */
  readonly passthrough: boolean;
  /** Qualified TLS options name to terminate with (`default` when the router names none). */
  readonly options: string;
}

/** The router a connection matched. */
export interface TcpRouteMatch {
  readonly routerName: string;
  /** Middlewares then service. */
  readonly handler: TcpHandler;
  /** null: a non-TLS router; the entry point hands the connection over as it is. */
  readonly tls: TcpRouteTls | null;
  /** The router's rule is exactly ``HostSNI(`*`)`` (Traefik ranks catch-alls after HTTPS routers). */
  readonly catchAll: boolean;
}

/** The TCP routers of one entry point, in the order they are tried. */
export interface TcpRouteTable {
  /**
   * The first router, by priority, then provider precedence, then name, whose rule matches.
   * A TLS connection (`facts.isTls`) is only matched against routers with `tls`, a non-TLS one
   * only against routers without, as Traefik's separate TCP and TCP-TLS muxers do.
   */
  find(facts: TcpConnectionFacts): TcpRouteMatch | undefined;
  /** Some router has `tls` (the entry point must read the ClientHello). */
  readonly hasTlsRouters: boolean;
  /** Some router has no `tls`. */
  readonly hasNonTlsRouters: boolean;
  /** Some router without `tls` is ``HostSNI(`*`)``: every non-TLS connection finds a router. */
  readonly hasCatchAllNonTls: boolean;
}

export interface BuiltTcpState {
  readonly entryPoints: ReadonlyMap<string, TcpRouteTable>;
  /** Built services by qualified name (serverStatus for the API). */
  readonly services: ReadonlyMap<string, BuiltTcpService>;
  /** Stops health checks; connections being forwarded are not cut. */
  dispose(): void;
}

interface Route {
  readonly name: string;
  readonly priority: number;
  readonly precedence: number;
  readonly matcher: TcpConnectionMatcher;
  readonly match: TcpRouteMatch;
}

/** Builds every enabled TCP router and the services and middlewares it uses. */
export function buildTcp(runtime: RuntimeConfig, deps: TcpBuildDeps): BuiltTcpState {
  const readFile = deps.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const services = new Map<string, BuiltTcpService>();
  const failed = new Set<string>();
  const building = new Set<string>();
  const transports = new Map<string, TcpDialSettings | string>();

  const defaultSettings = staticTcpTransportSettings(deps.defaultTransport ?? traefikDefaultTcpTransport, readFile);

  /** The settings of a named transport (qualified), or why it cannot be used (the transport is then disabled). */
  const namedSettings = (qualified: string): TcpDialSettings | string => {
    const known = transports.get(qualified);
    if (known !== undefined) return known;
    const item = runtime.tcp.serversTransports.get(qualified);
    let out: TcpDialSettings | string;
    if (item === undefined || item.config === null) out = `serversTransport "${qualified}" does not exist`;
    else if (item.status === 'disabled') out = `serversTransport "${qualified}" is disabled: ${item.errors.join('; ')}`;
    else {
      const settings = tcpTransportSettings(qualified, item.config, readFile);
      if ('code' in settings) {
        const path = `tcp.serversTransports.${localName(qualified)}${formatFieldPath(settings.field)}`;
        disableL4Item(item, settings.code, path, settings.field, settings.message);
        out = `serversTransport "${qualified}" cannot be used: ${settings.message}`;
      } else {
        out = settings;
      }
    }
    transports.set(qualified, out);
    return out;
  };

  const serviceBuilt = (qualified: string): BuiltTcpService | null => {
    const built = services.get(qualified);
    if (built !== undefined) return built;
    if (failed.has(qualified)) return null;
    const item = runtime.tcp.services.get(qualified);
    if (item === undefined || item.config === null || item.status === 'disabled' || building.has(qualified)) {
      failed.add(qualified);
      return null;
    }
    building.add(qualified);
    try {
      const b = buildService(item as RuntimeItem<TcpService> & { config: TcpService });
      if (b === null) failed.add(qualified);
      else services.set(qualified, b);
      return b;
    } finally {
      building.delete(qualified);
    }
  };

  const buildService = (item: RuntimeItem<TcpService> & { config: TcpService }): BuiltTcpService | null => {
    const { provider } = splitQualifiedName(item.name);
    const config = item.config;
    const path = `tcp.services.${localName(item.name)}.${config.kind}`;
    const field = (rest: readonly (string | number)[]) => [config.kind, ...rest];
    try {
      switch (config.kind) {
        case 'loadBalancer': {
          const lb = config.loadBalancer;
          const named = lb.serversTransport ?? '';
          let settings: TcpDialSettings | string;
          if (named === '' || named === 'default@internal') {
            settings = defaultSettings;
            if (typeof settings !== 'string') {
              settings = {
                ...settings,
                ...(lb.terminationDelay !== undefined ? { terminationDelayMs: lb.terminationDelay } : {}),
                ...(lb.proxyProtocol !== undefined ? { proxyProtocol: lb.proxyProtocol.version as 1 | 2 } : {}),
              };
            }
          } else {
            settings = namedSettings(qualifyName(named, provider));
            for (const deprecated of ['terminationDelay', 'proxyProtocol'] as const) {
              if (lb[deprecated] === undefined) continue;
              warnL4Item(item, 'SERVICE_DEPRECATED_OPTION_IGNORED', `${path}.${deprecated}`, field([deprecated]),
                `${deprecated} is ignored because the service names a serversTransport: set it on the transport`);
            }
          }
          if (typeof settings === 'string') {
            disableL4Item(item, 'SERVICE_TRANSPORT_UNAVAILABLE', `${path}.serversTransport`, field(['serversTransport']), settings);
            return null;
          }
          return createTcpLoadBalancer(item.name, lb, {
            settings,
            health: deps.health,
            clock: deps.clock,
            ...(deps.onHealthChange ? { onHealthChange: deps.onHealthChange } : {}),
            ...(deps.onServerError ? { onServerError: deps.onServerError } : {}),
            ...(deps.onProbe ? { onProbe: deps.onProbe } : {}),
            ...(deps.activeHealthChecks === false ? { activeHealthChecks: false } : {}),
          });
        }
        case 'weighted': {
          const children: TcpChildService[] = [];
          for (const [index, ref] of config.weighted.services.entries()) {
            const q = qualifyName(ref.name, provider);
            const child = serviceBuilt(q);
            if (child === null) {
              disableL4Item(item, 'SERVICE_CHILD_UNAVAILABLE', `${path}.services[${index}].name`, field(['services', index, 'name']),
                `child service "${q}" is not available`);
              return null;
            }
            children.push({ name: ref.name, weight: ref.weight, handler: child.handler, health: child.health });
          }
          return createTcpWeighted(item.name, config.weighted, children);
        }
        default: {
          const never: never = config;
          throw new Error(`unknown TCP service kind ${String(never)}`);
        }
      }
    } catch (err) {
      if (!(err instanceof L4ServiceConfigError)) throw err;
      disableL4Item(item, err.code, `${path}.${err.field}`, field(err.field.split(/[.[\]]+/).filter(Boolean).map(numberOr)), err.message);
      return null;
    }
  };

  /** Middlewares attempted by some router: the others are built once below to report their mistakes. */
  const attempted = new Set<string>();
  const middlewareChain = (names: readonly string[], service: TcpHandler): TcpHandler => {
    let handler = service;
    for (let i = names.length - 1; i >= 0; i--) handler = buildMiddleware(names[i]!)(handler);
    return handler;
  };
  const buildMiddleware = (qualified: string) => {
    attempted.add(qualified);
    const item = runtime.tcp.middlewares.get(qualified);
    if (item === undefined || item.config === null) throw new Error(`middleware "${qualified}" does not exist`);
    if (item.status === 'disabled') throw new Error(`middleware "${qualified}" is disabled: ${item.errors.join('; ')}`);
    try {
      return buildTcpMiddleware(item.config);
    } catch (err) {
      if (err instanceof MiddlewareConfigError) {
        const kind = item.config.kind;
        const rest = err.field === '' ? [] : err.field.split(/[.[\]]+/).filter(Boolean).map(numberOr);
        disableL4Item(item, err.code, `tcp.middlewares.${localName(qualified)}.${kind}${err.field === '' ? '' : `.${err.field}`}`, [kind, ...rest], err.message);
      }
      throw err;
    }
  };

  const perEntryPoint = new Map<string, Route[]>();
  for (const router of runtime.tcp.routers.values()) {
    if (router.status === 'disabled' || router.matcher === null || router.config === null) continue;
    const routerPath = `tcp.routers.${localName(router.name)}`;
    const service = serviceBuilt(router.service);
    if (service === null) {
      const why = runtime.tcp.services.get(router.service)?.errors.join('; ') || 'not built';
      disableL4Item(router, 'ROUTER_SERVICE_UNAVAILABLE', `${routerPath}.service`, ['service'], `the service "${router.service}" is not available: ${why}`);
      continue;
    }
    let handler: TcpHandler;
    try {
      handler = middlewareChain(router.middlewares, service.handler);
    } catch (err) {
      const code = err instanceof MiddlewareConfigError ? err.code : 'ROUTER_MIDDLEWARE_UNAVAILABLE';
      disableL4Item(router, code, `${routerPath}.middlewares`, ['middlewares'], (err as Error).message);
      continue;
    }
    const tlsConfig = router.config.tls;
    const { provider } = splitQualifiedName(router.name);
    const options = tlsConfig?.options;
    const match: TcpRouteMatch = {
      routerName: router.name,
      handler,
      tls: tlsConfig === undefined ? null : {
        passthrough: tlsConfig.passthrough,
        options: options === undefined || options === '' || options === 'default' ? 'default' : qualifyName(options, provider),
      },
      catchAll: router.matcher.catchAll,
    };
    for (const ep of router.using) {
      let list = perEntryPoint.get(ep);
      if (list === undefined) perEntryPoint.set(ep, (list = []));
      list.push({ name: router.name, priority: router.priority, precedence: router.precedence, matcher: router.matcher, match });
    }
  }

  // A middleware no router reached is still built once, so its own mistakes show on it.
  for (const [qualified, item] of runtime.tcp.middlewares) {
    if (attempted.has(qualified) || item.status === 'disabled' || item.config === null) continue;
    try {
      buildMiddleware(qualified);
    } catch {
      // Recorded on the middleware by buildMiddleware.
    }
  }

  // So are servers transports no service reached.
  for (const qualified of runtime.tcp.serversTransports.keys()) namedSettings(qualified);

  const entryPoints = new Map<string, TcpRouteTable>();
  for (const [ep, routes] of perEntryPoint) entryPoints.set(ep, createTcpRouteTable(routes));

  return {
    entryPoints,
    services,
    dispose() {
      for (const s of services.values()) s.dispose();
    },
  };
}

/** The route table over routes in any order. */
function createTcpRouteTable(routes: readonly Route[]): TcpRouteTable {
  const sorted = [...routes].sort(compareRoutes);
  const tlsRoutes = sorted.filter((r) => r.match.tls !== null);
  const plainRoutes = sorted.filter((r) => r.match.tls === null);
  return {
    find(facts) {
      const candidates = facts.isTls ? tlsRoutes : plainRoutes;
      for (const route of candidates) if (route.matcher.match(facts)) return route.match;
      return undefined;
    },
    hasTlsRouters: tlsRoutes.length > 0,
    hasNonTlsRouters: plainRoutes.length > 0,
    hasCatchAllNonTls: plainRoutes.some((r) => r.matcher.catchAll),
  };
}

function numberOr(part: string): string | number {
  return /^\d+$/.test(part) ? Number(part) : part;
}

/** `['tls', 'rootCAs', 0]` → `.tls.rootCAs[0]`. */
function formatFieldPath(field: readonly (string | number)[]): string {
  return field.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/** `name@provider` → `name`: diagnostic paths name items as the provider wrote them. */
export function localName(qualified: string): string {
  return splitQualifiedName(qualified).name;
}

/**
 * Disables a TCP or UDP item with an error diagnostic at `path` (full dotted path); `field` is
 * the same path inside the item, to find the line it was written on.
 */
export function disableL4Item(item: RuntimeItem<unknown>, code: string, path: string, field: readonly (string | number)[], message: string): void {
  item.status = 'disabled';
  record(item, 'error', code, path, field, message);
}

/** Records a warning on a TCP or UDP item that keeps serving. */
export function warnL4Item(item: RuntimeItem<unknown>, code: string, path: string, field: readonly (string | number)[], message: string): void {
  if (item.status === 'enabled') item.status = 'warning';
  record(item, 'warning', code, path, field, message);
}

function record(item: RuntimeItem<unknown>, severity: 'error' | 'warning', code: string, path: string, field: readonly (string | number)[], message: string): void {
  if (!item.errors.includes(message)) item.errors.push(message);
  const at = locateNearest(item.locate, [...field]);
  const d: Diagnostic = { severity, code, resource: item.name, path, message, ...(at !== undefined ? { source: at } : {}) };
  item.diagnostics.push(d);
}
