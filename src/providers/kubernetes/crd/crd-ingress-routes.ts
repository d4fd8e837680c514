/**
 * IngressRoute → HTTP routers, one per route, named `Normalize(<ns>-<name>-<sha256(match)[:10]>)`
 * as in Traefik (configBuilder / loadIngressRouteConfiguration):
 *
 * - `kind` must be `Rule` (or absent) and `match` non-empty; `priority`, `syntax`
 *   (→ `ruleSyntax`), `observability`, `middlewares` (`<ns>-<name>` of Middlewares, cross-namespace
 *   rule applied) and the object's `entryPoints` are copied;
 * - services: none → a router without service; one `kind: Service` → its loadBalancer named after
 *   the router; one `kind: TraefikService` → the router points at `<ns>-<name>`; several → a
 *   weighted service named after the router over `<ns>-<service>-<port>` / `<ns>-<name>` children
 *   (weight 1 by default);
 * - `tls` present → the routers are TLS routers with its `certResolver`, `domains` and `options`
 *   (`<ns>-<name>` of a TLSOption); `secretName` adds the Secret's certificate (by SNI).
 *
 * A route that cannot be built is left out with its diagnostics; the object's other routes still
 * translate. Switchyard differences: when every child of a several-services route has a health
 * check, the route's weighted service gets `healthCheck: {}` so traffic avoids a child whose
 * servers are all down (Traefik has no health propagation for CRDs; dropped again if a child
 * loses a name conflict to a definition without health check, crd-output.ts); `parentRefs` (multi-layer
 * routing, Traefik ≥ 3.6) is not supported yet: such an IngressRoute is refused, not half-routed.
 */
import { httpRouterSchema } from '../../../config/http-routers.ts';
import { weightedServiceSchema } from '../../../config/http-services.ts';
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import type { KubeObject } from '../kube-objects.ts';
import type { CrdContext } from './crd-context.ts';
import { isMap, readInt, readList, readMap, readRequiredString, readSpec, readString, readStringList, withoutNulls } from './crd-fields.ts';
import { httpRouterName } from './crd-names.ts';
import { belongsToClass } from './crd-objects.ts';
import { middlewareRefs, tlsOptionRef } from './crd-references.ts';
import { checkWithSchema, type ObjectReport } from './crd-report.ts';
import { httpServiceRef } from './crd-service-refs.ts';
import { addSecretCertificate } from './crd-tls-certificates.ts';
import { weightedChildren } from './crd-traefik-services.ts';

/** Where each router field comes from in the route (for schema diagnostics). */
function routerFieldPath(routePath: ConfigPath, field: string | number | undefined): ConfigPath {
  switch (field) {
    case 'rule': return [...routePath, 'match'];
    case 'ruleSyntax': return [...routePath, 'syntax'];
    case 'entryPoints': return ['spec', 'entryPoints'];
    case 'tls': return ['spec', 'tls'];
    case undefined: return routePath;
    default: return [...routePath, field];
  }
}

/** Reads the `tls` section shared by every router of the object; undefined on error. */
function routerTls(ctx: CrdContext, report: ObjectReport, namespace: string, tls: Record<string, unknown>): Record<string, unknown> | undefined {
  const scope = report.scope();
  const out: Record<string, unknown> = {};
  const resolver = readString(scope, tls['certResolver'], ['spec', 'tls', 'certResolver']);
  if (resolver !== undefined && resolver !== '') out['certResolver'] = resolver;
  if (tls['domains'] !== undefined && tls['domains'] !== null) out['domains'] = withoutNulls(tls['domains']);
  const options = readMap(scope, tls['options'], ['spec', 'tls', 'options']);
  if (options !== undefined && options['name'] !== undefined && options['name'] !== '') {
    const name = tlsOptionRef(ctx, scope, namespace, options, ['spec', 'tls', 'options']);
    if (name !== undefined) out['options'] = name;
  }
  return scope.failed ? undefined : out;
}

