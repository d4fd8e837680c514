/**
 * deploy/: the committed CRDs are the ones the schemas generate today, every kustomize overlay
 * renders (with the real `kubectl kustomize`) into the objects an install needs, and the static
 * configuration each overlay ships passes `switchyard check`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { crdFiles, crdGroups } from '../scripts/crds/crd-documents.ts';
import { crdKinds } from '../scripts/crds/crd-specs.ts';
import type { OpenApiSchema } from '../scripts/crds/openapi.ts';
import { launcher, projectRoot, tempDir } from './support/switchyard-process.ts';

const deploy = join(projectRoot, 'deploy');

/** A rendered Kubernetes object, as far as these tests read it. */
interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

function kustomize(directory: string): Manifest[] {
  const r = spawnSync('kubectl', ['kustomize', directory], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error !== undefined) {
    assert.fail(`kubectl is needed to render deploy/ (.ci/run installs it): ${r.error.message}`);
  }
  if (r.status !== 0) {
    // Components and directory resources need kustomize v4+ (kubectl 1.21+).
    const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout;
    assert.fail(`kubectl kustomize ${relative(projectRoot, directory)} failed (kubectl 1.21+ needed; this is:\n${version}):\n${r.stderr}`);
  }
  return parseAllDocuments(r.stdout).map((doc) => {
    assert.equal(doc.errors.length, 0, `${directory}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as Manifest;
  });
}

const rendered = new Map<string, Manifest[]>();
function overlay(name: string): Manifest[] {
  let objects = rendered.get(name);
  if (objects === undefined) {
    objects = kustomize(join(deploy, 'overlays', name));
    rendered.set(name, objects);
  }
  return objects;
}

function only(objects: Manifest[], kind: string): Manifest {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind}, got ${found.length}`);
  return found[0]!;
}

function kindCounts(objects: Manifest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
}

test('deploy/crds holds exactly what scripts/generate-crds.ts generates from the schemas today', () => {
  const directory = join(deploy, 'crds');
  const expected = crdFiles();
  const committed = readdirSync(directory).sort();
  assert.deepEqual(committed, expected.map((f) => f.name).sort(),
    'files differ: run `npx node scripts/generate-crds.ts`');
  const stale = expected.filter((f) => readFileSync(join(directory, f.name), 'utf8') !== f.text).map((f) => f.name);
  assert.deepEqual(stale, [], 'stale CRDs: run `npx node scripts/generate-crds.ts`');
});

/** Paths of schema nodes that break apiextensions.k8s.io/v1's structural-schema rules. */
function structuralProblems(schema: OpenApiSchema, path: string): string[] {
  const problems: string[] = [];
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const preserved = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (schema.type === undefined && !intOrString && !preserved) problems.push(`${path}: no type`);
  if (schema.type === 'array' && schema.items === undefined) problems.push(`${path}: array without items`);
  if (schema.properties !== undefined && schema.additionalProperties !== undefined) {
    problems.push(`${path}: both properties and additionalProperties`);
  }
  for (const name of schema.required ?? []) {
    if (schema.properties?.[name] === undefined) problems.push(`${path}: required ${name} is not a property`);
  }
  for (const [name, child] of Object.entries(schema.properties ?? {})) problems.push(...structuralProblems(child, `${path}.${name}`));
  if (schema.items !== undefined) problems.push(...structuralProblems(schema.items, `${path}[]`));
  if (schema.additionalProperties !== undefined) problems.push(...structuralProblems(schema.additionalProperties, `${path}{}`));
  return problems;
}

test('each of the ten kinds has a namespaced v1alpha1 CRD with a structural schema in both API groups', () => {
  const crds = crdFiles().filter((f) => f.name !== 'kustomization.yaml').map((f) => parse(f.text) as {
    metadata: { name: string };
    spec: { group: string; scope: string; names: { kind: string; plural: string };
      versions: { name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: OpenApiSchema } }[] };
  });
  assert.equal(crdKinds.length, 10);
  assert.deepEqual(crds.map((c) => c.metadata.name).sort(),
    crdGroups.flatMap((g) => crdKinds.map((k) => `${k.plural}.${g}`)).sort());
  for (const crd of crds) {
    assert.equal(crd.spec.scope, 'Namespaced', crd.metadata.name);
    assert.deepEqual(crd.spec.versions.map((v) => [v.name, v.served, v.storage]), [['v1alpha1', true, true]], crd.metadata.name);
    assert.deepEqual(structuralProblems(crd.spec.versions[0]!.schema.openAPIV3Schema, crd.metadata.name), []);
  }
});

test('the CRDs take the Kubernetes shapes: routes refer to Services, credentials to Secrets', () => {
  const spec = (kind: string): OpenApiSchema => crdKinds.find((k) => k.kind === kind)!.spec;
  const service = spec('IngressRoute').properties!['routes']!.items!.properties!['services']!.items!;
  assert.deepEqual(Object.keys(service.properties!).filter((k) => ['name', 'namespace', 'kind', 'port', 'servers'].includes(k)),
    ['kind', 'name', 'namespace', 'port']);
  assert.equal(service.properties!['port']!['x-kubernetes-int-or-string'], true);
  // Shared with the dynamic configuration: the sticky cookie and health check come from src/config.
  assert.ok(service.properties!['sticky']!.properties!['cookie']!.properties!['sameSite']);
  assert.equal(service.properties!['healthCheck']!.properties!['interval']!['x-kubernetes-int-or-string'], true);
  const middleware = spec('Middleware').properties!;
  assert.deepEqual(Object.keys(middleware['basicAuth']!.properties!), ['headerField', 'realm', 'removeHeader', 'secret']);
  assert.equal(middleware['chain']!.properties!['middlewares']!.items!.properties!['name']!.type, 'string');
  assert.equal(middleware['plugin']!.additionalProperties!['x-kubernetes-preserve-unknown-fields'], true);
  assert.ok(spec('ServersTransport').properties!['rootCAs']!.items!.properties!['configMap']);
  assert.ok(spec('TLSOption').properties!['clientAuth']!.properties!['secretNames']);
});

const expectedKinds: Record<string, Record<string, number>> = {
  deployment: {
    CustomResourceDefinition: 20, Namespace: 1, ClusterRole: 1, ClusterRoleBinding: 1, IngressClass: 1,
    ServiceAccount: 1, ConfigMap: 1, Service: 1, Deployment: 1,
  },
  daemonset: {
    CustomResourceDefinition: 20, Namespace: 1, ClusterRole: 1, ClusterRoleBinding: 1, IngressClass: 1,
    ServiceAccount: 1, ConfigMap: 1, Service: 1, DaemonSet: 1,
  },
  namespaced: { Role: 1, RoleBinding: 1, ServiceAccount: 1, ConfigMap: 1, Service: 1, Deployment: 1 },
};

for (const [name, kinds] of Object.entries(expectedKinds)) {
  test(`kubectl kustomize renders deploy/overlays/${name} into the objects of that install`, () => {
    const objects = overlay(name);
    assert.deepEqual(kindCounts(objects), kinds);
    for (const o of objects) {
      const clusterScoped = ['CustomResourceDefinition', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass'].includes(o.kind);
      assert.equal(o.metadata.namespace, clusterScoped ? undefined : 'switchyard', `${o.kind}/${o.metadata.name}`);
    }
  });
}

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }

/** Whether `rules` allow `verb` on `group`/`resource`. */
function allows(rules: Rule[], group: string, resource: string, verb: string): boolean {
  return rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
}

test('the ClusterRole and the namespaced Role grant what the providers read and write', () => {
  const clusterRules = only(overlay('deployment'), 'ClusterRole')['rules'] as Rule[];
  const roleRules = only(overlay('namespaced'), 'Role')['rules'] as Rule[];
  const namespaced: [string, string, string[]][] = [
    ['', 'services', ['get', 'list', 'watch']],
    ['', 'secrets', ['get', 'list', 'watch']],
    ['discovery.k8s.io', 'endpointslices', ['get', 'list', 'watch']],
    ['networking.k8s.io', 'ingresses', ['get', 'list', 'watch']],
    ['networking.k8s.io', 'ingresses/status', ['update']],
    ['', 'events', ['create', 'patch']],
    ['coordination.k8s.io', 'leases', ['get', 'create', 'update']],
    ...crdGroups.flatMap((g) => crdKinds.map((k): [string, string, string[]] => [g, k.plural, ['get', 'list', 'watch']])),
  ];
  const clusterOnly: [string, string, string[]][] = [
    ['', 'nodes', ['get', 'list', 'watch']],
    ['networking.k8s.io', 'ingressclasses', ['get', 'list', 'watch']],
  ];
  for (const [group, resource, verbs] of [...namespaced, ...clusterOnly]) {
    for (const verb of verbs) assert.ok(allows(clusterRules, group, resource, verb), `ClusterRole: ${verb} ${group}/${resource}`);
  }
  for (const [group, resource, verbs] of namespaced) {
    for (const verb of verbs) assert.ok(allows(roleRules, group, resource, verb), `Role: ${verb} ${group}/${resource}`);
  }
  const subjects = (o: Manifest) => o['subjects'] as { kind: string; name: string; namespace: string }[];
  assert.deepEqual(subjects(only(overlay('deployment'), 'ClusterRoleBinding')),
    [{ kind: 'ServiceAccount', name: 'switchyard', namespace: 'switchyard' }]);
  assert.deepEqual(subjects(only(overlay('namespaced'), 'RoleBinding')),
    [{ kind: 'ServiceAccount', name: 'switchyard', namespace: 'switchyard' }]);
});

interface Container {
  args: string[];
  ports: { name: string; containerPort: number; hostPort?: number }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  containers: Container[];
  volumes: { name: string; configMap?: { name: string } }[];
}

function podSpec(workload: Manifest): PodSpec {
  return (workload['spec'] as { template: { spec: PodSpec } }).template.spec;
}

const workloads: [string, string][] = [['deployment', 'Deployment'], ['daemonset', 'DaemonSet'], ['namespaced', 'Deployment']];

for (const [name, kind] of workloads) {
  test(`the ${name} ${kind} runs bin/switchyard on its ConfigMap's static configuration and probes /ping on the traefik entry point`, () => {
    const objects = overlay(name);
    const pod = podSpec(only(objects, kind));
    const container = pod.containers[0]!;
    assert.equal(pod.serviceAccountName, only(objects, 'ServiceAccount').metadata.name);
    assert.deepEqual(container.args, ['--configFile=/etc/switchyard/traefik.yml']);
    const mount = container.volumeMounts.find((m) => m.mountPath === '/etc/switchyard')!;
    const configMap = only(objects, 'ConfigMap');
    assert.equal(pod.volumes.find((v) => v.name === mount.name)?.configMap?.name, configMap.metadata.name);
    const config = parse((configMap['data'] as Record<string, string>)['traefik.yml']!) as {
      entryPoints: Record<string, { address: string }>; ping?: object;
    };
    assert.ok(config.ping !== undefined, 'ping is enabled');
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      assert.equal(probe.httpGet.path, '/ping');
      assert.equal(probe.httpGet.port, 'traefik');
    }
    // Each named container port is the port of the entry point of that name.
    for (const port of container.ports) {
      assert.equal(config.entryPoints[port.name]?.address, `:${port.containerPort}`, port.name);
    }
    const service = only(objects, 'Service')['spec'] as { type: string; ports: { port: number; targetPort: string }[] };
    assert.equal(service.type, 'LoadBalancer');
    assert.deepEqual(service.ports.map((p) => [p.port, p.targetPort]), [[80, 'web'], [443, 'websecure']]);
  });
}

