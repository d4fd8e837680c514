/**
 * The REST API (`api@internal`): Traefik's paths and JSON documents over the current
 * RuntimeConfig and read-only live views, plus Switchyard's `/api/diagnostics`. It never builds
 * or changes anything; every request reads the snapshot `getRuntime()` returns at that moment.
 */
import type { LiveViews, RuntimeConfig } from '../config/runtime.ts';
import { sendText, type Exchange, type Handler } from '../lib/exchange.ts';
import { API_COLLECTIONS, type CollectionView } from './api-collections.ts';
import { collectDiagnostics } from './collect-diagnostics.ts';
import type { Json } from './item-representation.ts';
import { sendJson, sendJsonError } from './json-response.ts';
import { buildOverview } from './overview.ts';
import { NEXT_PAGE_HEADER, paginate } from './pagination.ts';
import { buildRawdata } from './rawdata.ts';
import { parseSearchCriterion } from './search-criterion.ts';
import { sortItems } from './sort-items.ts';
import { staticField } from './static-field.ts';
import { toTraefikShape } from './traefik-shape.ts';

/** What the API reads; all of it is read per request, so it always shows the current state. */
export interface ApiDeps {
  /** The RuntimeConfig currently serving traffic. */
  readonly getRuntime: () => RuntimeConfig;
  /** The static configuration as configured (for `/api/overview` and `api.disableDashboardAd`). */
  readonly getStatic: () => unknown;
  /** Entry points with their static configuration as configured. */
  readonly entryPoints: () => readonly { readonly name: string; readonly config: unknown }[];
  readonly live: LiveViews;
  readonly version: { readonly version: string; readonly codename: string; readonly startDate: Date };
  /** `api.basePath`; default `/`. */
  readonly basePath?: string;
  /**
   * Switchyard's own endpoints beside Traefik's, by path below `/api/` (`stats`, `stats/stream`,
   * `explain`); GET only, like every API path.
   */
  readonly extensions?: ReadonlyMap<string, Handler>;
  /** Serves `/dashboard/…` (Traefik's `api@internal` serves the dashboard too); absent: 404. */
  readonly dashboard?: Handler;
}

type Route =
  | { readonly kind: 'extension'; readonly handler: Handler }
  | { readonly kind: 'rawdata' | 'overview' | 'version' | 'diagnostics' | 'entrypoints' }
  | { readonly kind: 'entrypoint'; readonly name: string }
  | { readonly kind: 'list'; readonly collection: CollectionView }
  | { readonly kind: 'item'; readonly collection: CollectionView; readonly name: string };

/** `{name}` path segments are escaped on the wire (`foo%2Fbar@file`). */
function unescapeName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Matches the escaped request path against the API's paths; null when none matches. */
function matchRoute(path: string, prefix: string, extensions: ReadonlyMap<string, Handler> | undefined): Route | null {
  if (!path.startsWith(`${prefix}/api/`)) return null;
  const rest = path.slice(prefix.length + '/api/'.length);
  const extension = extensions?.get(rest);
  if (extension !== undefined) return { kind: 'extension', handler: extension };
  const segments = rest.split('/');
  const [first = '', second, third, fourth] = segments;
  if (segments.length === 1) {
    switch (first) {
      case 'rawdata': case 'overview': case 'version': case 'diagnostics': case 'entrypoints':
        return { kind: first };
      default:
        return null;
    }
  }
  if (first === 'entrypoints') {
    return segments.length === 2 && second !== '' ? { kind: 'entrypoint', name: unescapeName(second!) } : null;
  }
  const view = API_COLLECTIONS[`${first}/${second ?? ''}`];
  if (view === undefined || segments.length > 3) return null;
  if (third === undefined) return { kind: 'list', collection: view };
  return third === '' || fourth !== undefined ? null : { kind: 'item', collection: view, name: unescapeName(third) };
}

/** `api.basePath` as a prefix without trailing slash (`/` → ''). */
function basePrefix(basePath: string | undefined): string {
  const trimmed = (basePath ?? '/').replace(/\/+$/, '');
  return trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Go's `time.Time` JSON: RFC 3339 with trailing zeros of the fraction removed. */
function goTimeJson(date: Date): string {
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_match, digits: string) => (digits === '' ? 'Z' : `.${digits}Z`));
}

function sendPage(exchange: Exchange, query: URLSearchParams, items: Json[]): void {
  const page = paginate(query, items.length);
  if ('error' in page) {
    sendJsonError(exchange, 400, page.error);
    return;
  }
  sendJson(exchange, 200, items.slice(page.start, page.end), [NEXT_PAGE_HEADER, String(page.nextPage)]);
}

function entryPointJson(entryPoint: { readonly name: string; readonly config: unknown }): Json {
  return { ...toTraefikShape(entryPoint.config), name: entryPoint.name };
}

/** Creates the API handler. */
export function createApiHandler(deps: ApiDeps): Handler {
  const prefix = basePrefix(deps.basePath);
  const dashboardPrefix = `${prefix}/dashboard`;
  return (exchange) => {
    const path = exchange.request.path;
    if (deps.dashboard !== undefined && (path === dashboardPrefix || path.startsWith(`${dashboardPrefix}/`))) {
      return deps.dashboard(exchange);
    }
    const route = matchRoute(path, prefix, deps.extensions);
    if (route === null) {
      sendText(exchange, 404, '404 page not found\n');
      return;
    }
    // Every API path is GET only; other methods on a known path get 405, as Traefik's router does.
    if (exchange.request.method !== 'GET') {
      sendText(exchange, 405, '');
      return;
    }
    const query = new URLSearchParams(exchange.request.query);
    switch (route.kind) {
      case 'extension':
        return route.handler(exchange);
      case 'overview':
        sendJson(exchange, 200, buildOverview(deps.getRuntime(), deps.getStatic()));
        return;
      case 'rawdata':
        sendJson(exchange, 200, buildRawdata(deps.getRuntime(), deps.live));
        return;
      case 'version':
        sendJson(exchange, 200, {
          Version: deps.version.version,
          Codename: deps.version.codename,
          startDate: goTimeJson(deps.version.startDate),
          disableDashboardAd: staticField(staticField(deps.getStatic(), 'api'), 'disableDashboardAd') === true,
        });
        return;
      case 'diagnostics':
        sendJson(exchange, 200, collectDiagnostics(deps.getRuntime()));
        return;
      case 'entrypoints': {
        const all = [...deps.entryPoints()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        sendPage(exchange, query, all.map(entryPointJson));
        return;
      }
      case 'entrypoint': {
        const entryPoint = deps.entryPoints().find((ep) => ep.name === route.name);
        if (entryPoint === undefined) sendJsonError(exchange, 404, `entry point not found: ${route.name}`);
        else sendJson(exchange, 200, entryPointJson(entryPoint));
        return;
      }
      case 'list': {
        const items = route.collection.list(deps.getRuntime(), deps.live, parseSearchCriterion(query));
        sortItems(items, query, route.collection.sortKeys);
        sendPage(exchange, query, items);
        return;
      }
      case 'item': {
        const item = route.collection.one(deps.getRuntime(), deps.live, route.name);
        if (item === undefined) sendJsonError(exchange, 404, `${route.collection.what} not found: ${route.name}`);
        else sendJson(exchange, 200, item);
        return;
      }
      default: {
        const unreachable: never = route;
        throw new Error(`unhandled API route ${JSON.stringify(unreachable)}`);
      }
    }
  };
}
