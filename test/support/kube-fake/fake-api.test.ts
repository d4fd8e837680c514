// The fake Kubernetes API server driven by the real @kubernetes/client-node: paging, informers,
// watch resumption, 410 after compaction, status writes, CRDs, TLS and token auth, faults.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { createManualClock } from '../../../src/lib/manual-clock.ts';
import { startFakeKubeApi, type FakeKubeApi, type FakeObject } from './fake-api.ts';

function clientFor(api: FakeKubeApi): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(api.kubeconfig());
  return kc;
}

function configMap(name: string, namespace = 'default', data: Record<string, string> = {}, labels: Record<string, string> = {}): FakeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data };
}

const ingressYaml = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: default
spec:
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: 80}}
`;

/** The project's IngressRoute CRD (deploy/crds), as users apply it. */
const ingressRouteCrd = readFileSync(new URL('../../../deploy/crds/traefik.io_ingressroutes.yaml', import.meta.url), 'utf8');

type Informer = k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>;

/** Resolves with the first object an informer reports for `verb` that matches. */
function nextEvent(informer: Informer, verb: 'add' | 'update' | 'delete', name: string): Promise<k8s.KubernetesObject> {
  return new Promise((resolve) => {
    const callback = (object: k8s.KubernetesObject): void => {
      if (object.metadata?.name !== name) return;
      informer.off(verb, callback);
      resolve(object);
    };
    informer.on(verb, callback);
  });
}

describe('fake Kubernetes API with @kubernetes/client-node', () => {
  let api: FakeKubeApi;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;

  before(async () => {
    api = await startFakeKubeApi();
    kc = clientFor(api);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  after(() => api.close());

  test('lists in pages over one consistent snapshot; a compacted continue token is 410 Expired', async () => {
    api.apply(['a', 'b', 'c', 'd', 'e'].map((n) => configMap(n, 'paging')));
    const first = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 2 });
    assert.deepEqual(first.items.map((i) => i.metadata?.name), ['a', 'b']);
    assert.equal(first.metadata?.remainingItemCount, 3);
    assert.equal(first.metadata?.resourceVersion, api.resourceVersion());
    api.apply(configMap('bb', 'paging'));
    api.delete({ kind: 'ConfigMap', namespace: 'paging', name: 'e' });
    const second = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 2, _continue: first.metadata!._continue! });
    const third = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 2, _continue: second.metadata!._continue! });
    assert.deepEqual([...second.items, ...third.items].map((i) => i.metadata?.name), ['c', 'd', 'e'], 'pages read the snapshot of the first one');
    assert.equal(third.metadata?._continue, undefined);
    assert.equal(second.metadata?.resourceVersion, first.metadata?.resourceVersion);

    const filtered = await core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=paging,metadata.name!=a' });
    assert.deepEqual(filtered.items.map((i) => i.metadata?.name), ['b', 'bb', 'c', 'd']);

    const again = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 1 });
    api.apply(configMap('f', 'paging'));
    api.compact();
    await assert.rejects(core.listNamespacedConfigMap({ namespace: 'paging', limit: 1, _continue: again.metadata!._continue! }),
      (error: k8s.ApiException<string>) => error.code === 410 && JSON.parse(error.body).reason === 'Expired');
  });

  test('an informer sees add, update and delete, with label selectors applied server-side', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/informed/services',
      () => core.listNamespacedService({ namespace: 'informed', labelSelector: 'app=web' }), 'app=web');
    const service = (port: number, app = 'web'): FakeObject => ({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'informed', labels: { app } }, spec: { ports: [{ name: 'http', port }] },
    });
    api.apply(service(80));
    await informer.start();
    assert.deepEqual(informer.list('informed').map((s) => s.metadata?.name), ['web']);

    const updated = nextEvent(informer, 'update', 'web');
    api.apply(service(8080));
    assert.equal(((await updated) as { spec: { ports: { port: number }[] } }).spec.ports[0]!.port, 8080);

    const added = nextEvent(informer, 'add', 'other');
    api.apply({ ...service(81), metadata: { name: 'other', namespace: 'informed', labels: { app: 'web' } } });
    await added;

    const leftSelector = nextEvent(informer, 'delete', 'other');
    api.apply({ ...service(81, 'api'), metadata: { name: 'other', namespace: 'informed', labels: { app: 'api' } } });
    await leftSelector;

    const deleted = nextEvent(informer, 'delete', 'web');
    api.delete({ kind: 'Service', namespace: 'informed', name: 'web' });
    await deleted;
    assert.deepEqual(informer.list('informed'), []);
    await informer.stop();
  });

  test('a watch resumes after a resourceVersion, replaying later changes in order', async () => {
    api.apply(configMap('one', 'resume'));
    const from = api.resourceVersion();
    api.apply(configMap('two', 'resume'));
    api.apply(configMap('one', 'resume', { k: 'v' }));
    api.delete({ kind: 'ConfigMap', namespace: 'resume', name: 'two' });

    const events: { type: string; name: string; rv: number }[] = [];
    let controller: AbortController | undefined;
    await new Promise<void>((resolve, reject) => {
      void new k8s.Watch(kc).watch('/api/v1/namespaces/resume/configmaps', { resourceVersion: from }, (type, object: k8s.V1ConfigMap) => {
        events.push({ type, name: object.metadata!.name!, rv: Number(object.metadata!.resourceVersion) });
        if (events.length === 3) resolve();
      }, (error: unknown) => {
        if (events.length < 3) reject(error as Error);
      }).then((c) => {
        controller = c;
      });
    });
    controller?.abort();
    assert.deepEqual(events.map((e) => `${e.type} ${e.name}`), ['ADDED two', 'MODIFIED one', 'DELETED two']);
    assert.ok(events.every((e, i) => e.rv > Number(from) && (i === 0 || e.rv > events[i - 1]!.rv)));
  });

  test('a watch from a compacted resourceVersion gets 410: an ERROR event, or HTTP 410 when so configured', async () => {
    api.apply(configMap('x', 'gone'));
    const old = api.resourceVersion();
    api.apply(configMap('x', 'gone', { k: 'v' }));
    api.compact();
    const seen: { type: string; code?: number }[] = [];
    const doneError = await new Promise<unknown>((resolve) => {
      void new k8s.Watch(kc).watch('/api/v1/namespaces/gone/configmaps', { resourceVersion: old }, (type, object: { code?: number }) => {
        seen.push({ type, ...(object.code === undefined ? {} : { code: object.code }) });
      }, resolve);
    });
    assert.deepEqual(seen, [{ type: 'ERROR', code: 410 }]);
    assert.equal(doneError, null, 'the stream then ends cleanly');

    api.compactedWatch = 'http';
    try {
      const httpError = await new Promise<unknown>((resolve) => {
        void new k8s.Watch(kc).watch('/api/v1/namespaces/gone/configmaps', { resourceVersion: old }, () => {}, resolve);
      });
      assert.equal((httpError as { statusCode?: number }).statusCode, 410);
    } finally {
      api.compactedWatch = 'event';
    }
  });

  // client-node 2.x: an ERROR 410 event clears the informer's resourceVersion; when the stream
  // ends it relists (delete callbacks for vanished objects, add for new ones), then waits its
  // reconnect back-off (1 s, since no event arrived on that watch) and watches from the list's
  // resourceVersion. An HTTP 410 answer to the watch request has the same effect.
  test('after compact(), an informer reconnecting with an old resourceVersion relists', async () => {
    api.apply([configMap('keep', 'relist'), configMap('drop', 'relist')]);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/relist/configmaps', () => core.listNamespacedConfigMap({ namespace: 'relist' }));
    await informer.start();
    api.clearRequests();
    api.pause();
    assert.equal(api.dropWatches(), 1);
    await api.waitForRequest((r) => r.query['watch'] === 'true');

    const dropped = nextEvent(informer, 'delete', 'drop');
    const added = nextEvent(informer, 'add', 'new');
    api.delete({ kind: 'ConfigMap', namespace: 'relist', name: 'drop' });
    api.apply(configMap('new', 'relist'));
    api.compact();
    api.resume();
    await Promise.all([dropped, added]);
    assert.deepEqual(informer.list('relist').map((c) => c.metadata?.name).sort(), ['keep', 'new']);

    const rewatch = await api.waitForWatch((w) => w.path.includes('/relist/') && w.query['resourceVersion'] === api.resourceVersion());
    assert.equal(rewatch.query['resourceVersion'], api.resourceVersion());
    const sequence = api.requests.map((r) => (r.query['watch'] === 'true' ? `WATCH ${r.status}` : `${r.method} ${r.status}`));
    assert.deepEqual(sequence, ['WATCH 200', 'GET 200', 'WATCH 200']);
    await informer.stop();
  });

  test('status is written only through /status, with optimistic concurrency', async () => {
    api.clearRequests();
    api.apply(ingressYaml);
    const networking = kc.makeApiClient(k8s.NetworkingV1Api);
    const current = await networking.readNamespacedIngress({ name: 'web', namespace: 'default' });
    const status = { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } };
    const written = await networking.replaceNamespacedIngressStatus({
      name: 'web', namespace: 'default',
      body: { ...current, spec: { rules: [{ host: 'changed.example.com' }] }, status },
    });
    assert.equal(written.status?.loadBalancer?.ingress?.[0]?.ip, '127.0.0.1');
    assert.equal(written.spec?.rules?.[0]?.host, 'web.example.com', 'spec is not written through /status');
    assert.equal(written.metadata?.generation, current.metadata?.generation, 'a status write keeps the generation');
    assert.notEqual(written.metadata?.resourceVersion, current.metadata?.resourceVersion);

    await assert.rejects(networking.replaceNamespacedIngressStatus({ name: 'web', namespace: 'default', body: { ...current, status } }),
      (error: k8s.ApiException<string>) => error.code === 409 && JSON.parse(error.body).reason === 'Conflict');

    const specWrite = await networking.replaceNamespacedIngress({
      name: 'web', namespace: 'default', body: { ...written, spec: { rules: [{ host: 'b.example.com' }] }, status: {} },
    });
    assert.equal(specWrite.metadata?.generation, (written.metadata?.generation ?? 0) + 1);
    assert.equal(specWrite.status?.loadBalancer?.ingress?.[0]?.ip, '127.0.0.1', 'the main resource does not write status');

    const rv = specWrite.metadata?.resourceVersion;
    const unchanged = await networking.replaceNamespacedIngressStatus({ name: 'web', namespace: 'default', body: { ...specWrite, status } });
    assert.equal(unchanged.metadata?.resourceVersion, rv, 'a write that changes nothing gets no new resourceVersion');

    const patched = await networking.patchNamespacedIngressStatus(
      { name: 'web', namespace: 'default', body: { status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    assert.deepEqual(patched.status?.loadBalancer?.ingress?.map((i) => i.hostname), ['lb.example.com']);
    const statusPuts = api.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/ingresses/web/status'));
    assert.equal(statusPuts.length, 3);
  });

  test('creating a CRD serves its kind; deleting it removes the kind and its objects', async () => {
    const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const body = parseYaml(ingressRouteCrd) as k8s.V1CustomResourceDefinition;
    const created = await extensions.createCustomResourceDefinition({ body });
    assert.equal(created.metadata?.name, 'ingressroutes.traefik.io');
    await assert.rejects(extensions.createCustomResourceDefinition({ body }), (error: k8s.ApiException<string>) => error.code === 409);
    const established = await extensions.readCustomResourceDefinition({ name: 'ingressroutes.traefik.io' });
    assert.ok(established.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'));

    await custom.createNamespacedCustomObject({
      group: 'traefik.io', version: 'v1alpha1', namespace: 'default', plural: 'ingressroutes',
      body: { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'dashboard' }, spec: { routes: [{ match: 'Host(`d.example.com`)', kind: 'Rule' }] } },
    });
    const list = await custom.listClusterCustomObject({ group: 'traefik.io', version: 'v1alpha1', plural: 'ingressroutes' }) as { kind: string; items: FakeObject[] };
    assert.equal(list.kind, 'IngressRouteList');
    assert.deepEqual(list.items.map((i) => [i.apiVersion, i.kind, i.metadata.namespace, i.metadata.name]), [['traefik.io/v1alpha1', 'IngressRoute', 'default', 'dashboard']]);
    const groups = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
    assert.ok(groups.groups.some((g) => g.name === 'traefik.io'));

    await extensions.deleteCustomResourceDefinition({ name: 'ingressroutes.traefik.io' });
    await assert.rejects(custom.listClusterCustomObject({ group: 'traefik.io', version: 'v1alpha1', plural: 'ingressroutes' }),
      (error: k8s.ApiException<string>) => error.code === 404);
  });

  test('failNext answers the next requests with an error Status; pause holds requests until resume', async () => {
    api.failNext(1, 503);
    await assert.rejects(core.listNamespace(), (error: k8s.ApiException<string>) => error.code === 503 && JSON.parse(error.body).reason === 'ServiceUnavailable');
    assert.ok((await core.listNamespace()).items.length >= 4);

    api.clearRequests();
    api.pause();
    let answered = false;
    const pending = core.readNamespace({ name: 'default' }).then((ns) => {
      answered = true;
      return ns;
    });
    await api.waitForRequest((r) => r.path === '/api/v1/namespaces/default');
    assert.equal(answered, false);
    api.resume();
    assert.equal((await pending).metadata?.name, 'default');
  });
});

describe('fake Kubernetes API options', () => {
  test('serves HTTPS with a test CA and checks the bearer token', async () => {
    const api = await startFakeKubeApi({ tls: true, token: 'secret-token' });
    try {
      assert.match(api.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const core = clientFor(api).makeApiClient(k8s.CoreV1Api);
      assert.ok((await core.listNamespace()).items.some((n) => n.metadata?.name === 'kube-system'));
      const anonymous = new k8s.KubeConfig();
      anonymous.loadFromString(api.kubeconfig().replace('secret-token', 'wrong'));
      await assert.rejects(anonymous.makeApiClient(k8s.CoreV1Api).listNamespace(), (error: k8s.ApiException<string>) => error.code === 401);
    } finally {
      await api.close();
    }
  });

  test('ends a watch after timeoutSeconds on the injected clock', async () => {
    const clock = createManualClock();
    const api = await startFakeKubeApi({ clock });
    try {
      const ended = new Promise<unknown>((resolve) => {
        void new k8s.Watch(clientFor(api)).watch('/api/v1/namespaces', { timeoutSeconds: 30 }, () => {}, resolve);
      });
      await api.waitForWatch();
      clock.advance(29_999);
      assert.equal(api.openWatches().length, 1);
      clock.advance(1);
      assert.equal(await ended, null);
    } finally {
      await api.close();
    }
  });
});
