/**
 * build(): the only place where configuration becomes objects with behaviour. Takes a
 * RuntimeConfig and yields the handlers the entry points dispatch through. A service or router
 * that cannot be built is disabled with a diagnostic; everything else goes live.
 */
import type { HttpMiddleware, HttpService } from '../config/dynamic.ts';
import type { Diagnostic, SourceLocation } from '../config/diagnostics.ts';
import type { StaticServersTransportConfig } from '../config/static-transports.ts';
import type { RuntimeConfig, RuntimeItem } from '../config/runtime.ts';
import type { HttpRequestMatcher } from '../lib/matcher.ts';
import type { Exchange, Handler, RequestHead } from '../lib/exchange.ts';
import { qualifyName, splitQualifiedName } from '../lib/qualified-name.ts';
import { buildMiddleware } from '../middlewares/registry.ts';
import { MiddlewareConfigError, type Middleware } from '../middlewares/middleware.ts';
import { describeProblems, resolveServersTransport, transportProblems, unusableTransport } from '../proxy/servers-transport.ts';
import { defaultTransport, type TransportSettings, type UpstreamPools } from '../proxy/upstream-pools.ts';
import { createHttpRouteTable } from '../rules/route-table.ts';
import type { BuiltService } from '../services/built-service.ts';
import { createFailover, FailoverBuildError } from '../services/failover/failover.ts';
import { createLoadBalancer, unsupportedLoadBalancerFeatures, type ServiceStateDeps } from '../services/load-balancer.ts';
import { createMirroring } from '../services/mirroring/mirroring.ts';
import { ChildNotHealthAwareError, createHighestRandomWeight, createWeighted, type ChildService } from '../services/weighted.ts';
import { withServiceEntry } from './service-entry.ts';

/** The HTTP service kinds build() can make (resolve disables the others with a diagnostic). */
export const implementedHttpServiceKinds: ReadonlySet<string> = new Set(['loadBalancer', 'weighted', 'mirroring', 'failover', 'highestRandomWeight']);

export interface BuildDeps extends ServiceStateDeps {
  readonly pools: UpstreamPools;
  /** Internal services by qualified name (`api@internal`, `ping@internal`, …). */
  readonly internal: ReadonlyMap<string, Handler>;
  readonly notAppendXForwardedFor: boolean;
  /** Transport used when a service names none (from the static `serversTransport`). */
  readonly defaultTransport?: TransportSettings;
}

export interface EntryPointRoutes {
  /** The matching router's handler; undefined: no route (404); null: bad path encoding (400). */
  find(request: RequestHead): Handler | undefined | null;
}

export interface BuiltState {
  /** Per entry point: the routers for plain connections, and those with `tls` for TLS ones. */
  readonly entryPoints: ReadonlyMap<string, { readonly plain?: EntryPointRoutes; readonly tls?: EntryPointRoutes }>;
  readonly services: ReadonlyMap<string, BuiltService>;
  /**
   * Traefik's domain-fronting check (snicheck): true when a request's Host maps to other TLS
   * options than its connection's SNI on that entry point, so it is answered 421 and a client
   * cannot reach a host with stricter options over a laxer connection. Set by the caller that
   * owns the TLS material.
   */
  tlsMisdirected?: (entryPoint: string, host: string, serverName: string) => boolean;
  dispose(): void;
}

/**
 * Disables an item with a diagnostic at `path` (the full dotted path, `http.services.app.…`).
 * The diagnostic carries the file:line of that field when the provider knows where the item
 * was written, or `source` when given.
 */
function disable(item: RuntimeItem<unknown>, code: string, path: string, message: string, source?: SourceLocation): void {
  item.status = 'disabled';
  item.errors.push(message);
  const at = source ?? item.locate?.(fieldWithinItem(item.name, path));
  const d: Diagnostic = { severity: 'error', code, resource: item.name, path, message, ...(at !== undefined ? { source: at } : {}) };
  item.diagnostics.push(d);
}