test('the DaemonSet listens on every node\'s ports 80 and 443 (hostPort)', () => {
  const ports = podSpec(only(overlay('daemonset'), 'DaemonSet')).containers[0]!.ports;
  assert.deepEqual(ports.filter((p) => p.hostPort !== undefined).map((p) => [p.name, p.hostPort]), [['web', 80], ['websecure', 443]]);
});

test('the IngressClass is Traefik\'s, and the default-ingress-class component makes it the default', () => {
  const plain = only(overlay('deployment'), 'IngressClass');
  assert.equal(plain.metadata.name, 'traefik');
  assert.equal((plain['spec'] as { controller: string }).controller, 'traefik.io/ingress-controller');
  assert.equal(plain.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'], undefined);
  const dir = tempDir();
  const rel = (p: string) => relative(dir, join(deploy, p));
  writeFileSync(join(dir, 'kustomization.yaml'), [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    `  - ${rel('overlays/deployment')}`,
    'components:',
    `  - ${rel('components/default-ingress-class')}`,
    '',
  ].join('\n'));
  const marked = only(kustomize(dir), 'IngressClass');
  assert.equal(marked.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'], 'true');
});

for (const name of Object.keys(expectedKinds)) {
  test(`the static configuration of deploy/overlays/${name} passes switchyard check (warnings only for settings not applied yet)`, () => {
    const text = (only(overlay(name), 'ConfigMap')['data'] as Record<string, string>)['traefik.yml']!;
    const dir = tempDir({ 'traefik.yml': text });
    const r = spawnSync(launcher, ['check', `--configFile=${join(dir, 'traefik.yml')}`], { cwd: dir, encoding: 'utf8' });
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 0, out);
    const diagnostics = out.split('\n').map((line) => /^(?:\S+:\d+:\d+: )?(error|warning) (\S+)/.exec(line)).filter((m) => m !== null);
    for (const [line, severity, code] of diagnostics) {
      assert.ok(severity === 'warning' && code === 'STATIC_SETTING_NOT_APPLIED', `unexpected diagnostic: ${line}`);
    }
  });
}
