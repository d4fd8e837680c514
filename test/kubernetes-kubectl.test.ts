/**
 * Issue 6, end to end with a real kubectl: an install as a user does it. `kubectl kustomize
 * deploy/overlays/deployment` renders the shipped manifests, `kubectl apply --validate=false`
 * applies them to the fake API server, and the test plays the cloud's load balancer controller,
 * writing the Switchyard Service's status. Switchyard then runs on the static configuration the
 * rendered ConfigMap ships (addresses moved to 127.0.0.1 port 0), so Ingress status is the
 * published Service's address. The seeds' cleaned manifests (test/fixtures/seeds/) are applied
 * with kubectl while it runs, their Services get echo pods, and `kubectl get ingress … -o
 * jsonpath={.status.loadBalancer.ingress[0].ip}` prints the address Switchyard wrote.
 *
 * kubectl is installed by .ci/run (Debian package kubernetes-client when absent).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments, parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { get, startKubeSwitchyard, untilApplied } from './support/kube-e2e.ts';
import { startFakeKubeApi, type FakeKubeApi, type RecordedRequest } from './support/kube-fake/fake-api.ts';
import { asFakePods, startPodFleet, type PodFleet } from './support/pods.ts';
import { projectRoot, type SwitchyardProcess } from './support/switchyard-process.ts';

const run = promisify(execFile);
const seeds = join(projectRoot, 'test', 'fixtures', 'seeds');
/** The address the "cloud" gives the LoadBalancer Service switchyard/switchyard. */
const loadBalancerIp = '203.0.113.10';

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly data?: Readonly<Record<string, string>>;
}

/** kubectl's name for an object in apply's output: `kind[.group]/name`. */
function applyName(m: Manifest): string {
  const group = m.apiVersion.includes('/') ? `.${m.apiVersion.split('/')[0]}` : '';
  return `${m.kind.toLowerCase()}${group}/${m.metadata.name}`;
}

/**
 * The shipped static configuration with every entry point on 127.0.0.1 port 0, providers not
 * throttled (the tests wait on each change), and a file provider on `dynamicFile` (the test
 * harness waits for its first configuration).
 */
function localStatic(shipped: string, dynamicFile: string): string {
  const config = parseYaml(shipped) as { entryPoints: Record<string, { address: string }>; providers: Record<string, unknown> };
  for (const ep of Object.values(config.entryPoints)) ep.address = '127.0.0.1:0';
  config.providers = { providersThrottleDuration: '0s', file: { filename: dynamicFile, watch: false }, ...config.providers };
  return stringifyYaml(config);
}

/** Pods per Service of the seeds, and the Service's namespace. */
const seedPods: readonly [namespace: string, service: string, replicas: number][] = [
  ['demo', 'gls', 2], ['default', 'myapp1', 1], ['default', 'myapp2', 1], ['default', 'neg-demo-svc', 2], ['default', 'session1', 2],
];

/** The seeds' Ingresses (namespace/name) and the seed files applied, in the articles' order. */
const seedIngresses = ['demo/gls', 'default/neg-demo-ing', 'default/session1'];
const seedFiles = [
  'seed-000-sticky.yaml', 'seed-001-services.yaml', 'seed-001-weighted.yaml', 'seed-001-mirroring.yaml', 'seed-001-sticky.yaml',
  'seed-003-gke-backendconfig.yaml', 'seed-004-service-clientip.yaml',
];

