/**
 * IngressRouteTCP → TCP routers named `<ns>-<name>-<sha256(match)[:10]>` (not normalized, as in
 * Traefik), IngressRouteUDP → UDP routers named `<ns>-<name>-<route index>`; each router's
 * service is named after it (crd-l4-services.ts).
 *
 * TCP routes carry `match` (HostSNI, HostSNIRegexp, ClientIP, ALPN), `priority`, `syntax`
 * (→ `ruleSyntax`) and `middlewares` (MiddlewareTCP references, cross-namespace rule applied);
 * the object's `tls` gives every router `passthrough`, `certResolver`, `domains` and `options`,
 * and `secretName` adds a certificate unless passthrough. UDP routes have no rule: only
 * services, on the object's `entryPoints`.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import { tcpRouterSchema } from '../../../config/tcp.ts';
import { udpRouterSchema } from '../../../config/udp.ts';
import type { KubeObject } from '../kube-objects.ts';
import type { CrdContext } from './crd-context.ts';
import { readBool, readInt, readList, readMap, readRequiredString, readSpec, readString, readStringList, withoutNulls } from './crd-fields.ts';
import { stageL4Services } from './crd-l4-services.ts';
import { tcpRouterName, udpRouterName } from './crd-names.ts';
import { belongsToClass } from './crd-objects.ts';
import { middlewareRefs, tlsOptionRef } from './crd-references.ts';
import { type ObjectReport } from './crd-report.ts';
import { addSecretCertificate } from './crd-tls-certificates.ts';

/** Schema diagnostics of a router, each pointed at the route field it came from. */
function checkRouter(report: ObjectReport, schema: typeof tcpRouterSchema | typeof udpRouterSchema, router: Record<string, unknown>, routePath: ConfigPath): boolean {
  const parsed = schema.safeParse(router, { reportInput: true });
  if (parsed.success) return true;
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    const base = field === 'rule' ? [...routePath, 'match'] : field === 'ruleSyntax' ? [...routePath, 'syntax']
      : field === 'entryPoints' || field === 'tls' ? ['spec', field] : field === undefined ? routePath : [...routePath, String(field)];
    report.issues([{ ...issue, path: issue.path.slice(1) }], base);
  }
  return false;
}

function tcpRouterTls(ctx: CrdContext, report: ObjectReport, namespace: string, tls: Record<string, unknown>): Record<string, unknown> | undefined {
  const scope = report.scope();
  const out: Record<string, unknown> = {};
  const passthrough = readBool(scope, tls['passthrough'], ['spec', 'tls', 'passthrough']) ?? false;
  if (passthrough) out['passthrough'] = true;
  const resolver = readString(scope, tls['certResolver'], ['spec', 'tls', 'certResolver']);
  if (resolver !== undefined && resolver !== '') out['certResolver'] = resolver;
  if (tls['domains'] !== undefined && tls['domains'] !== null) out['domains'] = withoutNulls(tls['domains']);
  const options = readMap(scope, tls['options'], ['spec', 'tls', 'options']);
  if (options !== undefined && options['name'] !== undefined && options['name'] !== '') {
    const name = tlsOptionRef(ctx, scope, namespace, options, ['spec', 'tls', 'options']);
    if (name !== undefined) out['options'] = name;
  }
  // A certificate that cannot be loaded is reported; the routers still serve (default certificate), as in Traefik.
  if (!passthrough) addSecretCertificate(ctx, ctx.report(report.object), namespace, tls['secretName'], ['spec', 'tls', 'secretName']);
  return scope.failed ? undefined : out;
}

