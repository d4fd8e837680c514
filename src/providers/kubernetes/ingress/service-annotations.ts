/**
 * Service annotations that shape the v3 service built for a Service port:
 * - Traefik v2/v3 `traefik.ingress.kubernetes.io/service.*`: serversscheme, serverstransport,
 *   passhostheader, middlewares, nativelb, nodeportlb, sticky.cookie (and .name, .secure,
 *   .httponly, .samesite, .maxage, .path, .domain); any `sticky.cookie.*` key turns the cookie on,
 *   as Traefik's label decoder does;
 * - Traefik 1.x ones (see v1-service-annotations.ts).
 * A bad value leaves the service out (Traefik fails loadService on it); an unknown `service.*`
 * key is a warning (Traefik fails on it too).
 */
import type { KubeObject } from '../kube-objects.ts';
import { readAnnotations } from './annotation-values.ts';
import { annotationPath, type DiagnosticSink } from './ingress-diagnostics.ts';
import { traefikPrefix } from './router-annotations.ts';
import { readV1ServiceAnnotations } from './v1-service-annotations.ts';

/** What a Service's annotations say about its v3 service. */
export interface ServiceSettings {
  readonly scheme?: string;
  readonly nativeLB?: boolean;
  readonly nodePortLB?: boolean;
  /** loadBalancer fields other than servers (passHostHeader, serversTransport, sticky, strategy, …). */
  readonly loadBalancer: Readonly<Record<string, unknown>>;
  /** Service-level middlewares, in order (references as written, and generated ones). */
  readonly middlewares: readonly string[];
  /** Middlewares generated from 1.x annotations, by name. */
  readonly generated: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Where the cookie came from (to name it when another source overrides it). */
  readonly cookieSource?: string;
}

const cookieFields: Readonly<Record<string, string>> = {
  name: 'name', secure: 'secure', httponly: 'httpOnly', samesite: 'sameSite', maxage: 'maxAge', path: 'path', domain: 'domain',
};

/** Options that affect how Service annotations are read. */
export interface ServiceAnnotationOptions {
  readonly nativeLBByDefault: boolean;
  /** Namespaces allowed to reference other providers' items; empty: no restriction. */
  readonly crossProviderNamespaces: readonly string[];
}

/**
 * Reads the annotations of `service` for the v3 service `name`; null when one is invalid (the
 * service is left out).
 */
export function readServiceAnnotations(
  service: KubeObject, name: string, options: ServiceAnnotationOptions, sink: DiagnosticSink,
): ServiceSettings | null {
  const mark = sink.count();
  const reader = readAnnotations(service, sink);
  const loadBalancer: Record<string, unknown> = {};
  let scheme: string | undefined;
  let nativeLB = options.nativeLBByDefault;
  let nodePortLB = false;
  let middlewares: string[] = [];
  let cookieOn: boolean | undefined;
  const cookie: Record<string, unknown> = {};
  const prefix = `${traefikPrefix}service.`;

  for (const key of Object.keys(reader.all)) {
    if (!key.startsWith(prefix)) continue;
    const field = key.slice(prefix.length).toLowerCase();
    if (field.startsWith('sticky.cookie.')) {
      const target = cookieFields[field.slice('sticky.cookie.'.length)];
      if (target === undefined) {
        sink.warn('INGRESS_ANNOTATION_UNKNOWN', service, annotationPath(key),
          'unknown sticky cookie annotation (expected name, secure, httponly, samesite, maxage, path or domain); it is ignored');
      } else if (target === 'secure' || target === 'httpOnly') {
        const value = reader.bool(key);
        if (typeof value === 'boolean') cookie[target] = value;
      } else if (target === 'maxAge') {
        const value = reader.int(key);
        if (typeof value === 'number') cookie[target] = value;
      } else if (target === 'sameSite') {
        const value = reader.string(key)!;
        if (['', 'none', 'lax', 'strict'].includes(value.toLowerCase())) cookie[target] = value.toLowerCase();
        else reader.invalid(key, `expected none, lax or strict, got ${JSON.stringify(value)}`);
      } else {
        cookie[target] = reader.string(key);
      }
      continue;
    }
    switch (field) {
      case 'serversscheme': {
        const value = reader.string(key)!;
        if (value === 'http' || value === 'https' || value === 'h2c') scheme = value;
        else reader.invalid(key, `expected http, https or h2c, got ${JSON.stringify(value)}`);
        break;
      }
      case 'serverstransport': loadBalancer['serversTransport'] = reader.string(key); break;
      case 'passhostheader': {
        const value = reader.bool(key);
        if (typeof value === 'boolean') loadBalancer['passHostHeader'] = value;
        break;
      }
      case 'middlewares': middlewares = reader.list(key)!; break;
      case 'nativelb': {
        const value = reader.bool(key);
        if (typeof value === 'boolean') nativeLB = value;
        break;
      }
      case 'nodeportlb': {
        const value = reader.bool(key);
        if (typeof value === 'boolean') nodePortLB = value;
        break;
      }
      case 'sticky.cookie': {
        const value = reader.bool(key);
        if (typeof value === 'boolean') cookieOn = value;
        break;
      }
      default:
        sink.warn('INGRESS_ANNOTATION_UNKNOWN', service, annotationPath(key),
          'unknown service annotation (expected serversscheme, serverstransport, passhostheader, middlewares, nativelb, nodeportlb '
          + 'or sticky.cookie.*); it is ignored');
    }
  }

  const transport = loadBalancer['serversTransport'];
  const namespace = service.metadata.namespace ?? '';
  if (options.crossProviderNamespaces.length > 0 && !options.crossProviderNamespaces.includes(namespace)
    && typeof transport === 'string' && transport.includes('@')) {
    sink.error('INGRESS_CROSS_PROVIDER_REFERENCE', service, annotationPath(`${prefix}serverstransport`),
      `namespace ${namespace} may not reference ${transport} from another provider (crossProviderNamespaces)`);
  }

  const v1 = readV1ServiceAnnotations(service, name, sink);
  if (sink.errorsSince(mark) || v1 === null) return null;

  let cookieSource: string | undefined;
  if (cookieOn === true || (cookieOn !== false && Object.keys(cookie).length > 0)) {
    loadBalancer['sticky'] = { cookie };
    cookieSource = `${prefix}sticky.cookie`;
  }
  const generated = new Map<string, Readonly<Record<string, unknown>>>();
  if (v1 !== undefined) {
    for (const [field, value] of Object.entries(v1.loadBalancer)) {
      if (field === 'sticky' && loadBalancer['sticky'] !== undefined) {
        sink.warn('INGRESS_AFFINITY_OVERRIDDEN', service, annotationPath(`${traefikPrefix}affinity`),
          `the sticky cookie of ${prefix}sticky.cookie is used; the Traefik 1.x affinity annotations are ignored`);
        continue;
      }
      if (field === 'sticky') cookieSource = `${traefikPrefix}affinity`;
      loadBalancer[field] = value;
    }
    for (const [n, m] of v1.middlewares) generated.set(n, m);
  }
  const settings: ServiceSettings = {
    loadBalancer, middlewares: [...generated.keys(), ...middlewares], generated,
    ...(scheme === undefined ? {} : { scheme }), ...(nativeLB ? { nativeLB } : {}), ...(nodePortLB ? { nodePortLB } : {}),
    ...(cookieSource === undefined ? {} : { cookieSource }),
  };
  return settings;
}