describe('kubectl against the fake API server with Switchyard running', { timeout: 40_000 }, () => {
  let api: FakeKubeApi;
  let fleet: PodFleet;
  let sy: SwitchyardProcess;
  let dir: string;
  let kubeconfig: string;
  let rendered: Manifest[];
  const web = (): number | undefined => sy.ports.get('web');
  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 20_000 });
    return stdout.trim();
  };

  before(async () => {
    api = await startFakeKubeApi();
    fleet = await startPodFleet();
    dir = mkdtempSync(join(tmpdir(), 'switchyard-kubectl-e2e-'));
    kubeconfig = api.kubeconfigFile();
  });

  after(async () => {
    await sy?.stop();
    await fleet?.close();
    await api?.close();
  });

  test('kubectl applies the rendered deploy/overlays/deployment, every object created', async () => {
    const { stdout } = await run('kubectl', ['kustomize', join(projectRoot, 'deploy', 'overlays', 'deployment')], { maxBuffer: 64 * 1024 * 1024 });
    rendered = parseAllDocuments(stdout).map((d) => d.toJS() as Manifest);
    const file = join(dir, 'deployment.yaml');
    writeFileSync(file, stdout);
    const out = (await kubectl('apply', '--validate=false', '-f', file)).split('\n');
    assert.deepEqual(out, rendered.map((m) => `${applyName(m)} created`));
    assert.ok(rendered.some((m) => m.kind === 'CustomResourceDefinition' && m.metadata.name === 'ingressroutes.traefik.containo.us'));
    assert.equal(await kubectl('get', 'ingressclass', 'traefik', '-o', 'jsonpath={.spec.controller}'), 'traefik.io/ingress-controller');
    // GKE serves BackendConfig (seed 003) from the start; here its CRD comes with the install.
    assert.equal(await kubectl('apply', '--validate=false', '-f', join(seeds, 'backendconfig-crd.yaml')),
      'customresourcedefinition.apiextensions.k8s.io/backendconfigs.cloud.google.com created');
    // The cloud's load balancer controller gives the Service its address (written as a controller
    // would; `kubectl patch --subresource=status` needs kubectl 1.24+, older Debian packages lack it).
    api.setStatus({ kind: 'Service', namespace: 'switchyard', name: 'switchyard' }, { loadBalancer: { ingress: [{ ip: loadBalancerIp }] } });
    assert.equal(await kubectl('get', 'service', 'switchyard', '-n', 'switchyard', '-o', 'jsonpath={.spec.type} {.status.loadBalancer.ingress[0].ip}'),
      `LoadBalancer ${loadBalancerIp}`);
  });

  test('Switchyard starts on the shipped static configuration and publishes the Service address on the seeds\' Ingresses', async () => {
    const configMap = rendered.find((m) => m.kind === 'ConfigMap' && m.data?.['traefik.yml'] !== undefined);
    assert.ok(configMap !== undefined, 'the rendered ConfigMap with traefik.yml');
    sy = await startKubeSwitchyard(api, ['web', 'websecure', 'traefik'], (dynamicFile) => localStatic(configMap.data!['traefik.yml']!, dynamicFile),
      { POD_NAMESPACE: 'switchyard', POD_NAME: 'switchyard-7d9c5-x2x8c' });
    await sy.waitFor((l) => l.message === 'configuration applied' && Array.isArray(l.providers) && l.providers.includes('kubernetescrd'),
      'the first configuration with the kubernetescrd provider');

    // Seed 000 installs into the Helm release's namespace, which the user creates first (as `helm install --create-namespace`).
    // (`kubectl create namespace` would send protobuf, which the fake server does not decode.)
    const namespace = join(dir, 'namespace-demo.yaml');
    writeFileSync(namespace, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n');
    assert.equal(await kubectl('apply', '--validate=false', '-f', namespace), 'namespace/demo created');
    const applied: string[] = [];
    for (const file of seedFiles) applied.push(...(await kubectl('apply', '--validate=false', '-f', join(seeds, file))).split('\n'));
    const expected = seedFiles.flatMap((file) => parseAllDocuments(readFileSync(join(seeds, file), 'utf8'))
      .map((d) => d.toJS() as Manifest).filter((m) => m !== null).map(applyName));
    // The three variants of seed 001 replace IngressRoute myapp in turn, as the article does.
    assert.deepEqual(applied, expected.map((name, i) => `${name} ${expected.indexOf(name) < i ? 'configured' : 'created'}`));
    for (const [namespace, service, replicas] of seedPods) {
      const pods: string[] = [];
      for (let i = 0; i < replicas; i++) pods.push((await fleet.start(`${service}-${i}`)).name);
      api.setPods(namespace, service, asFakePods(fleet, pods), [{ name: '', port: fleet.port, protocol: 'TCP' }]);
    }

    const statusWrite = (ref: string) => (r: RecordedRequest): boolean => {
      const [namespace, name] = ref.split('/');
      return r.method === 'PUT' && r.path === `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses/${name}/status`;
    };
    for (const ref of seedIngresses) await api.waitForRequest(statusWrite(ref));
    const printed: string[] = [];
    for (const ref of seedIngresses) {
      const [namespace, name] = ref.split('/') as [string, string];
      printed.push(await kubectl('get', 'ingress', name, '-n', namespace, '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'));
    }
    assert.deepEqual(printed, seedIngresses.map(() => loadBalancerIp));
    assert.equal(await kubectl('get', 'ingress', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}={.status.loadBalancer.ingress[0].ip} {end}'),
      'default/neg-demo-ing=203.0.113.10 default/session1=203.0.113.10 demo/gls=203.0.113.10');
    // Only the Lease holder writes, once per Ingress.
    assert.deepEqual(seedIngresses.map((ref) => api.requests.filter(statusWrite(ref)).length), [1, 1, 1]);
    assert.match(await kubectl('get', 'lease', 'switchyard-ingress-status', '-n', 'switchyard', '-o', 'jsonpath={.spec.holderIdentity}'),
      /^switchyard-7d9c5-x2x8c_/);
  });

  test('the seeds are served through the shipped entry point web', async () => {
    const target = async (host: string, path: string, cookie?: string): Promise<string> =>
      (await get(web(), host, path, cookie === undefined ? {} : { cookie })).target;
    await untilApplied(sy, 'the seeds', async () => {
      const got = [
        await target('demo.example.com', '/gls'), await target('myapp.test.com', '/', 'lvl1=default-myapp2-80'),
        await target('myapp.test.com', '/', 'lvl1=default-myapp1-80'), await target('session.example.com', '/'), await target('anything.example', '/'),
      ];
      const want = ['gls', 'myapp2', 'myapp1', 'session1', 'neg-demo-svc'];
      return JSON.stringify(got) === JSON.stringify(want) ? true : `got ${got.join(', ')}`;
    });
  });
});
