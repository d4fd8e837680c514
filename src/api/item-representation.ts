/**
 * RuntimeConfig items as Traefik's API prints them: the configured fields in Traefik's shape
 * (`{"loadBalancer": {...}}` rather than our `{kind, loadBalancer}`), then the runtime facts
 * (`status`, `error`, `usedBy`, `using`, `priority`) and the representation's own fields
 * (`name`, `provider`, `type`). Items that failed validation show what was written (`raw`).
 */
import {
  httpServiceKinds, type HttpMiddleware, type HttpService, type TcpMiddleware, type TcpService, type UdpService,
} from '../config/dynamic.ts';
import type {
  LiveViews, RuntimeHttpRouter, RuntimeItem, RuntimeTcpRouter, RuntimeUdpRouter,
} from '../config/runtime.ts';
import { isPlainObject } from '../config/config-object.ts';
import { toTraefikShape } from './traefik-shape.ts';

/** A JSON object as the API prints it. */
export type Json = Record<string, unknown>;

/** Traefik's default TLS options name, shown when a router's `tls` names none. */
const DEFAULT_TLS_OPTIONS = 'default';

/** What was written, for an item that did not pass validation. */
function rawShape(raw: unknown): Json {
  return isPlainObject(raw) ? { ...raw } : {};
}

/** `status`, `error`, `usedBy`: present on every item; lists left out when empty (omitempty). */
function runtimeFacts(item: RuntimeItem<unknown>): Json {
  const out: Json = { status: item.status };
  if (item.errors.length > 0) out['error'] = [...item.errors];
  if (item.usedBy.length > 0) out['usedBy'] = [...item.usedBy].sort();
  return out;
}

/** Fields of the representation itself; `rawdata` leaves them out, as Traefik does. */
function identity(item: RuntimeItem<unknown>, type?: string): Json {
  const out: Json = { name: item.name, provider: item.provider };
  if (type !== undefined && type !== '') out['type'] = type;
  return out;
}

/** The kind's key lower-cased (Traefik's `type`); for a plugin, the plugin's name. */
function typeOfKind(kind: string, config: unknown): string {
  if (kind === 'plugin' && typeof config === 'object' && config !== null) {
    const names = Object.keys(config);
    if (names.length === 1) return names[0]!.toLowerCase();
  }
  return kind.toLowerCase();
}

/** The type of an item known only by what was written: its first key naming a kind. */
function typeOfRaw(raw: unknown, kinds: readonly string[]): string {
  const keys = Object.keys(rawShape(raw));
  for (const key of keys) {
    const kind = kinds.find((k) => k.toLowerCase() === key.toLowerCase());
    if (kind !== undefined) return typeOfKind(kind, rawShape(raw)[key]);
  }
  return '';
}

/** `{kind, [kind]: config}` → `{[kind]: config in Traefik's shape}`. */
function kindShape(item: { readonly kind: string }): Json {
  const config = (item as unknown as Json)[item.kind];
  // A plugin's configuration is the plugin's own: printed as written.
  return { [item.kind]: item.kind === 'plugin' ? config : toTraefikShape(config, item.kind) };
}

/** Whether a representation is for a list/detail endpoint (with identity) or for `rawdata`. */
export type RepresentationMode = 'item' | 'rawdata';

function routerPriority(priority: number): Json {
  return { priority, priorityStr: String(priority) };
}

/** An HTTP router: `entryPoints` default to those in use, `tls.options` to `default`. */
export function representHttpRouter(router: RuntimeHttpRouter, mode: RepresentationMode = 'item'): Json {
  let fields: Json;
  if (router.config === null) {
    fields = rawShape(router.raw);
  } else {
    fields = toTraefikShape(router.config);
    if (router.config.entryPoints === undefined && router.using.length > 0) fields['entryPoints'] = [...router.using];
    if (router.config.tls !== undefined) {
      const tls = toTraefikShape(router.config.tls, 'tls');
      if (tls['options'] === undefined) tls['options'] = DEFAULT_TLS_OPTIONS;
      fields['tls'] = tls;
    }
  }
  const out: Json = { ...fields, ...runtimeFacts(router), ...routerPriority(router.priority) };
  if (router.using.length > 0) out['using'] = [...router.using];
  return mode === 'item' ? { ...out, ...identity(router) } : out;
}

