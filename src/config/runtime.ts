/**
 * RuntimeConfig: the merged dynamic configuration with a status and diagnostics per item.
 * pipeline/resolve produces it; server/build turns it into handlers; api/ shows it.
 */
import type { Diagnostic } from './diagnostics.ts';
import type { Locate } from './issue-diagnostics.ts';
import type { HttpRequestMatcher, TcpConnectionMatcher } from '../lib/matcher.ts';
import type {
  HttpMiddleware, HttpRouter, HttpService, HttpServersTransport, TcpMiddleware, TcpRouter, TcpService,
  TcpServersTransport, TlsConfig, UdpRouter, UdpService,
} from './dynamic.ts';

/** `enabled`: serving; `warning`: serving with non-critical problems; `disabled`: not serving. */
export type ItemStatus = 'enabled' | 'warning' | 'disabled';

export interface RuntimeItem<T> {
  /** Qualified name `name@provider`. */
  readonly name: string;
  readonly provider: string;
  /**
   * The item as configured and validated (names inside it as written, not qualified); null
   * when it did not pass validation (then `raw` holds what was written and status is disabled).
   */
  readonly config: T | null;
  /** The item exactly as the provider gave it, for the API of items that failed validation. */
  readonly raw: unknown;
  status: ItemStatus;
  /** Human-readable error strings as Traefik's API lists them. */
  readonly errors: string[];
  readonly diagnostics: Diagnostic[];
  /** Qualified names of the routers (or services) that use this item. */
  readonly usedBy: string[];
  /** Where fields inside the item were written (path relative to the item), when known. */
  readonly locate?: Locate;
}

export interface RuntimeHttpRouter extends RuntimeItem<HttpRouter> {
  /** Entry points the router is active on. */
  readonly using: string[];
  /** Effective priority (rule length when not configured). */
  readonly priority: number;
  /** Qualified service name, '' when the router has none. */
  readonly service: string;
  /** Qualified middleware names, entry point middlewares first. */
  readonly middlewares: readonly string[];
  /** Compiled rule; null when the router is disabled. */
  readonly matcher: HttpRequestMatcher | null;
  /** Provider precedence rank: lower wins among equal priorities. */
  readonly precedence: number;
}

export interface RuntimeTcpRouter extends RuntimeItem<TcpRouter> {
  readonly using: string[];
  readonly priority: number;
  readonly service: string;
  readonly middlewares: readonly string[];
  readonly matcher: TcpConnectionMatcher | null;
  readonly precedence: number;
}

export interface RuntimeUdpRouter extends RuntimeItem<UdpRouter> {
  readonly using: string[];
  readonly service: string;
}

/** Server status as the API shows it, keyed by server URL. */
export type ServerStatus = 'UP' | 'DOWN' | 'DRAINING';

export interface RuntimeConfig {
  readonly http: {
    readonly routers: ReadonlyMap<string, RuntimeHttpRouter>;
    readonly services: ReadonlyMap<string, RuntimeItem<HttpService>>;
    readonly middlewares: ReadonlyMap<string, RuntimeItem<HttpMiddleware>>;
    readonly serversTransports: ReadonlyMap<string, RuntimeItem<HttpServersTransport>>;
  };
  readonly tcp: {
    readonly routers: ReadonlyMap<string, RuntimeTcpRouter>;
    readonly services: ReadonlyMap<string, RuntimeItem<TcpService>>;
    readonly middlewares: ReadonlyMap<string, RuntimeItem<TcpMiddleware>>;
    readonly serversTransports: ReadonlyMap<string, RuntimeItem<TcpServersTransport>>;
  };
  readonly udp: {
    readonly routers: ReadonlyMap<string, RuntimeUdpRouter>;
    readonly services: ReadonlyMap<string, RuntimeItem<UdpService>>;
  };
  readonly tls: TlsConfig;
  /** Diagnostics not tied to one item (a file that does not parse, a provider failure). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Read-only live views the API shows next to the RuntimeConfig (implemented by server/ and
 * services/, handed to api/ by main.ts).
 */
export interface LiveViews {
  /** Server status per server URL of a loadBalancer service, or undefined when unknown. */
  serverStatus(serviceName: string): Readonly<Record<string, ServerStatus>> | undefined;
  /**
   * Live facts of a built service beyond serverStatus (health history and reasons, draining,
   * slow start, effective weights, affinity table size, mirror comparisons), or undefined.
   */
  serviceDetails?(serviceName: string): Readonly<Record<string, unknown>> | undefined;
}
