import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startFakeKubeApi } from '../../../test/support/kube-fake/fake-api.ts';
import { controllerInstance, createKubeClient, KubeApiError, loadKubeConfig } from './kube-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'kube-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadKubeConfig', () => {
  it('names the endpoint field when nothing says where the API server is', () => {
    assert.throws(() => loadKubeConfig({}, 'providers.kubernetesIngress', {}), /^Error: providers\.kubernetesIngress\.endpoint: required outside a cluster/);
  });

  it('uses endpoint, token and certAuthFilePath outside a cluster', () => {
    const ca = join(dir, 'ca.crt');
    writeFileSync(ca, 'not read until a request');
    const kc = loadKubeConfig({ endpoint: 'https://k8s.example:6443', token: 'abc', certAuthFilePath: ca }, 'providers.kubernetesCRD', {});
    assert.equal(kc.getCurrentCluster()?.server, 'https://k8s.example:6443');
    assert.equal(kc.getCurrentCluster()?.caFile, ca);
    assert.equal(kc.getCurrentUser()?.token, 'abc');
  });

  it('reads a token given as a file path', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'from-a-file\n');
    const kc = loadKubeConfig({ endpoint: 'https://k8s.example:6443', token: file }, 'providers.kubernetesIngress', {});
    assert.equal(kc.getCurrentUser()?.token, 'from-a-file');
  });

  it('names a CA file that does not exist', () => {
    assert.throws(() => loadKubeConfig({ endpoint: 'https://k8s.example', certAuthFilePath: join(dir, 'nope.crt') }, 'providers.kubernetesIngress', {}),
      /providers\.kubernetesIngress\.certAuthFilePath: .*nope\.crt does not exist/);
  });

  it('accepts a plain http endpoint (kubectl proxy)', () => {
    const kc = loadKubeConfig({ endpoint: 'http://127.0.0.1:8001' }, 'providers.kubernetesIngress', {});
    assert.equal(kc.getCurrentCluster()?.skipTLSVerify, true);
  });

  it('prefers KUBECONFIG over the endpoint option', () => {
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      'clusters: [{name: fake, cluster: {server: "https://from-kubeconfig:6443"}}]',
      'users: [{name: me, user: {token: t}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: me, namespace: edge}}]',
    ].join('\n'));
    const kc = loadKubeConfig({ endpoint: 'https://ignored' }, 'providers.kubernetesIngress', { KUBECONFIG: file });
    assert.equal(kc.getCurrentCluster()?.server, 'https://from-kubeconfig:6443');
    assert.equal(controllerInstance(kc, {}).namespace, 'edge');
  });

  it('uses the service account in a cluster, with endpoint replacing the server only', () => {
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443', KUBECONFIG: '/elsewhere' };
    const kc = loadKubeConfig({}, 'providers.kubernetesIngress', env);
    assert.equal(kc.getCurrentCluster()?.server, 'https://[fd00::1]:443');
    assert.equal(kc.getCurrentCluster()?.caFile, '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt');
    assert.equal(kc.getCurrentUser()?.authProvider?.config?.tokenFile, '/var/run/secrets/kubernetes.io/serviceaccount/token');
    const overridden = loadKubeConfig({ endpoint: 'https://api.internal:6443' }, 'providers.kubernetesIngress', env);
    assert.equal(overridden.getCurrentCluster()?.server, 'https://api.internal:6443');
  });
});

describe('controllerInstance', () => {
  it('takes the namespace and pod name from the downward API and never repeats an identity', () => {
    const kc = loadKubeConfig({ endpoint: 'https://k8s.example' }, 'providers.kubernetesIngress', {});
    const a = controllerInstance(kc, { POD_NAMESPACE: 'edge', POD_NAME: 'switchyard-0' });
    const b = controllerInstance(kc, { POD_NAMESPACE: 'edge', POD_NAME: 'switchyard-0' });
    assert.equal(a.namespace, 'edge');
    assert.match(a.identity, /^switchyard-0_/);
    assert.notEqual(a.identity, b.identity);
  });
});

describe('createKubeClient', () => {
  it('talks to an HTTPS API server with a bearer token, from KUBECONFIG or from endpoint, token and certAuthFilePath', async () => {
    const api = await startFakeKubeApi({ tls: true, token: 'sesame' });
    try {
      const fromFile = createKubeClient(loadKubeConfig({}, 'providers.kubernetesIngress', { KUBECONFIG: api.kubeconfigFile() }));
      const list = await fromFile.request({ method: 'GET', path: '/api/v1/namespaces' }) as { items: { metadata: { name: string } }[] };
      assert.ok(list.items.some((ns) => ns.metadata.name === 'default'));

      const ca = join(dir, 'fake-ca.crt');
      writeFileSync(ca, api.caPem!);
      const fromOptions = createKubeClient(loadKubeConfig({ endpoint: api.url, token: 'sesame', certAuthFilePath: ca }, 'providers.kubernetesIngress', {}));
      const created = await fromOptions.request({
        method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { metadata: { name: 'probe' }, data: { a: '1' } },
      }) as { metadata: { resourceVersion: string } };
      assert.ok(created.metadata.resourceVersion !== '');

      const wrongToken = createKubeClient(loadKubeConfig({ endpoint: api.url, token: 'nope', certAuthFilePath: ca }, 'providers.kubernetesIngress', {}));
      await assert.rejects(wrongToken.request({ method: 'GET', path: '/api/v1/namespaces' }),
        (error: unknown) => error instanceof KubeApiError && error.status === 401);
      await assert.rejects(fromOptions.request({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/absent' }),
        (error: unknown) => error instanceof KubeApiError && error.status === 404 && error.reason === 'NotFound');
    } finally {
      await api.close();
    }
  });
});
