/**
 * merge(): every provider's snapshot into one configuration keyed by qualified names
 * [Traefik pkg/server/aggregator.go mergeConfiguration, applyModel]. Pure: no I/O, no clock.
 *
 * It qualifies names and references, gives routers without entry points the default ones,
 * splits HTTP routers over entry points that carry a model, carries rejected items along as
 * items without config, and merges the `tls` section. Whether references resolve is resolve()'s
 * business.
 */
import type { Diagnostic } from '../config/diagnostics.ts';
import type {
  HttpRouter, ItemSection, RejectedItem, TlsCertificateConfig, TlsConfig, TlsOptionsConfig, TlsStoreConfig,
} from '../config/dynamic.ts';
import type { Snapshot } from '../config/snapshot.ts';
import { qualifyName, splitQualifiedName } from '../lib/qualified-name.ts';
import { defaultEntryPoints, defaultUdpEntryPoints, type EntryPointInfo } from './entry-points.ts';
import {
  httpMiddlewareRefs, httpServiceRefs, qualifyList, qualifyTlsOptions, tcpServiceRefs, udpServiceRefs,
} from './item-references.ts';
import type { MergedConfig, MergedHttpRouter, MergedItem } from './merged-config.ts';
import { precedenceRanks } from './precedence.ts';
import { splitByEntryPointModel } from './split-by-entry-point-model.ts';

/** What merge() needs from the static configuration. */
export interface MergeOptions {
  readonly entryPoints: readonly EntryPointInfo[];
  /** `providers.precedence`; only orders the output (resolve() ranks routers with it). */
  readonly precedence: readonly string[];
}

/** Merges the latest snapshot of every provider. */
export function merge(snapshots: ReadonlyMap<string, Snapshot>, options: MergeOptions): MergedConfig {
  const rank = precedenceRanks(options.precedence);
  const ordered = [...snapshots.values()].sort((a, b) => rank(a.provider) - rank(b.provider) || compare(a.provider, b.provider));
  const defaults = defaultEntryPoints(options.entryPoints);
  const udpDefaults = defaultUdpEntryPoints(options.entryPoints);
  const out = emptyMerged();
  const diagnostics: Diagnostic[] = [];

  for (const snapshot of ordered) {
    const { provider, config } = snapshot;
    const attached = attachDiagnostics(snapshot);
    const item = <T, R>(section: ItemSection, name: string, value: T, refs: R): MergedItem<T, R> => {
      const locate = snapshot.locators?.get(`${section} ${name}`);
      return {
        name: qualifyName(name, provider), provider, config: value, raw: value, refs,
        diagnostics: attached.take(section, name),
        ...(locate !== undefined ? { locate } : {}),
      };
    };

    for (const [name, router] of Object.entries(config.http.routers)) {
      const entryPoints = router.entryPoints?.length ? router.entryPoints : defaults;
      const routerDiagnostics = attached.take('http.routers', name);
      for (const part of splitByEntryPointModel(name, router, entryPoints, options.entryPoints)) {
        out.http.routers.set(qualifyName(part.name, provider), httpRouter(part.name, part.router, part.entryPoints, provider, routerDiagnostics));
      }
    }
    for (const [name, service] of Object.entries(config.http.services)) {
      out.http.services.set(qualifyName(name, provider), item('http.services', name, service, httpServiceRefs(service, provider)));
    }
    for (const [name, middleware] of Object.entries(config.http.middlewares)) {
      out.http.middlewares.set(qualifyName(name, provider), item('http.middlewares', name, middleware, httpMiddlewareRefs(middleware, provider)));
    }
    for (const [name, transport] of Object.entries(config.http.serversTransports)) {
      out.http.serversTransports.set(qualifyName(name, provider), item('http.serversTransports', name, transport, {}));
    }
    for (const [name, router] of Object.entries(config.tcp.routers)) {
      const refs = {
        entryPoints: router.entryPoints?.length ? router.entryPoints : defaults,
        service: router.service ? qualifyName(router.service, provider) : '',
        middlewares: qualifyList(router.middlewares, provider, 'middlewares'),
        tlsOptions: router.tls && !router.tls.passthrough ? qualifyTlsOptions(router.tls.options, provider) : '',
      };
      out.tcp.routers.set(qualifyName(name, provider), item('tcp.routers', name, router, refs));
    }
    for (const [name, service] of Object.entries(config.tcp.services)) {
      out.tcp.services.set(qualifyName(name, provider), item('tcp.services', name, service, tcpServiceRefs(service, provider)));
    }
    for (const [name, middleware] of Object.entries(config.tcp.middlewares)) {
      out.tcp.middlewares.set(qualifyName(name, provider), item('tcp.middlewares', name, middleware, {}));
    }
    for (const [name, transport] of Object.entries(config.tcp.serversTransports)) {
      out.tcp.serversTransports.set(qualifyName(name, provider), item('tcp.serversTransports', name, transport, {}));
    }
    for (const [name, router] of Object.entries(config.udp.routers)) {
      const refs = {
        entryPoints: router.entryPoints?.length ? router.entryPoints : udpDefaults,
        service: router.service ? qualifyName(router.service, provider) : '',
      };
      out.udp.routers.set(qualifyName(name, provider), item('udp.routers', name, router, refs));
    }
    for (const [name, service] of Object.entries(config.udp.services)) {
      out.udp.services.set(qualifyName(name, provider), item('udp.services', name, service, udpServiceRefs(service, provider)));
    }
    for (const rejected of snapshot.rejected) addRejected(out, rejected, provider, attached.take(rejected.section, rejected.name), diagnostics);
    diagnostics.push(...attached.rest());
  }

  return { ...out, tls: mergeTls(ordered, diagnostics), diagnostics };
}

