/**
 * The item collections of the API (`/api/http/routers`, …): where each reads its items, how it
 * prints them, which list filters apply and which sort keys it has.
 */
import { httpMiddlewareKinds } from '../config/dynamic.ts';
import type { LiveViews, RuntimeConfig, RuntimeItem } from '../config/runtime.ts';
import {
  representHttpRouter, representHttpService, representMiddleware, representTcpRouter, representTcpUdpService,
  representUdpRouter, type Json, type RepresentationMode,
} from './item-representation.ts';
import {
  matchesMiddleware, matchesSearch, matchesService, matchesStatus, type SearchCriterion,
} from './search-criterion.ts';
import { MIDDLEWARE_SORT_KEYS, ROUTER_SORT_KEYS, SERVICE_SORT_KEYS, type SortKey } from './sort-items.ts';
import { staticField } from './static-field.ts';

/** TCP middleware kinds, to recognise the kind of one that failed validation. */
export const TCP_MIDDLEWARE_KINDS = ['ipAllowList', 'ipWhiteList', 'inFlightConn'];

/** One collection of the API (`/api/http/routers`, …), with its item type erased. */
export interface CollectionView {
  /** `router`, `service` or `middleware`: the word of the 404 message. */
  readonly what: string;
  readonly sortKeys: Readonly<Record<string, SortKey>>;
  list(runtime: RuntimeConfig, live: LiveViews, criterion: SearchCriterion | null): Json[];
  one(runtime: RuntimeConfig, live: LiveViews, name: string): Json | undefined;
}

interface CollectionSpec<T> {
  readonly what: string;
  readonly sortKeys: Readonly<Record<string, SortKey>>;
  readonly items: (runtime: RuntimeConfig) => ReadonlyMap<string, T>;
  readonly represent: (item: T, live: LiveViews, mode: RepresentationMode) => Json;
  readonly keep: (item: T, criterion: SearchCriterion) => boolean;
}

function collection<T>(spec: CollectionSpec<T>): CollectionView {
  return {
    what: spec.what,
    sortKeys: spec.sortKeys,
    list(runtime, live, criterion) {
      const out: Json[] = [];
      for (const item of spec.items(runtime).values()) {
        if (criterion === null || spec.keep(item, criterion)) out.push(spec.represent(item, live, 'item'));
      }
      return out;
    },
    one(runtime, live, name) {
      const item = spec.items(runtime).get(name);
      return item === undefined ? undefined : spec.represent(item, live, 'item');
    },
  };
}

/** The router's rule or service as written, also for a router that failed validation. */
function writtenString(config: { readonly rule?: string | undefined; readonly service?: string | undefined } | null, raw: unknown,
  key: 'rule' | 'service'): string {
  if (config !== null) return config[key] ?? '';
  const value = staticField(raw, key);
  return typeof value === 'string' ? value : '';
}

const byNameAndStatus = (item: RuntimeItem<unknown>, c: SearchCriterion): boolean =>
  matchesStatus(c, item.status) && matchesSearch(c, item.name);

/** Router filters: status, search in rule and name, service, middleware (HTTP and TCP alike). */
function routerMatches(
  item: RuntimeItem<{ readonly rule?: string | undefined; readonly service?: string | undefined; readonly middlewares?: readonly string[] | undefined }>
    & { readonly service: string; readonly middlewares: readonly string[] },
  c: SearchCriterion,
): boolean {
  return matchesStatus(c, item.status) &&
    matchesSearch(c, writtenString(item.config, item.raw, 'rule'), item.name) &&
    matchesService(c, writtenString(item.config, item.raw, 'service'), item.service) &&
    matchesMiddleware(c, item.config?.middlewares ?? [], item.middlewares);
}

/** The collections by path (`http/routers`). */
export const API_COLLECTIONS: Readonly<Record<string, CollectionView>> = {
  'http/routers': collection({
    what: 'router',
    sortKeys: ROUTER_SORT_KEYS,
    items: (r) => r.http.routers,
    represent: (item, _live, mode) => representHttpRouter(item, mode),
    keep: routerMatches,
  }),
  'http/services': collection({
    what: 'service',
    sortKeys: SERVICE_SORT_KEYS,
    items: (r) => r.http.services,
    represent: (item, live, mode) => representHttpService(item, live, mode),
    keep: byNameAndStatus,
  }),
  'http/middlewares': collection({
    what: 'middleware',
    sortKeys: MIDDLEWARE_SORT_KEYS,
    items: (r) => r.http.middlewares,
    represent: (item, _live, mode) => representMiddleware(item, httpMiddlewareKinds, mode),
    keep: byNameAndStatus,
  }),
  'tcp/routers': collection({
    what: 'router',
    sortKeys: ROUTER_SORT_KEYS,
    items: (r) => r.tcp.routers,
    represent: (item, _live, mode) => representTcpRouter(item, mode),
    keep: routerMatches,
  }),
  'tcp/services': collection({
    what: 'service',
    sortKeys: SERVICE_SORT_KEYS,
    items: (r) => r.tcp.services,
    represent: (item, _live, mode) => representTcpUdpService(item, mode),
    keep: byNameAndStatus,
  }),
  'tcp/middlewares': collection({
    what: 'middleware',
    sortKeys: MIDDLEWARE_SORT_KEYS,
    items: (r) => r.tcp.middlewares,
    represent: (item, _live, mode) => representMiddleware(item, TCP_MIDDLEWARE_KINDS, mode),
    keep: byNameAndStatus,
  }),
  'udp/routers': collection({
    what: 'router',
    sortKeys: ROUTER_SORT_KEYS,
    items: (r) => r.udp.routers,
    represent: (item, _live, mode) => representUdpRouter(item, mode),
    keep: (item, c) => matchesStatus(c, item.status) && matchesSearch(c, item.name) &&
      matchesService(c, writtenString(item.config, item.raw, 'service'), item.service),
  }),
  'udp/services': collection({
    what: 'service',
    sortKeys: SERVICE_SORT_KEYS,
    items: (r) => r.udp.services,
    represent: (item, _live, mode) => representTcpUdpService(item, mode),
    keep: byNameAndStatus,
  }),
};
