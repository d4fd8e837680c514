/**
 * The Traefik CRD objects of a snapshot, in both API groups: `traefik.io/v1alpha1` (Traefik ≥ 2.10)
 * and the legacy `traefik.containo.us/v1alpha1` (Traefik 2.0–2.9; dropped by Traefik 3, read here
 * so old manifests keep working). When the same namespace/name exists in both groups, the
 * `traefik.io` object wins and the legacy one is ignored, as Traefik 2.10/2.11 do (they list the
 * new group first and skip legacy objects already listed); Switchyard also says so with a warning
 * on the legacy object. Objects of any other apiVersion are refused with an error.
 */
import type { Diagnostic } from '../../../config/diagnostics.ts';
import type { KubeKind, KubeObject, KubeSnapshot } from '../kube-objects.ts';
import { createObjectReport } from './crd-report.ts';

/** The API group versions read, the current one first. */
export const crdApiVersions = ['traefik.io/v1alpha1', 'traefik.containo.us/v1alpha1'] as const;

/** The ten Traefik CRD kinds. */
export const crdKinds = [
  'IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP', 'Middleware', 'MiddlewareTCP', 'TraefikService',
  'ServersTransport', 'ServersTransportTCP', 'TLSOption', 'TLSStore',
] as const satisfies readonly KubeKind[];

/** One of the ten Traefik CRD kinds. */
export type CrdKind = (typeof crdKinds)[number];

/** The CRD objects in effect: one per kind, namespace and name. */
export interface CrdObjects {
  /** Every object of `kind`, in the snapshot's order (namespace, name). */
  list(kind: CrdKind): readonly KubeObject[];
  get(kind: CrdKind, namespace: string, name: string): KubeObject | undefined;
}

const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Indexes the CRD objects of `snapshot`; refused and shadowed objects are reported to `sink`. */
export function indexCrdObjects(snapshot: KubeSnapshot, sink: Diagnostic[]): CrdObjects {
  const byKind = new Map<CrdKind, { list: KubeObject[]; byKey: Map<string, KubeObject> }>();
  for (const kind of crdKinds) {
    const byKey = new Map<string, KubeObject>();
    const legacy: KubeObject[] = [];
    for (const object of snapshot.list(kind)) {
      if (object.apiVersion === crdApiVersions[0]) {
        byKey.set(key(object), object);
      } else if (object.apiVersion === crdApiVersions[1]) {
        legacy.push(object);
      } else {
        createObjectReport(object, sink).error('CRD_UNSUPPORTED_API_VERSION', ['apiVersion'],
          `expected ${crdApiVersions.join(' or ')}, got "${object.apiVersion}"; the object is ignored`);
      }
    }
    for (const object of legacy) {
      if (byKey.has(key(object))) {
        createObjectReport(object, sink).warn('CRD_LEGACY_GROUP_SHADOWED', ['apiVersion'],
          `a ${kind} with the same namespace and name exists in ${crdApiVersions[0]}; that one is used and this `
          + `${crdApiVersions[1]} object is ignored (as Traefik does)`);
      } else {
        byKey.set(key(object), object);
      }
    }
    const list = [...byKey.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    byKind.set(kind, { list, byKey });
  }
  return {
    list: (kind) => byKind.get(kind)?.list ?? [],
    get: (kind, namespace, name) => byKind.get(kind)?.byKey.get(`${namespace}/${name}`),
  };
}

/** Traefik's default class: objects naming it are processed when the provider sets no class. */
const defaultIngressClass = 'traefik';

/**
 * Whether an IngressRoute(TCP/UDP) belongs to this provider: its class is `spec.ingressClassName`
 * or else the `kubernetes.io/ingress.class` annotation; it is processed when that equals the
 * provider's `ingressClass`, or when the provider sets none and the object names none or
 * `traefik` (a plain string comparison: IngressClass objects are not looked up, as in Traefik).
 */
export function belongsToClass(object: KubeObject, ingressClass: string | undefined): boolean {
  const spec = object.spec;
  const fromSpec = typeof spec === 'object' && spec !== null && !Array.isArray(spec)
    ? (spec as Record<string, unknown>)['ingressClassName'] : undefined;
  const objectClass = typeof fromSpec === 'string' && fromSpec !== ''
    ? fromSpec : object.metadata.annotations?.['kubernetes.io/ingress.class'] ?? '';
  const providerClass = ingressClass ?? '';
  return objectClass === providerClass || (providerClass === '' && objectClass === defaultIngressClass);
}