function httpRouter(name: string, router: HttpRouter, entryPoints: readonly string[], provider: string, diagnostics: readonly Diagnostic[]): MergedHttpRouter {
  return {
    name: qualifyName(name, provider),
    provider,
    config: router,
    raw: router,
    refs: {
      entryPoints,
      service: router.service ? qualifyName(router.service, provider) : '',
      middlewares: qualifyList(router.middlewares, provider, 'middlewares'),
      tlsOptions: router.tls ? qualifyTlsOptions(router.tls.options, provider) : '',
      parentRefs: (router.parentRefs ?? []).map((ref) => qualifyName(ref, provider)),
    },
    diagnostics,
  };
}

type MutableMerged = {
  [P in 'http' | 'tcp' | 'udp']: { [S in keyof MergedConfig[P]]: MergedConfig[P][S] extends ReadonlyMap<string, infer V> ? Map<string, V> : never };
};

function emptyMerged(): MutableMerged {
  return {
    http: { routers: new Map(), services: new Map(), middlewares: new Map(), serversTransports: new Map() },
    tcp: { routers: new Map(), services: new Map(), middlewares: new Map(), serversTransports: new Map() },
    udp: { routers: new Map(), services: new Map() },
  };
}

/** A rejected item becomes an item without config; a valid item of the same name keeps its place. */
function addRejected(out: MutableMerged, rejected: RejectedItem, provider: string, attached: readonly Diagnostic[], global: Diagnostic[]): void {
  const [protocol, collection] = rejected.section.split('.') as [keyof MutableMerged, string];
  const items = (out[protocol] as Record<string, Map<string, MergedItem<unknown, unknown>>>)[collection]!;
  const name = qualifyName(rejected.name, provider);
  const diagnostics = [...rejected.diagnostics, ...attached];
  if (items.has(name)) {
    global.push(...diagnostics);
    return;
  }
  items.set(name, { name, provider, config: null, raw: rejected.raw, refs: null, diagnostics });
}

/**
 * Sorts a snapshot's diagnostics: one whose resource is an item's qualified name and whose path
 * lies inside that item belongs to the item; the others stay provider-level.
 */
function attachDiagnostics(snapshot: Snapshot) {
  const byItem = new Map<string, Diagnostic[]>();
  const rest: Diagnostic[] = [];
  for (const diagnostic of snapshot.diagnostics) {
    const { name, provider } = splitQualifiedName(diagnostic.resource);
    const section = provider === snapshot.provider ? sectionOf(diagnostic.path, name) : undefined;
    if (section === undefined) {
      rest.push(diagnostic);
      continue;
    }
    const key = `${section} ${name}`;
    byItem.set(key, [...(byItem.get(key) ?? []), diagnostic]);
  }
  return {
    /** Diagnostics of one item (each handed out once). */
    take(section: ItemSection, name: string): Diagnostic[] {
      const key = `${section} ${name}`;
      const found = byItem.get(key) ?? [];
      byItem.delete(key);
      return found;
    },
    /** Provider-level diagnostics, and item ones whose item does not exist. */
    rest(): Diagnostic[] {
      return [...rest, ...[...byItem.values()].flat()];
    },
  };
}

const sections: readonly ItemSection[] = [
  'http.routers', 'http.services', 'http.middlewares', 'http.serversTransports',
  'tcp.routers', 'tcp.services', 'tcp.middlewares', 'tcp.serversTransports', 'udp.routers', 'udp.services',
];

function sectionOf(path: string, name: string): ItemSection | undefined {
  return sections.find((section) => {
    const prefix = `${section}.${name}`;
    return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
  });
}

/**
 * TLS options and stores are qualified except `default`, which several providers may not both
 * define (Traefik then drops it and logs an error; here it is an error diagnostic). Certificates
 * are concatenated; certificates for the `acme-tls/1` store are only accepted from the ACME
 * TLS-ALPN provider.
 */
function mergeTls(snapshots: readonly Snapshot[], diagnostics: Diagnostic[]): TlsConfig {
  const certificates: TlsCertificateConfig[] = [];
  const options: Record<string, TlsOptionsConfig> = {};
  const stores: Record<string, TlsStoreConfig> = {};
  const defaultOptionsFrom: string[] = [];
  const defaultStoreFrom: string[] = [];
  for (const { provider, config } of snapshots) {
    for (const certificate of config.tls.certificates) {
      if (certificate.stores?.includes('acme-tls/1') && provider !== 'tlsalpn.acme') continue;
      certificates.push(certificate);
    }
    for (const [name, value] of Object.entries(config.tls.options)) {
      if (name === 'default') defaultOptionsFrom.push(provider);
      options[name === 'default' ? name : qualifyName(name, provider)] = value;
    }
    for (const [name, value] of Object.entries(config.tls.stores)) {
      if (name === 'default') defaultStoreFrom.push(provider);
      stores[name === 'default' ? name : qualifyName(name, provider)] = value;
    }
  }
  if (defaultOptionsFrom.length > 1) {
    delete options['default'];
    diagnostics.push(tlsConflict('TLS_DEFAULT_OPTIONS_CONFLICT', 'tls.options.default', `Default TLS Options defined in multiple providers [${defaultOptionsFrom.join(' ')}]`));
  }
  if (defaultStoreFrom.length > 1) {
    delete stores['default'];
    diagnostics.push(tlsConflict('TLS_DEFAULT_STORE_CONFLICT', 'tls.stores.default', `Default TLS Store defined in multiple providers: [${defaultStoreFrom.join(' ')}]`));
  }
  return { certificates, options, stores };
}

function tlsConflict(code: string, path: string, message: string): Diagnostic {
  return { severity: 'error', code, resource: 'default', path, message };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