/** A TCP router. */
export function representTcpRouter(router: RuntimeTcpRouter, mode: RepresentationMode = 'item'): Json {
  let fields: Json;
  if (router.config === null) {
    fields = rawShape(router.raw);
  } else {
    fields = toTraefikShape(router.config);
    if (router.config.entryPoints === undefined && router.using.length > 0) fields['entryPoints'] = [...router.using];
  }
  const out: Json = { ...fields, ...runtimeFacts(router), ...routerPriority(router.priority) };
  if (router.using.length > 0) out['using'] = [...router.using];
  return mode === 'item' ? { ...out, ...identity(router) } : out;
}

/** A UDP router (no rule, no priority). */
export function representUdpRouter(router: RuntimeUdpRouter, mode: RepresentationMode = 'item'): Json {
  let fields: Json;
  if (router.config === null) {
    fields = rawShape(router.raw);
  } else {
    fields = toTraefikShape(router.config);
    if (router.config.entryPoints === undefined && router.using.length > 0) fields['entryPoints'] = [...router.using];
  }
  const out: Json = { ...fields, ...runtimeFacts(router) };
  if (router.using.length > 0) out['using'] = [...router.using];
  return mode === 'item' ? { ...out, ...identity(router) } : out;
}

const TCP_UDP_SERVICE_KINDS = ['loadBalancer', 'weighted'];

/** An HTTP service, with `serverStatus` for a loadBalancer whose servers have a known status. */
export function representHttpService(
  service: RuntimeItem<HttpService>, live: LiveViews, mode: RepresentationMode = 'item',
): Json {
  const config = service.config;
  const out: Json = config === null ? rawShape(service.raw) : kindShape(config);
  if (config !== null && config.middlewares.length > 0) out['middlewares'] = [...config.middlewares];
  Object.assign(out, runtimeFacts(service));
  if (config?.kind === 'loadBalancer') {
    const status = live.serverStatus(service.name);
    if (status !== undefined && Object.keys(status).length > 0) out['serverStatus'] = { ...status };
  }
  // Switchyard's live facts sit under their own key so Traefik's shape is untouched.
  const details = config === null ? undefined : live.serviceDetails?.(service.name);
  if (details !== undefined) out['switchyard'] = { ...details };
  if (mode === 'rawdata') return out;
  const type = config === null ? typeOfRaw(service.raw, httpServiceKinds) : typeOfKind(config.kind, null);
  return { ...out, ...identity(service, type) };
}

/** A TCP or UDP service. */
export function representTcpUdpService(
  service: RuntimeItem<TcpService | UdpService>, mode: RepresentationMode = 'item',
): Json {
  const config = service.config;
  const out: Json = { ...(config === null ? rawShape(service.raw) : kindShape(config)), ...runtimeFacts(service) };
  if (mode === 'rawdata') return out;
  const type = config === null ? typeOfRaw(service.raw, TCP_UDP_SERVICE_KINDS) : typeOfKind(config.kind, null);
  return { ...out, ...identity(service, type) };
}

/** An HTTP or TCP middleware; `kinds` lists the kind keys to recognise in raw config. */
export function representMiddleware(
  middleware: RuntimeItem<HttpMiddleware | TcpMiddleware>, kinds: readonly string[], mode: RepresentationMode = 'item',
): Json {
  const config = middleware.config;
  const out: Json = { ...(config === null ? rawShape(middleware.raw) : kindShape(config)), ...runtimeFacts(middleware) };
  if (mode === 'rawdata') return out;
  const type = config === null
    ? typeOfRaw(middleware.raw, kinds)
    : typeOfKind(config.kind, (config as unknown as Json)[config.kind]);
  return { ...out, ...identity(middleware, type) };
}
