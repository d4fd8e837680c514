/**
 * One service entry (`{name, kind, namespace, port, …}`) of an IngressRoute route, a
 * TraefikService (weighted, mirroring, highestRandomWeight, failover) or an errors middleware,
 * turned into the name of an HTTP service (Traefik's nameAndService):
 *
 * - `kind: Service` (the default): its loadBalancer is staged in `batch` under
 *   `<ns>-<service>-<port>` (or under `ownName`: a route's single service is named after the
 *   router, as in Traefik); `name@kubernetescrd` is read as the Service `name`;
 * - `kind: TraefikService`: `<ns>-<name>`, or a cross-provider `name@provider` as written
 *   (Traefik normalizes the name part); the load-balancer fields of the entry do not apply to it
 *   and are ignored with a warning (Traefik ignores them silently).
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import type { CrdContext } from './crd-context.ts';
import { readMap, readRequiredString, readString } from './crd-fields.ts';
import { buildLoadBalancer, loadBalancerOnlyFields } from './crd-load-balancer.ts';
import { crdItemName, crdProviderName, kubeServiceName, normalizeName } from './crd-names.ts';
import type { ItemBatch } from './crd-output.ts';
import { namespaceAllowed } from './crd-references.ts';
import type { ObjectReport } from './crd-report.ts';

/** The service an entry names, and whether that service reports health. */
export interface ServiceRef {
  readonly name: string;
  /** A Kubernetes Service with an active or passive health check. */
  readonly health: boolean;
}

const crdSuffix = `@${crdProviderName}`;

function refuseCrdQualified(ctx: CrdContext, report: ObjectReport, name: string, path: ConfigPath): boolean {
  if (ctx.options.allowCrossNamespace === true) return false;
  report.error('CRD_CROSS_NAMESPACE_REFUSED', path,
    `service reference "${name}" is refused: with allowCrossNamespace off, "${crdSuffix}" references could name another `
    + 'namespace; write the name alone (and a namespace field) instead');
  return true;
}

/**
 * The service named by `entry` (an object at `path`, referenced from an object in
 * `parentNamespace`); Kubernetes Services are staged into `batch`. Undefined when the entry
 * cannot be used (errors on `parent`).
 */
export function httpServiceRef(
  ctx: CrdContext, parent: ObjectReport, parentNamespace: string, entry: unknown, path: ConfigPath, batch: ItemBatch,
  ownName?: string,
): ServiceRef | undefined {
  const report = parent.scope();
  const map = readMap(report, entry, path);
  if (map === undefined) {
    if (!report.failed) report.error('CRD_INVALID_FIELD', path, 'expected a service reference {name, kind, port, …}');
    return undefined;
  }
  const name = readRequiredString(report, map['name'], [...path, 'name']);
  const kind = readString(report, map['kind'], [...path, 'kind']);
  const namespace = readString(report, map['namespace'], [...path, 'namespace']);
  if (name === undefined || report.failed) return undefined;
  const ns = namespace === undefined || namespace === '' ? parentNamespace : namespace;

  switch (kind ?? '') {
    case '':
    case 'Service': {
      let service = name;
      if (name.endsWith(crdSuffix)) {
        if (refuseCrdQualified(ctx, report, name, [...path, 'name'])) return undefined;
        service = name.slice(0, -crdSuffix.length);
      } else if (name.includes('@')) {
        report.error('CRD_INVALID_FIELD', [...path, 'name'],
          `"${name}" is a cross-provider name; a Kubernetes Service is named alone (use kind TraefikService for name@provider)`);
        return undefined;
      }
      if (!namespaceAllowed(ctx, report, parentNamespace, ns, `Service ${ns}/${service}`, [...path, 'namespace'])) return undefined;
      const built = buildLoadBalancer(ctx, report, parentNamespace, ns, service, map, path);
      if (built === undefined) return undefined;
      const itemName = ownName ?? kubeServiceName(ns, service, map['port'] as string | number);
      batch.put('http.services', itemName, built.service, path);
      return { name: itemName, health: built.health };
    }
    case 'TraefikService': {
      const ignored = loadBalancerOnlyFields.filter((field) => map[field] !== undefined && map[field] !== null);
      if (ignored.length > 0) {
        report.warn('CRD_IGNORED_FIELD', path,
          `${ignored.join(', ')} ${ignored.length === 1 ? 'applies' : 'apply'} to kind Service only; ignored for TraefikService ${name}`);
      }
      const at = name.lastIndexOf('@');
      if (at >= 0) {
        const base = name.slice(0, at);
        const provider = name.slice(at + 1);
        if (provider === crdProviderName) {
          if (refuseCrdQualified(ctx, report, name, [...path, 'name'])) return undefined;
          return { name: crdItemName(ns, base), health: false };
        }
        if (namespace !== undefined && namespace !== '') {
          report.warn('CRD_IGNORED_FIELD', [...path, 'namespace'], `namespace "${namespace}" is ignored in the cross-provider reference "${name}"`);
        }
        return { name: `${normalizeName(base)}@${provider}`, health: false };
      }
      if (!namespaceAllowed(ctx, report, parentNamespace, ns, `TraefikService ${ns}/${name}`, [...path, 'namespace'])) return undefined;
      return { name: crdItemName(ns, name), health: false };
    }
    default:
      report.error('CRD_UNSUPPORTED_KIND', [...path, 'kind'], `expected kind Service or TraefikService, got "${kind}"`);
      return undefined;
  }
}
