/**
 * resolve(): the merged configuration → RuntimeConfig. Pure: rules are compiled here, once;
 * every router, service and middleware gets a status (enabled | warning | disabled) with
 * Traefik-worded errors and precise diagnostics; a broken item is disabled and everything that
 * depends on it too, the rest goes live.
 *
 * Features Switchyard does not implement yet (a middleware or service kind not in
 * `supported`, TCP or UDP routing) disable the items using them with a diagnostic saying so:
 * never silently ignored.
 */
import type { Diagnostic } from '../config/diagnostics.ts';
import type {
  HttpMiddleware, HttpServersTransport, HttpService, TcpMiddleware, TcpServersTransport, TcpService, UdpService,
} from '../config/dynamic.ts';
import type { RuntimeConfig, RuntimeItem } from '../config/runtime.ts';
import type { EntryPointInfo } from './entry-points.ts';
import type { MergedConfig, MergedItem } from './merged-config.ts';
import { precedenceRanks } from './precedence.ts';
import { resolveHttpGraph } from './resolve-http-graph.ts';
import { resolveHttpRouters } from './resolve-http-routers.ts';
import { resolveL4Services } from './resolve-l4-services.ts';
import { resolveTcpRouters } from './resolve-tcp-routers.ts';
import { resolveUdpRouters } from './resolve-udp-routers.ts';
import { addProblem, createRuntimeItem, itemPath, type NotImplemented } from './runtime-items.ts';

/** What this build of Switchyard implements. */
export interface SupportedFeatures {
  /** HTTP middleware kinds (`stripPrefix`, `headers`, …). */
  readonly httpMiddlewares: ReadonlySet<string>;
  /** HTTP service kinds (`loadBalancer`, `weighted`, …). */
  readonly httpServices: ReadonlySet<string>;
  readonly tcp: boolean;
  readonly udp: boolean;
}

/** What resolve() needs from the static configuration and the build. */
export interface ResolveOptions {
  readonly entryPoints: readonly EntryPointInfo[];
  /** `core.defaultRuleSyntax` (Traefik default `v3`). */
  readonly defaultRuleSyntax: 'v3' | 'v2';
  /** `providers.precedence` (see `defaultProviderPrecedence`). */
  readonly precedence: readonly string[];
  readonly supported: SupportedFeatures;
  /**
   * Qualified names of the services Switchyard implements itself (`api@internal`,
   * `dashboard@internal`, `ping@internal`, `noop@internal`, …), which exist without any
   * configuration, as Traefik's built-in service builders.
   */
  readonly internalServices?: ReadonlySet<string>;
}

const tcpNotImplemented: NotImplemented = { code: 'TCP_NOT_IMPLEMENTED', message: 'TCP routing is not implemented yet in Switchyard' };
const udpNotImplemented: NotImplemented = { code: 'UDP_NOT_IMPLEMENTED', message: 'UDP routing is not implemented yet in Switchyard' };

function runtimeItems<T>(
  section: string, merged: ReadonlyMap<string, MergedItem<T, unknown>>, notImplemented?: NotImplemented,
): Map<string, RuntimeItem<T>> {
  const items = new Map<string, RuntimeItem<T>>();
  for (const [name, item] of merged) {
    const runtime = createRuntimeItem(item);
    if (notImplemented) addProblem(runtime, { critical: true, path: itemPath(section, name), ...notImplemented });
    items.set(name, runtime);
  }
  return items;
}

/** Resolves the merged configuration into the RuntimeConfig that build() and the API use. */
export function resolve(merged: MergedConfig, options: ResolveOptions): RuntimeConfig {
  const { supported } = options;
  const rank = precedenceRanks(options.precedence);
  const tlsOptions = new Set(Object.keys(merged.tls.options));
  const tcpOff = supported.tcp ? undefined : tcpNotImplemented;
  const udpOff = supported.udp ? undefined : udpNotImplemented;
  const epNames = (udp: boolean) => new Set(options.entryPoints.filter((ep) => ep.isUdp === udp).map((ep) => ep.name));

  const http = {
    services: runtimeItems<HttpService>('http.services', merged.http.services),
    middlewares: runtimeItems<HttpMiddleware>('http.middlewares', merged.http.middlewares),
    serversTransports: runtimeItems<HttpServersTransport>('http.serversTransports', merged.http.serversTransports),
    internalServices: options.internalServices ?? new Set<string>(),
  };
  resolveHttpGraph(merged.http, http, supported);
  const httpRouters = resolveHttpRouters(merged.http, http, {
    entryPoints: epNames(false), defaultRuleSyntax: options.defaultRuleSyntax, rank, tlsOptions,
  });

  const tcp = {
    services: runtimeItems<TcpService>('tcp.services', merged.tcp.services, tcpOff),
    middlewares: runtimeItems<TcpMiddleware>('tcp.middlewares', merged.tcp.middlewares, tcpOff),
    serversTransports: runtimeItems<TcpServersTransport>('tcp.serversTransports', merged.tcp.serversTransports, tcpOff),
  };
  resolveL4Services('tcp', merged.tcp.services, tcp.services, tcp.serversTransports);
  const tcpRouters = resolveTcpRouters(merged.tcp, tcp, {
    entryPoints: epNames(false), defaultRuleSyntax: options.defaultRuleSyntax, rank, tlsOptions,
  }, tcpOff);

  const udpServices = runtimeItems<UdpService>('udp.services', merged.udp.services, udpOff);
  resolveL4Services('udp', merged.udp.services, udpServices, new Map());
  const udpRouters = resolveUdpRouters(merged.udp, udpServices, epNames(true), udpOff);

  const diagnostics: Diagnostic[] = [...merged.diagnostics];
  return {
    http: { routers: httpRouters, services: http.services, middlewares: http.middlewares, serversTransports: http.serversTransports },
    tcp: { routers: tcpRouters, ...tcp },
    udp: { routers: udpRouters, services: udpServices },
    tls: merged.tls,
    diagnostics,
  };
}
