/**
 * The Kubernetes Ingress providers' translation: a pure function of the watched objects
 * (Ingress, IngressClass, Service, EndpointSlice, Secret, Node, BackendConfig) and the static
 * `providers.kubernetesIngress` options to Traefik's dynamic configuration (names unqualified;
 * the pipeline adds `@kubernetes`). The `kubernetesingressnginx` provider uses it too, with
 * ingress-nginx's class rules (`classRules: 'ingress-nginx'`, ingress-class-filter.ts); every
 * annotation dialect is read whichever provider serves the Ingress (Traefik's ingress-nginx
 * provider reads only the `nginx.ingress.kubernetes.io/*` ones).
 *
 * Order: Ingresses the class filter accepts (ingress-class-filter.ts), in the snapshot's order
 * (namespace, name); each is read (ingress-model.ts), its annotations parsed
 * (ingress-annotations.ts), its routes translated (ingress-routes.ts); ingress-nginx canaries
 * come last and join the routes they split (nginx-canary.ts). One bad object never breaks the
 * others: a malformed path, an unresolvable Service or a bad Service annotation leaves that path
 * out; a bad Ingress annotation leaves that Ingress out; each with a diagnostic on the object and
 * field. Where this differs from Traefik on purpose, the module that does it says so.
 *
 * Not done here: Ingress status (ingress-status.ts) and `labelSelector` (applied by the API
 * server). `strictPrefixMatching` needs no handling: Prefix paths are always element-wise.
 */
import type { KubeSnapshot } from '../kube-objects.ts';
import type { Translation } from '../translation.ts';
import { createServiceBuilder } from './build-service.ts';
import { readIngressAnnotations } from './ingress-annotations.ts';
import { createIngressClassFilter, type IngressClassOptions } from './ingress-class-filter.ts';
import { createDiagnosticSink } from './ingress-diagnostics.ts';
import { readIngress } from './ingress-model.ts';
import { translateIngressRoutes, routeKey, type RouteContext, type TranslatedRoute } from './ingress-routes.ts';
import { loadIngressCertificates } from './ingress-tls.ts';
import { joinCanary } from './nginx-canary.ts';
import { createTranslationBuilder } from './translation-builder.ts';

/**
 * The `providers.kubernetesIngress` options the translation reads (the static config type
 * `KubernetesIngressProviderConfig` fits), and the class rules (ingress-class-filter.ts);
 * absent booleans are false.
 */
export interface TranslateIngressOptions extends IngressClassOptions {
  readonly allowEmptyServices?: boolean;
  readonly allowExternalNameServices?: boolean;
  readonly nativeLBByDefault?: boolean;
  /**
   * Namespaces whose Ingresses and Services may reference other providers' middlewares, TLS
   * options and servers transports. Empty (the schema's default) means no restriction: the
   * static schema cannot tell "unset" (Traefik: all allowed) from `[]` (Traefik: none).
   */
  readonly crossProviderNamespaces?: readonly string[];
  /** Accepted for compatibility: Prefix paths are element-wise whatever its value. */
  readonly strictPrefixMatching?: boolean;
  /**
   * Switchyard: the `Server` response header of every route made from an Ingress; `""` removes
   * whatever the servers sent (nginx's `server_tokens off`). Unset: the servers' header passes.
   */
  readonly serverHeader?: string | undefined;
}

/** The middleware that sets `serverHeader`, put first on every router of the translation. */
export const serverHeaderMiddleware = 'switchyard-server-header';

/** Translates the Ingresses of `snapshot`. Pure: no I/O, clock or randomness. */
export function translateIngresses(snapshot: KubeSnapshot, options: TranslateIngressOptions = {}): Translation {
  const sink = createDiagnosticSink();
  const builder = createTranslationBuilder(sink);
  const crossProviderNamespaces = options.crossProviderNamespaces ?? [];
  const services = createServiceBuilder(snapshot, {
    nativeLBByDefault: options.nativeLBByDefault === true,
    crossProviderNamespaces,
    allowExternalNameServices: options.allowExternalNameServices === true,
    allowEmptyServices: options.allowEmptyServices === true,
    disableClusterScopeResources: options.disableClusterScopeResources === true,
  }, sink);
  const ctx: RouteContext = { sink, builder, services };
  const accepts = createIngressClassFilter(snapshot, options);

  const routes = new Map<string, TranslatedRoute>();
  const canaries: (() => void)[] = [];
  const joined = new Set<string>();
  for (const object of snapshot.list('Ingress')) {
    if (!accepts(object)) continue;
    const model = readIngress(object, sink);
    loadIngressCertificates(model, snapshot, sink, builder.certificates);
    const { annotations, valid } = readIngressAnnotations(model, snapshot, crossProviderNamespaces, sink);
    if (!valid) {
      sink.error('INGRESS_LEFT_OUT', object, 'metadata.annotations', 'the Ingress is left out because of the annotation errors above');
      continue;
    }
    const canary = annotations.nginx.canary;
    if (canary !== undefined) {
      canaries.push(() => joinCanary(ctx, routes, joined, model, annotations, canary));
      continue;
    }
    for (const route of translateIngressRoutes(ctx, model, annotations)) {
      const key = routeKey(model.namespace, route.path.host, route.path.path, route.path.pathType);
      const earlier = routes.get(key);
      if (earlier === undefined) {
        routes.set(key, route);
      } else {
        // Kubernetes leaves the outcome unspecified; the routers tie and the first name wins.
        sink.warn('INGRESS_DUPLICATE_PATH', object, route.path.field,
          `host ${JSON.stringify(route.path.host)} path ${JSON.stringify(route.path.path)} (${route.path.pathType}) is also routed by `
          + `Ingress ${earlier.model.namespace}/${earlier.model.name}; their routers have the same priority and the one whose name sorts first `
          + 'is used (a canary joins the first Ingress)');
      }
    }
  }
  for (const join of canaries) join();
  const translation = builder.finish();
  return options.serverHeader === undefined ? translation : withServerHeader(translation, options.serverHeader);
}

/** Puts a headers middleware setting (or, with '', removing) `Server` first on every router. */
function withServerHeader(translation: Translation, value: string): Translation {
  const http = (translation.config['http'] ?? {}) as Record<string, Record<string, Record<string, unknown>> | undefined>;
  const routers = http['routers'] ?? {};
  if (Object.keys(routers).length === 0) return translation;
  const withMiddleware = Object.fromEntries(Object.entries(routers).map(([name, router]) => {
    const own = Array.isArray(router['middlewares']) ? router['middlewares'] as unknown[] : [];
    return [name, { ...router, middlewares: [serverHeaderMiddleware, ...own] }];
  }));
  const middlewares = { ...(http['middlewares'] ?? {}), [serverHeaderMiddleware]: { headers: { customResponseHeaders: { Server: value } } } };
  return { ...translation, config: { ...translation.config, http: { ...http, routers: withMiddleware, middlewares } } };
}
