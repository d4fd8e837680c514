/**
 * Traefik 1.x dynamic files (`[frontends]`, `[backends]`, `[[tls]]`) translated into the v3
 * shape (`http.routers`, `http.services`, `http.middlewares`, `tls.certificates`) before
 * validation. Pure: the same document always gives the same value and diagnostics.
 *
 * A file may mix 1.x sections with v3 ones (`http`, `tcp`, `udp`): the 1.x part is translated
 * and the rest kept; when a translated item takes a name the v3 part already uses, the 1.x
 * frontend or backend is dropped with a diagnostic. Names: routers are named after frontends,
 * services after backends, middlewares `<frontend or backend>-<feature>`.
 */
import type { Diagnostic } from '../../../config/diagnostics.ts';
import type { ConfigPath, Locate } from '../../../config/issue-diagnostics.ts';
import { translateV1Backend } from './translate-v1-backend.ts';
import { translateV1Frontend, v1PassHostHeaderDefault, type V1FrontendTranslation } from './translate-v1-frontend.ts';
import { translateV1Tls } from './translate-v1-tls.ts';
import { createV1Context, isMap, type V1Context, type V1Item } from './v1-context.ts';

/** Options of `translateV1`. */
export interface TranslateV1Options {
  /** Locates 1.x paths in the file: diagnostics then carry line:column. */
  readonly locate?: Locate;
}

/** A translated item's path in the v3 document and the 1.x path it comes from. */
export interface V1Origin {
  readonly path: ConfigPath;
  readonly origin: ConfigPath;
}

/** The v3 document, the translation's diagnostics, and where each translated item comes from. */
export interface V1Translation {
  readonly value: Record<string, unknown>;
  readonly diagnostics: Diagnostic[];
  readonly origins: readonly V1Origin[];
}

const v3Sections = ['http', 'tcp', 'udp', 'tls'];

/** True when a parsed dynamic file is (at least partly) in the Traefik 1.x format. */
export function isV1Document(raw: unknown): raw is Record<string, unknown> {
  if (!isMap(raw)) return false;
  return Object.entries(raw).some(([key, value]) => {
    const lower = key.toLowerCase();
    return lower === 'frontends' || lower === 'backends' || (lower === 'tls' && Array.isArray(value));
  });
}

/** One frontend or backend and everything translated from it: kept or dropped together. */
interface Unit {
  readonly kind: 'frontend' | 'backend';
  readonly name: string;
  readonly origin: ConfigPath;
  readonly item: V1Item;
  readonly middlewares: ReadonlyMap<string, V1Item>;
}

function keyOf(map: Record<string, unknown>, name: string): string | undefined {
  return Object.keys(map).find((key) => key.toLowerCase() === name);
}

/** The names a v3 section already uses, or null when it is not a table (nothing can be added). */
function existingNames(http: unknown, collection: string): Set<string> | null {
  if (http === undefined || http === null) return new Set();
  if (!isMap(http)) return null;
  const key = keyOf(http, collection);
  const items = key === undefined ? undefined : http[key];
  if (items === undefined || items === null) return new Set();
  return isMap(items) ? new Set(Object.keys(items)) : null;
}

/** Keeps units whose names are free (in the v3 part and among earlier units); reports the others. */
function claimNames(units: readonly Unit[], http: unknown, ctx: V1Context): Unit[] {
  const [routers, services, middlewares] = [existingNames(http, 'routers'), existingNames(http, 'services'), existingNames(http, 'middlewares')];
  if (routers === null || services === null || middlewares === null) {
    if (units.length > 0) {
      ctx.error('V1_NAME_CONFLICT', ['http'], 'the http section (or one of its collections) is not a table, so the translated Traefik 1.x items cannot be added to it');
    }
    return [];
  }
  const taken = { routers, services, middlewares };
  const owners = new Map<string, string>();
  const kept: Unit[] = [];
  for (const unit of units) {
    const collection = unit.kind === 'frontend' ? 'routers' : 'services';
    const wanted: [string, Set<string>, string][] = [
      [unit.name, taken[collection], collection === 'routers' ? 'router' : 'service'],
      ...[...unit.middlewares.keys()].map((name): [string, Set<string>, string] => [name, taken.middlewares, 'middleware']),
    ];
    const clash = wanted.find(([name, set, what]) => set.has(name) || owners.has(`${what} ${name}`));
    if (clash !== undefined) {
      const [name, , what] = clash;
      const owner = owners.get(`${what} ${name}`);
      ctx.warn('V1_NAME_CONFLICT', unit.origin, `the ${unit.kind} translates to the ${what} ${JSON.stringify(name)}, which `
        + `${owner === undefined ? 'the v3 part of the file already defines' : `${owner} also produces`}; the ${unit.kind} is dropped`
        + (unit.kind === 'backend' ? ' (frontends using it reach the service of that name, if any)' : ''));
      continue;
    }
    for (const [name, , what] of wanted) owners.set(`${what} ${name}`, `${unit.kind} ${JSON.stringify(unit.name)}`);
    kept.push(unit);
  }
  return kept;
}