/** Translates one IngressRouteTCP (when it belongs to the provider's class). */
export function translateIngressRouteTcp(ctx: CrdContext, object: KubeObject): void {
  if (!belongsToClass(object, ctx.options.ingressClass)) return;
  const report = ctx.report(object);
  const spec = readSpec(report);
  if (spec === undefined) return;
  const namespace = object.metadata.namespace ?? '';
  const entryPoints = readStringList(report, spec['entryPoints'], ['spec', 'entryPoints']);
  const routes = readList(report, spec['routes'], ['spec', 'routes']);
  if (routes === undefined && !report.failed) report.error('CRD_INVALID_FIELD', ['spec', 'routes'], 'required field is missing');
  const tlsSpec = readMap(report, spec['tls'], ['spec', 'tls']);
  const tls = tlsSpec === undefined ? undefined : tcpRouterTls(ctx, report, namespace, tlsSpec);
  if (routes === undefined || (tlsSpec !== undefined && tls === undefined) || report.failed) return;

  routes.forEach((route, index) => {
    const path = ['spec', 'routes', index];
    const scope = report.scope();
    const batch = ctx.output.batch(scope);
    const map = readMap(scope, route, path);
    if (map === undefined) return;
    const match = readRequiredString(scope, map['match'], [...path, 'match']);
    const priority = readInt(scope, map['priority'], [...path, 'priority']);
    const syntax = readString(scope, map['syntax'], [...path, 'syntax']);
    const middlewareList = readList(scope, map['middlewares'], [...path, 'middlewares']) ?? [];
    const services = readList(scope, map['services'], [...path, 'services']) ?? [];
    if (match === undefined || scope.failed) return;
    const routerName = tcpRouterName(namespace, object.metadata.name, match);
    const middlewares = middlewareRefs(ctx, scope, namespace, middlewareList, [...path, 'middlewares'], 'MiddlewareTCP');
    if (scope.failed) return;
    const service = stageL4Services(ctx, report, scope, namespace, services, [...path, 'services'], routerName, 'tcp', batch);
    if (scope.failed) return;

    const router: Record<string, unknown> = { rule: match };
    if (entryPoints !== undefined && entryPoints.length > 0) router['entryPoints'] = entryPoints;
    if (middlewares.length > 0) router['middlewares'] = middlewares;
    if (priority !== undefined && priority !== 0) router['priority'] = priority;
    if (syntax !== undefined && syntax !== '') router['ruleSyntax'] = syntax;
    if (service !== undefined) router['service'] = service;
    if (tls !== undefined) router['tls'] = tls;
    if (!checkRouter(scope, tcpRouterSchema, router, path)) return;
    batch.put('tcp.routers', routerName, router, path);
    batch.commit();
  });
}

/** Translates one IngressRouteUDP (when it belongs to the provider's class). */
export function translateIngressRouteUdp(ctx: CrdContext, object: KubeObject): void {
  if (!belongsToClass(object, ctx.options.ingressClass)) return;
  const report = ctx.report(object);
  const spec = readSpec(report);
  if (spec === undefined) return;
  const namespace = object.metadata.namespace ?? '';
  const entryPoints = readStringList(report, spec['entryPoints'], ['spec', 'entryPoints']);
  const routes = readList(report, spec['routes'], ['spec', 'routes']);
  if (routes === undefined && !report.failed) report.error('CRD_INVALID_FIELD', ['spec', 'routes'], 'required field is missing');
  if (routes === undefined || report.failed) return;

  routes.forEach((route, index) => {
    const path = ['spec', 'routes', index];
    const scope = report.scope();
    const batch = ctx.output.batch(scope);
    const map = readMap(scope, route, path);
    const services = readList(scope, map?.['services'], [...path, 'services']) ?? [];
    if (map === undefined || scope.failed) return;
    const routerName = udpRouterName(namespace, object.metadata.name, index);
    const service = stageL4Services(ctx, report, scope, namespace, services, [...path, 'services'], routerName, 'udp', batch);
    if (scope.failed) return;
    const router: Record<string, unknown> = {};
    if (entryPoints !== undefined && entryPoints.length > 0) router['entryPoints'] = entryPoints;
    if (service !== undefined) router['service'] = service;
    if (!checkRouter(scope, udpRouterSchema, router, path)) return;
    batch.put('udp.routers', routerName, router, path);
    batch.commit();
  });
}
