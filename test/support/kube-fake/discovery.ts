/**
 * Discovery documents, in the legacy (unaggregated) form every client understands: `/version`,
 * `/api`, `/apis`, `/apis/<group>`, `/api/v1` and `/apis/<group>/<version>` resource lists
 * (with the `status` subresources), built from the registry so CRD-served types appear as soon
 * as their CRD is created. kubectl asks for aggregated discovery first and falls back to these
 * when the answer is plain `application/json`. OpenAPI is not served (`/openapi/v2` and `/v3`
 * answer 404): kubectl then needs `--validate=false` and computes its strategic merge patches from
 * its compiled-in types (checked with kubectl 1.20, 1.27, 1.32 and 1.33).
 */
import { apiVersionOf, type ResourceRegistry, type ResourceType } from './resource-registry.ts';

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const versionInfo = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-switchyard-fake',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface GroupInfo {
  readonly name: string;
  readonly versions: readonly string[];
}

function groupsOf(registry: ResourceRegistry): GroupInfo[] {
  const groups = new Map<string, string[]>();
  for (const type of registry.all()) {
    const versions = groups.get(type.group) ?? [];
    for (const v of type.versions) if (!versions.includes(v)) versions.push(v);
    groups.set(type.group, versions);
  }
  return [...groups.entries()].map(([name, versions]) => ({ name, versions }));
}

function groupDocument(group: GroupInfo): Record<string, unknown> {
  const versions = group.versions.map((version) => ({ groupVersion: apiVersionOf(group.name, version), version }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}

function resourceEntries(type: ResourceType): Record<string, unknown>[] {
  const entry = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs,
    ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
  };
  const status = { name: `${type.plural}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: ['get', 'patch', 'update'] };
  return type.status ? [entry, status] : [entry];
}

/** The discovery document at `pathname`, or undefined when the path is not a discovery path. */
export function discoveryDocument(registry: ResourceRegistry, pathname: string, serverAddress: string): unknown {
  const segments = pathname.split('/').filter((s) => s !== '');
  if (pathname === '/version' || pathname === '/version/') return versionInfo;
  if (segments[0] === 'api' && segments.length === 1) {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }
  if (segments[0] === 'apis' && segments.length === 1) {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupsOf(registry).filter((g) => g.name !== '').map(groupDocument) };
  }
  if (segments[0] === 'apis' && segments.length === 2) {
    const group = groupsOf(registry).find((g) => g.name === segments[1]);
    return group === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group) };
  }
  const [group, version] = segments[0] === 'api' && segments.length === 2 ? ['', segments[1]!]
    : segments[0] === 'apis' && segments.length === 3 ? [segments[1]!, segments[2]!] : [undefined, undefined];
  if (group === undefined) return undefined;
  const types = registry.all().filter((t) => t.group === group && t.versions.includes(version));
  if (types.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources: types.flatMap(resourceEntries) };
}
