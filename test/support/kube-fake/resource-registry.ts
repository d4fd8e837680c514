/**
 * The resource types the fake API server serves: the built-in kinds a controller like ours
 * reads or writes (core v1, apps/v1, discovery.k8s.io/v1, networking.k8s.io/v1,
 * coordination.k8s.io/v1, rbac, apiextensions.k8s.io/v1) and the custom resources registered by
 * creating a CustomResourceDefinition, as the real apiextensions-apiserver does.
 *
 * Every type is served at one or more versions from a single stored copy (no conversion: a CRD's
 * `conversion: None` behaviour, which is also all that built-ins with one version need).
 */
import { isRecord, type FakeObject } from './fake-object.ts';

export interface ResourceType {
  /** API group, '' for the core group. */
  readonly group: string;
  /** Served versions; the first is the preferred one (discovery). */
  readonly versions: readonly string[];
  /** URL path segment: `ingresses`. */
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  /** Has a `status` subresource: status is written only through `/status`, spec never through it. */
  readonly status: boolean;
  readonly shortNames: readonly string[];
  /** Served from a CRD: list items keep kind/apiVersion, strategic merge patch is refused. */
  readonly custom: boolean;
  /** `plural.group` (or `plural` for core): the store's name for the type. */
  readonly key: string;
}

export interface ResourceRegistry {
  /** The type served at `group/version` under `plural`, if any. */
  find(group: string, version: string, plural: string): ResourceType | undefined;
  /** The type of an object by its apiVersion and kind, if served. */
  forObject(apiVersion: string, kind: string): ResourceType | undefined;
  /** Every type matching `Kind`, `plural`, `Kind.group`, `plural.group` or a short name (case-insensitive). */
  lookup(name: string): ResourceType[];
  /** Every served type (discovery). */
  all(): readonly ResourceType[];
  /** Registers (or re-registers) the types a CRD object declares; returns the type. */
  registerCrd(crd: FakeObject): ResourceType;
  /** Removes the type a CRD declared. */
  unregisterCrd(crdName: string): ResourceType | undefined;
}

function builtIn(group: string, version: string, plural: string, kind: string, namespaced: boolean, status: boolean, shortNames: string[] = []): ResourceType {
  return {
    group,
    versions: [version],
    plural,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    status,
    shortNames,
    custom: false,
    key: group === '' ? plural : `${plural}.${group}`,
  };
}

/** The built-in types: what our controller watches and writes, plus what deployment manifests contain. */
export const builtInResources: readonly ResourceType[] = [
  builtIn('', 'v1', 'namespaces', 'Namespace', false, true, ['ns']),
  builtIn('', 'v1', 'nodes', 'Node', false, true, ['no']),
  builtIn('', 'v1', 'services', 'Service', true, true, ['svc']),
  builtIn('', 'v1', 'endpoints', 'Endpoints', true, false, ['ep']),
  builtIn('', 'v1', 'secrets', 'Secret', true, false),
  builtIn('', 'v1', 'configmaps', 'ConfigMap', true, false, ['cm']),
  builtIn('', 'v1', 'pods', 'Pod', true, true, ['po']),
  builtIn('', 'v1', 'events', 'Event', true, false, ['ev']),
  builtIn('', 'v1', 'serviceaccounts', 'ServiceAccount', true, false, ['sa']),
  builtIn('apps', 'v1', 'deployments', 'Deployment', true, true, ['deploy']),
  builtIn('apps', 'v1', 'daemonsets', 'DaemonSet', true, true, ['ds']),
  builtIn('apps', 'v1', 'replicasets', 'ReplicaSet', true, true, ['rs']),
  builtIn('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true, false),
  builtIn('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, true, ['ing']),
  builtIn('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false, false),
  builtIn('coordination.k8s.io', 'v1', 'leases', 'Lease', true, false),
  builtIn('events.k8s.io', 'v1', 'events', 'Event', true, false, ['ev']),
  builtIn('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false, false),
  builtIn('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false, false),
  builtIn('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true, false),
  builtIn('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true, false),
  builtIn('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, true, ['crd', 'crds']),
];

/** `group/version` → [group, version]; `v1` → ['', 'v1']. */
export function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Reads the served types out of a CRD object; throws an Error naming the bad field. */
export function resourceFromCrd(crd: FakeObject): ResourceType {
  const spec = crd['spec'];
  if (!isRecord(spec)) throw new Error('spec: Required value');
  const group = str(spec['group']);
  const names = isRecord(spec['names']) ? spec['names'] : {};
  const plural = str(names['plural']);
  const kind = str(names['kind']);
  if (group === '') throw new Error('spec.group: Required value');
  if (plural === '') throw new Error('spec.names.plural: Required value');
  if (kind === '') throw new Error('spec.names.kind: Required value');
  if (crd.metadata.name !== `${plural}.${group}`) {
    throw new Error(`metadata.name: Invalid value: "${crd.metadata.name}": must be spec.names.plural+"."+spec.group`);
  }
  const scope = str(spec['scope']);
  if (scope !== 'Namespaced' && scope !== 'Cluster') throw new Error(`spec.scope: Unsupported value: "${scope}": supported values: "Cluster", "Namespaced"`);
  const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isRecord) : [];
  const served = versions.filter((v) => v['served'] === true && str(v['name']) !== '');
  if (served.length === 0) throw new Error('spec.versions: Invalid value: must have at least one served version');
  if (versions.filter((v) => v['storage'] === true).length !== 1) throw new Error('spec.versions: Invalid value: must have exactly one version marked as storage version');
  const hasStatus = served.some((v) => isRecord(v['subresources']) && isRecord(v['subresources']['status']));
  const shortNames = Array.isArray(names['shortNames']) ? names['shortNames'].filter((s): s is string => typeof s === 'string') : [];
  return {
    group,
    versions: served.map((v) => str(v['name'])),
    plural,
    singular: str(names['singular']) || kind.toLowerCase(),
    kind,
    listKind: str(names['listKind']) || `${kind}List`,
    namespaced: scope === 'Namespaced',
    status: hasStatus,
    shortNames,
    custom: true,
    key: `${plural}.${group}`,
  };
}

export function createResourceRegistry(): ResourceRegistry {
  const builtIns = [...builtInResources];
  const custom = new Map<string, ResourceType>();
  const all = (): ResourceType[] => [...builtIns, ...custom.values()];
  return {
    find(group, version, plural) {
      return all().find((t) => t.group === group && t.plural === plural && t.versions.includes(version));
    },
    forObject(apiVersion, kind) {
      const [group, version] = splitApiVersion(apiVersion);
      return all().find((t) => t.group === group && t.kind === kind && t.versions.includes(version));
    },
    lookup(name) {
      const lower = name.toLowerCase();
      return all().filter((t) => {
        const names = [t.kind.toLowerCase(), t.plural, t.singular, ...t.shortNames];
        return names.includes(lower) || names.some((n) => `${n}.${t.group}` === lower);
      });
    },
    all,
    registerCrd(crd) {
      const type = resourceFromCrd(crd);
      if (builtIns.some((t) => t.key === type.key)) throw new Error(`spec.group: Invalid value: "${type.group}": ${type.plural} is a built-in resource`);
      custom.set(crd.metadata.name, type);
      return type;
    },
    unregisterCrd(crdName) {
      const type = custom.get(crdName);
      custom.delete(crdName);
      return type;
    },
  };
}
