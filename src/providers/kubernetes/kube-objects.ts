/**
 * The Kubernetes objects the providers read, as the API server sends them (plain JSON), and the
 * read-only view of the watched caches that the translators work on. The translators are pure
 * functions of a KubeSnapshot (DESIGN.md: providers only produce data), so golden tests feed
 * them fixtures and the live provider feeds them its informer caches through the same view.
 */

/** The kinds the Ingress and CRD providers watch. */
export type KubeKind =
  | 'Ingress'
  | 'IngressClass'
  | 'Service'
  | 'EndpointSlice'
  | 'Secret'
  | 'ConfigMap'
  | 'Node'
  | 'BackendConfig'
  | 'IngressRoute'
  | 'IngressRouteTCP'
  | 'IngressRouteUDP'
  | 'Middleware'
  | 'MiddlewareTCP'
  | 'TraefikService'
  | 'ServersTransport'
  | 'ServersTransportTCP'
  | 'TLSOption'
  | 'TLSStore';

export interface KubeObjectMeta {
  readonly name: string;
  /** Absent for cluster-scoped kinds (IngressClass, Node). */
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly { readonly kind: string; readonly name: string; readonly uid?: string }[];
}

/**
 * One object as the API server sends it. `spec`, `status` and the other fields stay untyped
 * JSON here: each translator reads the fields it needs and reports, with the object and the
 * field path, what it cannot use (one bad object never breaks the others).
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KubeObjectMeta;
  readonly spec?: unknown;
  readonly status?: unknown;
  /** Secrets: base64 values; ConfigMaps: plain text values. */
  readonly data?: Readonly<Record<string, string>>;
  /** Secrets: `Opaque`, `kubernetes.io/tls`, `kubernetes.io/basic-auth`, … */
  readonly type?: string;
  /** EndpointSlices. */
  readonly addressType?: string;
  readonly endpoints?: unknown;
  readonly ports?: unknown;
}

/** The watched caches at one moment. */
export interface KubeSnapshot {
  /** Every object of `kind` (every watched namespace), in a stable order (namespace, name). */
  list(kind: KubeKind): readonly KubeObject[];
  /** One object; `namespace` is '' for cluster-scoped kinds. */
  get(kind: KubeKind, namespace: string, name: string): KubeObject | undefined;
  /** The EndpointSlices of a Service (label `kubernetes.io/service-name`). */
  endpointSlicesOf(namespace: string, service: string): readonly KubeObject[];
}

/** `Ingress/default/myapp`: how diagnostics name the object they are about. */
export function objectRef(object: Pick<KubeObject, 'kind' | 'metadata'>): string {
  const ns = object.metadata.namespace;
  return ns === undefined || ns === '' ? `${object.kind}/${object.metadata.name}` : `${object.kind}/${ns}/${object.metadata.name}`;
}

/** A KubeSnapshot over a list of objects (fixtures, tests; the live provider builds its own). */
export function snapshotOf(objects: readonly KubeObject[]): KubeSnapshot {
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) {
    let list = byKind.get(o.kind);
    if (list === undefined) byKind.set(o.kind, (list = []));
    list.push(o);
  }
  const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  for (const list of byKind.values()) list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    list: (kind) => byKind.get(kind) ?? [],
    get: (kind, namespace, name) => byKind.get(kind)?.find((o) => (o.metadata.namespace ?? '') === namespace && o.metadata.name === name),
    endpointSlicesOf: (namespace, service) => (byKind.get('EndpointSlice') ?? []).filter((o) =>
      (o.metadata.namespace ?? '') === namespace && o.metadata.labels?.['kubernetes.io/service-name'] === service),
  };
}
