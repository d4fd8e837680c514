/**
 * What merge() hands to resolve(): every provider's items under their qualified names, each with
 * its references already qualified with the provider of the item that makes them.
 */
import type { Diagnostic } from '../config/diagnostics.ts';
import type { Locate } from '../config/issue-diagnostics.ts';
import type {
  HttpMiddleware, HttpRouter, HttpServersTransport, HttpService, TcpMiddleware, TcpRouter, TcpServersTransport,
  TcpService, TlsConfig, UdpRouter, UdpService,
} from '../config/dynamic.ts';

/**
 * One item of the merged configuration. `config` is null when the provider rejected the item
 * (then `refs` is null too and `diagnostics` say why).
 */
export interface MergedItem<T, R> {
  /** Qualified name `name@provider`. */
  readonly name: string;
  readonly provider: string;
  /** The item as validated, names inside it as written (not qualified). */
  readonly config: T | null;
  /** What the provider gave, for the API of rejected items. */
  readonly raw: unknown;
  /** Qualified references, in configuration order; null for a rejected item. */
  readonly refs: R | null;
  /** Diagnostics the provider attached to this item (validation errors, warnings). */
  readonly diagnostics: readonly Diagnostic[];
  /** Where fields inside the item were written, when the provider knows. */
  readonly locate?: Locate;
}

/** A qualified reference and the field that makes it, relative to the item (`weighted.services[0].name`). */
export interface Reference {
  readonly name: string;
  readonly field: string;
}

/** References of an HTTP router. */
export interface HttpRouterRefs {
  /** Entry points as configured, or the default entry points when none are. */
  readonly entryPoints: readonly string[];
  /** Qualified service name, '' when the router names none. */
  readonly service: string;
  /** Qualified middlewares, entry point (model) middlewares first. */
  readonly middlewares: readonly Reference[];
  /** Qualified TLS options name (`default` stays `default`); '' without `tls`. */
  readonly tlsOptions: string;
  /** Qualified parent routers (multi-layer routing). */
  readonly parentRefs: readonly string[];
}

/** References of an HTTP service. */
export interface HttpServiceRefs {
  /** Qualified child services (weighted, mirroring main and mirrors, failover main and fallback, hrw). */
  readonly services: readonly Reference[];
  /** Qualified service-level middlewares. */
  readonly middlewares: readonly Reference[];
  /** Qualified servers transport of a loadBalancer; '' for the default one. */
  readonly serversTransport: string;
}

/** References of an HTTP middleware. */
export interface HttpMiddlewareRefs {
  /** Qualified middlewares of a chain. */
  readonly middlewares: readonly Reference[];
  /** Qualified services it calls (the `errors` middleware's `service`). */
  readonly services: readonly Reference[];
}

/** References of a TCP router. */
export interface TcpRouterRefs {
  readonly entryPoints: readonly string[];
  readonly service: string;
  readonly middlewares: readonly Reference[];
  /** Qualified TLS options name; '' without `tls` or with passthrough. */
  readonly tlsOptions: string;
}

/** References of a TCP or UDP service. */
export interface L4ServiceRefs {
  /** Qualified children of a weighted service. */
  readonly services: readonly Reference[];
  /** Qualified servers transport of a TCP loadBalancer; '' for the default one. */
  readonly serversTransport: string;
}

/** References of a UDP router. */
export interface UdpRouterRefs {
  readonly entryPoints: readonly string[];
  readonly service: string;
}

/** An item without references. */
export type NoRefs = Readonly<Record<string, never>>;

/** A merged HTTP router. */
export type MergedHttpRouter = MergedItem<HttpRouter, HttpRouterRefs>;
/** A merged HTTP service. */
export type MergedHttpService = MergedItem<HttpService, HttpServiceRefs>;
/** A merged HTTP middleware. */
export type MergedHttpMiddleware = MergedItem<HttpMiddleware, HttpMiddlewareRefs>;
/** A merged TCP router. */
export type MergedTcpRouter = MergedItem<TcpRouter, TcpRouterRefs>;
/** A merged TCP service. */
export type MergedTcpService = MergedItem<TcpService, L4ServiceRefs>;
/** A merged UDP router. */
export type MergedUdpRouter = MergedItem<UdpRouter, UdpRouterRefs>;
/** A merged UDP service. */
export type MergedUdpService = MergedItem<UdpService, L4ServiceRefs>;

/** The merged configuration of every provider, keyed by qualified name. */
export interface MergedConfig {
  readonly http: {
    readonly routers: ReadonlyMap<string, MergedHttpRouter>;
    readonly services: ReadonlyMap<string, MergedHttpService>;
    readonly middlewares: ReadonlyMap<string, MergedHttpMiddleware>;
    readonly serversTransports: ReadonlyMap<string, MergedItem<HttpServersTransport, NoRefs>>;
  };
  readonly tcp: {
    readonly routers: ReadonlyMap<string, MergedTcpRouter>;
    readonly services: ReadonlyMap<string, MergedTcpService>;
    readonly middlewares: ReadonlyMap<string, MergedItem<TcpMiddleware, NoRefs>>;
    readonly serversTransports: ReadonlyMap<string, MergedItem<TcpServersTransport, NoRefs>>;
  };
  readonly udp: {
    readonly routers: ReadonlyMap<string, MergedUdpRouter>;
    readonly services: ReadonlyMap<string, MergedUdpService>;
  };
  /** TLS options and stores under qualified names (`default` stays `default`); certificates concatenated. */
  readonly tls: TlsConfig;
  /** Diagnostics not tied to one item: provider-level ones and merge conflicts. */
  readonly diagnostics: readonly Diagnostic[];
}