/** Sets each service's passHostHeader from the frontends that use it (1.x had it per frontend). */
function applyPassHostHeader(backends: readonly Unit[], frontends: readonly Unit[], translated: ReadonlyMap<string, V1FrontendTranslation>, ctx: V1Context): void {
  const services = new Map(backends.map((unit) => [unit.name, unit.item.value['loadBalancer'] as Record<string, unknown>]));
  const chosen = new Map<string, { frontend: string; value: boolean }>();
  for (const unit of frontends) {
    const frontend = translated.get(unit.name)!;
    const backend = frontend.backend!;
    const { value, path } = frontend.passHostHeader;
    if (!services.has(backend)) {
      if (value !== v1PassHostHeaderDefault) {
        ctx.warn('V1_NOT_TRANSLATED', path, `backend ${JSON.stringify(backend)} is not translated from this file, so passHostHeader = ${value} `
          + 'cannot be set on its service (v3 sets it per service); set passHostHeader in the file that defines the backend');
      }
      continue;
    }
    const first = chosen.get(backend);
    if (first === undefined) chosen.set(backend, { frontend: unit.name, value });
    else if (first.value !== value) {
      ctx.warn('V1_PASS_HOST_HEADER_CONFLICT', path, `frontends ${JSON.stringify(first.frontend)} and ${JSON.stringify(unit.name)} both send to backend `
        + `${JSON.stringify(backend)} with different passHostHeader; v3 sets it per service, so the service uses ${first.value} from ${JSON.stringify(first.frontend)}`);
    }
  }
  for (const [name, loadBalancer] of services) loadBalancer['passHostHeader'] = chosen.get(name)?.value ?? v1PassHostHeaderDefault;
}

/** A copy of the v3 `http` section (names checked by claimNames) with the units added. */
function withUnits(existing: unknown, units: readonly Unit[], origins: V1Origin[]): Record<string, unknown> {
  const http: Record<string, unknown> = { ...(existing as Record<string, unknown> | null | undefined) };
  const collection = (name: string): Record<string, unknown> => {
    const key = keyOf(http, name) ?? name;
    const copy = { ...(http[key] as Record<string, unknown> | null | undefined) };
    http[key] = copy;
    return copy;
  };
  const routers = collection('routers');
  const services = collection('services');
  const middlewares = collection('middlewares');
  for (const unit of units) {
    const section = unit.kind === 'frontend' ? 'routers' : 'services';
    (unit.kind === 'frontend' ? routers : services)[unit.name] = unit.item.value;
    origins.push({ path: ['http', section, unit.name], origin: unit.item.origin });
    for (const [name, item] of unit.middlewares) {
      middlewares[name] = item.value;
      origins.push({ path: ['http', 'middlewares', name], origin: item.origin });
    }
  }
  for (const name of ['routers', 'services', 'middlewares']) {
    const key = keyOf(http, name)!;
    if (Object.keys(http[key] as Record<string, unknown>).length === 0) delete http[key];
  }
  return http;
}

/**
 * Translates a 1.x dynamic document (`source` names the file in diagnostics). Diagnostics name
 * the 1.x path of what they concern (`backends.b.loadbalancer.method`).
 */
export function translateV1(raw: Record<string, unknown>, source: string, options: TranslateV1Options = {}): V1Translation {
  const ctx = createV1Context(source, options.locate);
  const kept: Record<string, unknown> = {};
  const v1: { frontends?: [string, unknown]; backends?: [string, unknown]; tls?: [string, unknown] } = {};
  for (const [key, value] of Object.entries(raw)) {
    const lower = key.toLowerCase();
    if (lower === 'frontends' || lower === 'backends') v1[lower] = [key, value];
    else if (lower === 'tls' && Array.isArray(value)) v1.tls = [key, value];
    else if (v3Sections.includes(lower)) kept[key] = value;
    else {
      ctx.warn('V1_UNKNOWN_FIELD', [key], `"${key}" is not a dynamic configuration section (expected frontends, backends, tls, `
        + 'or the v3 http, tcp, udp); static settings such as entryPoints or defaultEntryPoints belong in the static configuration. It is ignored');
    }
  }

  const backendUnits: Unit[] = [];
  if (v1.backends !== undefined) {
    const [key, value] = v1.backends;
    for (const [name, backend] of Object.entries(ctx.map(value, [key]) ?? {})) {
      const translated = translateV1Backend(name, backend, [key, name], ctx);
      if (translated.service !== undefined) {
        backendUnits.push({ kind: 'backend', name, origin: [key, name], item: translated.service, middlewares: translated.middlewares });
      }
    }
  }
  const frontendUnits: Unit[] = [];
  const frontends = new Map<string, V1FrontendTranslation>();
  if (v1.frontends !== undefined) {
    const [key, value] = v1.frontends;
    for (const [name, frontend] of Object.entries(ctx.map(value, [key]) ?? {})) {
      const translated = translateV1Frontend(name, frontend, [key, name], ctx);
      frontends.set(name, translated);
      if (translated.router !== undefined) {
        frontendUnits.push({ kind: 'frontend', name, origin: [key, name], item: translated.router, middlewares: translated.middlewares });
      }
    }
  }

  const httpKey = keyOf(kept, 'http') ?? 'http';
  const units = claimNames([...backendUnits, ...frontendUnits], kept[httpKey], ctx);
  applyPassHostHeader(units.filter((u) => u.kind === 'backend'), units.filter((u) => u.kind === 'frontend'), frontends, ctx);

  const origins: V1Origin[] = [];
  const value: Record<string, unknown> = { ...kept };
  if (units.length > 0) value[httpKey] = withUnits(kept[httpKey], units, origins);
  if (v1.tls !== undefined) {
    const [key, list] = v1.tls;
    const certificates = translateV1Tls(list, [key], ctx);
    certificates.forEach((item, index) => origins.push({ path: ['tls', 'certificates', index], origin: item.origin }));
    value[key] = { certificates: certificates.map((item) => item.value) };
  }
  return { value, diagnostics: ctx.diagnostics, origins };
}