/** Translates one IngressRoute (when it belongs to the provider's class). */
export function translateIngressRoute(ctx: CrdContext, object: KubeObject): void {
  if (!belongsToClass(object, ctx.options.ingressClass)) return;
  const report = ctx.report(object);
  const spec = readSpec(report);
  if (spec === undefined) return;
  const namespace = object.metadata.namespace ?? '';
  if ((readList(report, spec['parentRefs'], ['spec', 'parentRefs']) ?? []).length > 0) {
    report.error('CRD_UNSUPPORTED_FIELD', ['spec', 'parentRefs'],
      'parentRefs (multi-layer routing) is not supported yet; the IngressRoute is left out rather than routed without its parents');
    return;
  }
  const entryPoints = readStringList(report, spec['entryPoints'], ['spec', 'entryPoints']);
  const routes = readList(report, spec['routes'], ['spec', 'routes']);
  if (routes === undefined) {
    if (!report.failed) report.error('CRD_INVALID_FIELD', ['spec', 'routes'], 'required field is missing');
    return;
  }
  let tls: Record<string, unknown> | undefined;
  const tlsSpec = readMap(report, spec['tls'], ['spec', 'tls']);
  if (tlsSpec !== undefined) {
    // A certificate that cannot be loaded is reported; the routers still serve (default certificate), as in Traefik.
    addSecretCertificate(ctx, ctx.report(object), namespace, tlsSpec['secretName'], ['spec', 'tls', 'secretName']);
    tls = routerTls(ctx, report, namespace, tlsSpec);
    if (tls === undefined) return;
  }
  if (report.failed) return;

  routes.forEach((route, index) => {
    const path = ['spec', 'routes', index];
    const scope = report.scope();
    const batch = ctx.output.batch(scope);
    const map = readMap(scope, route, path);
    if (map === undefined) return;
    const kind = readString(scope, map['kind'], [...path, 'kind']);
    if (kind !== undefined && kind !== '' && kind !== 'Rule') {
      scope.error('CRD_UNSUPPORTED_KIND', [...path, 'kind'], `expected kind Rule, got "${kind}"`);
    }
    const match = readRequiredString(scope, map['match'], [...path, 'match']);
    const priority = readInt(scope, map['priority'], [...path, 'priority']);
    const syntax = readString(scope, map['syntax'], [...path, 'syntax']);
    const middlewareList = readList(scope, map['middlewares'], [...path, 'middlewares']) ?? [];
    const services = readList(scope, map['services'], [...path, 'services']) ?? [];
    if (match === undefined || scope.failed) return;

    const routerName = httpRouterName(namespace, object.metadata.name, match);
    const middlewares = middlewareRefs(ctx, scope, namespace, middlewareList, [...path, 'middlewares'], 'Middleware');
    let service: string | undefined;
    if (services.length === 1) {
      service = httpServiceRef(ctx, scope, namespace, services[0], [...path, 'services', 0], batch, routerName)?.name;
    } else if (services.length > 1) {
      const { children, allHealth } = weightedChildren(ctx, scope, namespace, services, [...path, 'services'], batch);
      const weighted = { services: children, ...(allHealth ? { healthCheck: {} } : {}) };
      if (!scope.failed && checkWithSchema(weightedServiceSchema, weighted, [...path, 'services'], scope)) {
        batch.put('http.services', routerName, { weighted }, [...path, 'services']);
        if (allHealth) ctx.output.impliedHealthCheck(routerName);
        service = routerName;
      }
    }
    if (scope.failed) return;

    const router: Record<string, unknown> = { rule: match };
    if (entryPoints !== undefined && entryPoints.length > 0) router['entryPoints'] = entryPoints;
    if (middlewares.length > 0) router['middlewares'] = middlewares;
    if (priority !== undefined && priority !== 0) router['priority'] = priority;
    if (syntax !== undefined && syntax !== '') router['ruleSyntax'] = syntax;
    if (service !== undefined) router['service'] = service;
    if (tls !== undefined) router['tls'] = tls;
    if (isMap(map['observability'])) router['observability'] = withoutNulls(map['observability']);

    const parsed = httpRouterSchema.safeParse(router, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        scope.issues([{ ...issue, path: issue.path.slice(1) }], routerFieldPath(path, issue.path[0] as string | number | undefined));
      }
      return;
    }
    batch.put('http.routers', routerName, router, path);
    batch.commit();
  });
}
