// A real kubectl against the fake API server: client-side apply of a multi-document manifest
// (create, then strategic-merge patches on change), reads with jsonpath, the project's CRDs and
// objects of both Traefik API groups.
// kubectl is installed by .ci/run (Debian package kubernetes-client when absent).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeKubeApi, type FakeKubeApi } from './fake-api.ts';

const run = promisify(execFile);

const manifest = `
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: example/web:1
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 80
    targetPort: 8080
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: demo
  annotations:
    traefik.ingress.kubernetes.io/router.entrypoints: web
spec:
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port: {name: http}
`;

/** The project's own CRDs (deploy/crds), as users apply them. */
const crdFiles = ['traefik.io_ingressroutes.yaml', 'traefik.containo.us_ingressroutes.yaml'].map((f) => fileURLToPath(new URL(`../../../deploy/crds/${f}`, import.meta.url)));

const routes = `
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: web
  namespace: demo
spec:
  entryPoints: [web]
  routes:
  - match: Host(\`web.example.com\`)
    kind: Rule
    services:
    - name: web
      port: 80
---
apiVersion: traefik.containo.us/v1alpha1
kind: IngressRoute
metadata:
  name: legacy
  namespace: demo
spec:
  routes:
  - match: PathPrefix(\`/old\`)
    kind: Rule
    services:
    - name: web
      port: 80
`;

describe('kubectl against the fake API server', () => {
  let api: FakeKubeApi;
  let dir: string;
  let kubeconfig: string;
  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 10_000 });
    return stdout.trim();
  };
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  before(async () => {
    api = await startFakeKubeApi();
    dir = mkdtempSync(join(tmpdir(), 'switchyard-kubectl-'));
    kubeconfig = api.kubeconfigFile();
  });
  after(() => api.close());

  test('applies a multi-document manifest, then patches what changed', async () => {
    const path = file('app.yaml', manifest);
    assert.deepEqual((await kubectl('apply', '--validate=false', '-f', path)).split('\n'), [
      'namespace/demo created',
      'deployment.apps/web created',
      'service/web created',
      'ingress.networking.k8s.io/web created',
    ]);
    assert.equal(await kubectl('get', 'ingress', '-n', 'demo', 'web', '-o', 'jsonpath={.spec.rules[0].host} {.spec.rules[0].http.paths[0].backend.service.port.name}'), 'web.example.com http');
    assert.equal(api.get({ kind: 'Service', namespace: 'demo', name: 'web' })?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] !== undefined, true);

    const changed = manifest.replace('host: web.example.com', 'host: shop.example.com').replace('image: example/web:1', 'image: example/web:2');
    assert.deepEqual((await kubectl('apply', '--validate=false', '-f', file('app2.yaml', changed))).split('\n'), [
      'namespace/demo unchanged',
      'deployment.apps/web configured',
      'service/web unchanged',
      'ingress.networking.k8s.io/web configured',
    ]);
    const patches = api.requests.filter((r) => r.method === 'PATCH').map((r) => `${r.contentType} ${r.path}`);
    assert.deepEqual(patches, [
      'application/strategic-merge-patch+json /apis/apps/v1/namespaces/demo/deployments/web',
      'application/strategic-merge-patch+json /apis/networking.k8s.io/v1/namespaces/demo/ingresses/web',
    ]);
    const deployment = api.get({ kind: 'Deployment', namespace: 'demo', name: 'web' }) as unknown as { spec: { template: { spec: { containers: unknown[] } } } };
    assert.deepEqual(deployment.spec.template.spec.containers, [{ name: 'web', image: 'example/web:2', ports: [{ containerPort: 8080 }] }]);
    assert.equal(await kubectl('get', 'ingress', '-A', '-o', 'jsonpath={.items[*].spec.rules[0].host}'), 'shop.example.com');
  });

  test('applies the project CRDs, then objects of both API groups', async () => {
    assert.deepEqual((await kubectl('apply', '--validate=false', ...crdFiles.flatMap((f) => ['-f', f]))).split('\n'), [
      'customresourcedefinition.apiextensions.k8s.io/ingressroutes.traefik.io created',
      'customresourcedefinition.apiextensions.k8s.io/ingressroutes.traefik.containo.us created',
    ]);
    assert.equal(await kubectl('wait', '--for=condition=Established', 'crd/ingressroutes.traefik.io', '--timeout=5s'), 'customresourcedefinition.apiextensions.k8s.io/ingressroutes.traefik.io condition met');
    assert.deepEqual((await kubectl('apply', '--validate=false', '-f', file('routes.yaml', routes))).split('\n'), [
      'ingressroute.traefik.io/web created',
      'ingressroute.traefik.containo.us/legacy created',
    ]);
    assert.equal(await kubectl('get', 'ingressroutes.traefik.io', '-n', 'demo', 'web', '-o', 'jsonpath={.spec.routes[0].match}'), 'Host(`web.example.com`)');
    assert.equal(await kubectl('label', '-n', 'demo', 'ingressroutes.traefik.containo.us', 'legacy', 'tier=edge'), 'ingressroute.traefik.containo.us/legacy labeled');
    assert.equal(api.get({ kind: 'IngressRoute.traefik.containo.us', namespace: 'demo', name: 'legacy' })?.metadata.labels?.['tier'], 'edge');
    assert.throws(() => api.objects('IngressRoute'), /ambiguous/);
    assert.deepEqual(api.objects('ingressroutes.traefik.io').map((o) => o.metadata.name), ['web']);
  });
});
