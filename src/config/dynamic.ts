/**
 * Traefik's dynamic configuration (`http`, `tcp`, `udp`, `tls`) as Switchyard holds it once
 * parsed: every section and collection present (possibly empty), durations in milliseconds,
 * Traefik's defaults applied, services and middlewares as discriminated unions on `kind`.
 *
 * This module is the entry point for consumers: it re-exports every schema and type of the
 * dynamic configuration and the item-by-item parser.
 */
import type { Diagnostic } from './diagnostics.ts';
import type { HttpMiddleware } from './http-middlewares.ts';
import type { HttpRouter } from './http-routers.ts';
import type { HttpServersTransport } from './http-servers-transports.ts';
import type { HttpService } from './http-services.ts';
import type { TcpMiddleware, TcpRouter, TcpServersTransport, TcpService } from './tcp.ts';
import type { TlsConfig } from './tls.ts';
import type { UdpRouter, UdpService } from './udp.ts';

export * from './http-routers.ts';
export * from './http-services.ts';
export * from './http-servers-transports.ts';
export * from './http-middlewares.ts';
export * from './http-middlewares-auth.ts';
export * from './http-middlewares-headers.ts';
export * from './http-middlewares-paths.ts';
export * from './http-middlewares-traffic.ts';
export * from './tcp.ts';
export * from './udp.ts';
export * from './tls.ts';
export * from './tls-files.ts';
export { parseDynamicConfig, type ParseDynamicOptions, type ParsedDynamicConfig } from './parse-dynamic-config.ts';
export { parseDynamicFile, isDynamicConfigFile, dynamicFileExtensions, type ParsedDynamicFile } from './parse-dynamic-file.ts';

/** The whole dynamic configuration of one provider (names unqualified, as written). */
export interface DynamicConfig {
  readonly http: {
    readonly routers: Readonly<Record<string, HttpRouter>>;
    readonly services: Readonly<Record<string, HttpService>>;
    readonly middlewares: Readonly<Record<string, HttpMiddleware>>;
    readonly serversTransports: Readonly<Record<string, HttpServersTransport>>;
  };
  readonly tcp: {
    readonly routers: Readonly<Record<string, TcpRouter>>;
    readonly services: Readonly<Record<string, TcpService>>;
    readonly middlewares: Readonly<Record<string, TcpMiddleware>>;
    readonly serversTransports: Readonly<Record<string, TcpServersTransport>>;
  };
  readonly udp: {
    readonly routers: Readonly<Record<string, UdpRouter>>;
    readonly services: Readonly<Record<string, UdpService>>;
  };
  readonly tls: TlsConfig;
}

/** The collections whose items are validated (and rejected) one by one. */
export type ItemSection =
  | 'http.routers' | 'http.services' | 'http.middlewares' | 'http.serversTransports'
  | 'tcp.routers' | 'tcp.services' | 'tcp.middlewares' | 'tcp.serversTransports'
  | 'udp.routers' | 'udp.services';

/** An item that failed validation: shown by the API as disabled, with its diagnostics. */
export interface RejectedItem {
  readonly section: ItemSection;
  /** The item's name as written (unqualified). */
  readonly name: string;
  /** The item exactly as the provider gave it. */
  readonly raw: unknown;
  readonly diagnostics: Diagnostic[];
}

/** A new, empty dynamic configuration. */
export function emptyDynamicConfig(): DynamicConfig {
  return {
    http: { routers: {}, services: {}, middlewares: {}, serversTransports: {} },
    tcp: { routers: {}, services: {}, middlewares: {}, serversTransports: {} },
    udp: { routers: {}, services: {} },
    tls: { certificates: [], options: {}, stores: {} },
  };
}