/** `http.services.app.weighted.healthCheck` → `['weighted', 'healthCheck']` for item `app@…`. */
function fieldWithinItem(qualified: string, path: string): (string | number)[] {
  const section = /^(?:http|tcp|udp)\.[A-Za-z]+\./.exec(path);
  const local = localName(qualified);
  let rest = section === null ? path : path.slice(section[0].length);
  if (rest.startsWith(local)) rest = rest.slice(local.length);
  return parseFieldPath(rest);
}

/** `.a.b[2].c` or `b[2].c` → `['a', 'b', 2, 'c']`. */
function parseFieldPath(text: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/**
 * The transport services use when they name none: `default@internal`, from static
 * `serversTransport`. A static section that cannot be used (unreadable rootCAs, spiffe) gives a
 * stand-in whose problems transportFor reports on every service that relies on it.
 */
export function staticDefaultTransport(config: StaticServersTransportConfig): TransportSettings {
  const r = resolveServersTransport('default@internal', config);
  return r.ok ? r.settings : unusableTransport('default@internal', r.problems);
}

/** Builds every enabled router and the services and middlewares they use. */
export function build(runtime: RuntimeConfig, deps: BuildDeps): BuiltState {
  const services = new Map<string, BuiltService>();
  /** Middleware clean-ups (pools, timers), run when this state is disposed. */
  const disposers: (() => void)[] = [];
  const failed = new Set<string>();
  const building = new Set<string>();

  const transportFor = (serviceProvider: string, name: string | undefined): TransportSettings => {
    const q = name === undefined || name === '' ? 'default@internal' : qualifyName(name, serviceProvider);
    if (q === 'default@internal') {
      const t = deps.defaultTransport ?? defaultTransport;
      const problems = transportProblems(t);
      if (problems !== undefined) {
        throw new Error(`the default servers transport (static serversTransport) cannot be used: ${describeProblems(problems, 'serversTransport.')}`);
      }
      return t;
    }
    const item = runtime.http.serversTransports.get(q);
    if (item?.config == null) throw new Error(`serversTransport "${q}" does not exist`);
    if (item.status === 'disabled') throw new Error(`servers transport "${q}" is disabled: ${item.errors.join('; ')}`);
    const r = resolveServersTransport(q, item.config);
    if (r.ok) return r.settings;
    // The transport itself is wrong: say so on it, at each field's line, then on the service.
    for (const p of r.problems) disable(item, p.code, `http.serversTransports.${localName(q)}.${p.field}`, p.message);
    throw new Error(`servers transport "${q}" cannot be used: ${describeProblems(r.problems, '')}`);
  };

  /**
   * A child's handler as its parent calls it: with live statistics, it first counts the request
   * on the parent's counter for this child (exact shares even when children are shared).
   */
  const countedChild = (parent: string, child: string, handler: Handler): Handler => {
    if (deps.liveStats === undefined || parent.endsWith('@internal')) return handler;
    const count = deps.liveStats.child(parent, child);
    return (exchange) => {
      count.requests++;
      return handler(exchange);
    };
  };

  /** Returns the built service (with its service-level middlewares), or null if it cannot be built. */
  const serviceBuilt = (qualified: string): BuiltService | null => {
    const internal = deps.internal.get(qualified);
    if (internal !== undefined) return { handler: internal, serverStatus: () => undefined, health: null, dispose() {} };
    const built = services.get(qualified);
    if (built !== undefined) return built;
    if (failed.has(qualified)) return null;
    const item = runtime.http.services.get(qualified);
    if (item === undefined || item.config === null || item.status === 'disabled' || building.has(qualified)) {
      failed.add(qualified);
      return null;
    }
    building.add(qualified);
    try {
      const built = buildService(item as RuntimeItem<HttpService> & { config: HttpService });
      if (built === null) {
        failed.add(qualified);
        return null;
      }
      const b = withServiceEntry(qualified, built, deps.liveStats);
      services.set(qualified, b);
      return b;
    } finally {
      building.delete(qualified);
    }
  };

  const buildService = (item: RuntimeItem<HttpService> & { config: HttpService }): BuiltService | null => {
    const { provider } = splitQualifiedName(item.name);
    const config = item.config;
    const path = `http.services.${localName(item.name)}.${config.kind}`;
    /** The built child services, or null (the item is disabled) when one is not available. */
    const childrenOf = (refs: readonly { name: string; weight: number }[], field: string): ChildService[] | null => {
      const out: ChildService[] = [];
      for (const ref of refs) {
        const q = qualifyName(ref.name, provider);
        const child = serviceBuilt(q);
        if (child === null) {
          disable(item, 'SERVICE_CHILD_UNAVAILABLE', `${path}.${field}`, `child service "${q}" is not available`);
          return null;
        }
        out.push({ name: ref.name, weight: ref.weight, handler: countedChild(item.name, q, child.handler), health: child.health });
      }
      return out;
    };
    let built: BuiltService;
    try {
      switch (config.kind) {
        case 'loadBalancer': {
          const missing = unsupportedLoadBalancerFeatures(config.loadBalancer);
          if (missing.length > 0) {
            disable(item, 'SERVICE_FEATURE_NOT_IMPLEMENTED', path, `not implemented yet in Switchyard: ${missing.join(', ')}`);
            return null;
          }
          let transport: TransportSettings;
          try {
            transport = transportFor(provider, config.loadBalancer.serversTransport);
          } catch (err) {
            disable(item, 'SERVICE_TRANSPORT_NOT_FOUND', `${path}.serversTransport`, (err as Error).message);
            return null;
          }
          built = createLoadBalancer(item.name, config.loadBalancer, { ...deps, transport });
          break;
        }
        case 'weighted': {
          const children = childrenOf(config.weighted.services, 'services');
          if (children === null) return null;
          built = createWeighted(item.name, config.weighted, children, deps.affinity);
          break;
        }
        case 'highestRandomWeight': {
          const children = childrenOf(config.highestRandomWeight.services, 'services');
          if (children === null) return null;
          built = createHighestRandomWeight(item.name, config.highestRandomWeight, children);
          break;
        }
        case 'mirroring': {
          const m = config.mirroring;
          const main = serviceBuilt(qualifyName(m.service, provider));
          if (main === null) {
            disable(item, 'SERVICE_CHILD_UNAVAILABLE', `${path}.service`, `service "${qualifyName(m.service, provider)}" is not available`);
            return null;
          }
          const mirrors = childrenOf(m.mirrors.map((x) => ({ name: x.name, weight: 1 })), 'mirrors');
          if (mirrors === null) return null;
          const liveStats = deps.liveStats;
          built = createMirroring(item.name, m, {
            main,
            mirrors: m.mirrors.map((x, i) => ({ name: x.name, percent: x.percent, compare: x.compare, handler: mirrors[i]!.handler })),
            ...(liveStats !== undefined ? { onMirrorEnded: (copy: Exchange, status: number) => liveStats.mirrorDone(copy, status) } : {}),
          });
          break;
        }
        case 'failover': {
          const f = config.failover;
          const main = serviceBuilt(qualifyName(f.service, provider));
          const fallback = serviceBuilt(qualifyName(f.fallback, provider));
          if (main === null || fallback === null) {
            const which = main === null ? ['service', f.service] : ['fallback', f.fallback];
            disable(item, 'SERVICE_CHILD_UNAVAILABLE', `${path}.${which[0]!}`, `service "${qualifyName(which[1]!, provider)}" is not available`);
            return null;
          }
          built = createFailover(item.name, f, { main, fallback, clock: deps.clock });
          break;
        }
        default: {
          const never: never = config;
          throw new Error(`unknown service kind ${String(never)}`);
        }
      }
    } catch (err) {
      if (err instanceof ChildNotHealthAwareError) {
        disable(item, 'SERVICE_CHILD_NOT_HEALTH_AWARE', `${path}.healthCheck`, err.message);
        return null;
      }
      if (err instanceof FailoverBuildError) {
        disable(item, 'SERVICE_CHILD_NOT_HEALTH_AWARE', `${path}.${err.field}`, err.message);
        return null;
      }
      throw err;
    }
    if (config.middlewares.length === 0) return built;
    // Service-level middlewares run after the router's; the wrapper keeps the health signal
    // (Traefik: middlewares do not break health propagation).
    let wrapped: Handler;
    try {
      wrapped = wrapWithMiddlewares(built.handler, config.middlewares.map((m) => qualifyName(m, provider)), middlewareBuilder());
    } catch (err) {
      // A middleware of this service cannot be built: the service is disabled (and so the
      // routers that use it), never the whole configuration.
      built.dispose();
      const code = err instanceof MiddlewareConfigError ? err.code : 'SERVICE_MIDDLEWARE_UNAVAILABLE';
      const source = err instanceof MiddlewareConfigError ? err.source : undefined;
      disable(item, code, `http.services.${localName(item.name)}.middlewares`, (err as Error).message, source);
      return null;
    }
    return { ...built, handler: wrapped, serverStatus: () => built.serverStatus(), dispose: () => built.dispose(), ...(built.details ? { details: () => built.details!() } : {}) };
  };

  /** A middleware builder for one router: instances are per router, as Traefik builds them. */
  const attempted = new Set<string>();
  const unreachable: Handler = () => {
    throw new Error('a probed middleware never serves');
  };
  const probeService = (ref: string): Handler | null => {
    const item = runtime.http.services.get(ref);
    return item === undefined || item.status === 'disabled' || item.config === null ? null : unreachable;
  };
  /** `probe`: built only to find its mistakes; services it names are looked up, not built. */
  const middlewareBuilder = (probe = false): ((qualified: string) => Middleware) => {
    const stack = new Set<string>();
    const buildOne = (qualified: string): Middleware => {
      attempted.add(qualified);
      const item = runtime.http.middlewares.get(qualified);
      if (item === undefined || item.config === null) throw new Error(`middleware "${qualified}" does not exist`);
      if (item.status === 'disabled') throw new Error(`middleware "${qualified}" is disabled: ${item.errors.join('; ')}`);
      if (stack.has(qualified)) throw new Error(`recursion detected in middleware "${qualified}"`);
      stack.add(qualified);
      try {
        const { provider } = splitQualifiedName(qualified);
        const config = item.config as HttpMiddleware;
        try {
          return buildMiddleware(config, {
            name: qualified,
            provider,
            build: buildOne,
            service: probe ? probeService : (ref) => serviceBuilt(ref)?.handler ?? null,
            clock: deps.clock,
            pools: deps.pools,
            onDispose: (fn) => disposers.push(fn),
          });
        } catch (err) {
          // The middleware itself is wrong: say so on it, at the field's line, and let the
          // routers that use it say they are disabled because of it.
          if (err instanceof MiddlewareConfigError) {
            const path = `http.middlewares.${localName(qualified)}.${config.kind}${err.field === '' ? '' : `.${err.field}`}`;
            disable(item, err.code, path, err.message);
            const at = item.diagnostics.at(-1)?.source;
            if (err.source === undefined && at !== undefined) err.source = at;
          }
          throw err;
        }
      } finally {
        stack.delete(qualified);
      }
    };
    return buildOne;
  };

  const perEntryPoint = new Map<string, { name: string; priority: number; precedence: number; matcher: HttpRequestMatcher; value: Handler }[]>();
  for (const router of runtime.http.routers.values()) {
    if (router.status === 'disabled' || router.matcher === null) continue;
    const svc = serviceBuilt(router.service)?.handler ?? null;
    if (svc === null) {
      const why = runtime.http.services.get(router.service)?.errors.join('; ') ?? 'not built';
      disable(router, 'ROUTER_SERVICE_UNAVAILABLE', `http.routers.${localName(router.name)}.service`,
        `the service "${router.service}" is not available: ${why}`);
      continue;
    }
    let handler: Handler;
    try {
      handler = wrapWithMiddlewares(svc, router.middlewares, middlewareBuilder());
    } catch (err) {
      const code = err instanceof MiddlewareConfigError ? err.code : 'ROUTER_MIDDLEWARE_UNAVAILABLE';
      const source = err instanceof MiddlewareConfigError ? err.source : undefined;
      disable(router, code, `http.routers.${localName(router.name)}.middlewares`, (err as Error).message, source);
      continue;
    }
    const routerName = router.name;
    const inner = handler;
    // Live statistics leave out Switchyard's own routers (API, dashboard), as Traefik's metrics do.
    const stats = routerName.endsWith('@internal') ? undefined : deps.liveStats;
    const routerStats = stats?.router(routerName);
    const named: Handler = stats === undefined || routerStats === undefined ? (exchange: Exchange) => {
      exchange.log.routerName = routerName;
      return inner(exchange);
    } : (exchange: Exchange) => {
      exchange.log.routerName = routerName;
      stats.routerStarted(exchange, routerStats);
      return inner(exchange);
    };
    // A router with `tls` answers only on TLS connections, one without only on plain ones
    // (Traefik): serving a TLS router over plain HTTP would expose what the user protected.
    const tlsRouter = router.config?.tls !== undefined;
    for (const ep of router.using) {
      const key = tlsRouter ? `${ep}\u0000tls` : ep;
      let list = perEntryPoint.get(key);
      if (list === undefined) perEntryPoint.set(key, (list = []));
      list.push({ name: router.name, priority: router.priority, precedence: router.precedence, matcher: router.matcher, value: named });
    }
  }

  // A middleware no served router reached (unused, or behind a router already disabled for
  // another reason) is still built once, so that its own mistakes are reported on it, at their
  // line, by `check` and the API, instead of surfacing only when a router starts using it.
  for (const [qualified, item] of runtime.http.middlewares) {
    if (attempted.has(qualified) || item.status === 'disabled' || item.config === null) continue;
    try {
      middlewareBuilder(true)(qualified);
    } catch {
      // Recorded on the middleware by buildOne; nothing serves it.
    }
  }

  // A servers transport no service uses is still resolved once, so that its own mistakes
  // (an unreadable rootCAs file, a bad certificate) are reported on it, at their line.
  for (const [qualified, item] of runtime.http.serversTransports) {
    if (item.status === 'disabled' || item.config === null) continue;
    try {
      transportFor(splitQualifiedName(qualified).provider, qualified);
    } catch {
      // Recorded on the transport by transportFor.
    }
  }

  const entryPoints = new Map<string, { plain?: EntryPointRoutes; tls?: EntryPointRoutes }>();
  for (const [key, routes] of perEntryPoint) {
    const tls = key.endsWith('\u0000tls');
    const ep = tls ? key.slice(0, -4) : key;
    const tables = entryPoints.get(ep) ?? {};
    entryPoints.set(ep, tls ? { ...tables, tls: createHttpRouteTable(routes) } : { ...tables, plain: createHttpRouteTable(routes) });
  }

  return {
    entryPoints,
    services,
    dispose() {
      for (const s of services.values()) s.dispose();
      for (const d of disposers) d();
    },
  };
}

/** Diagnostic paths name items as the provider wrote them (`http.services.app`), like the parser. */
function localName(qualified: string): string {
  return splitQualifiedName(qualified).name;
}

function wrapWithMiddlewares(handler: Handler, qualifiedNames: readonly string[], buildOne: (q: string) => Middleware): Handler {
  let h = handler;
  for (let i = qualifiedNames.length - 1; i >= 0; i--) h = buildOne(qualifiedNames[i]!)(h);
  return h;
}
