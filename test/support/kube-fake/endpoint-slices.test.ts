// setPods: EndpointSlices as Kubernetes' EndpointSlice controller writes them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startFakeKubeApi, type FakeKubeApi, type FakeObject } from './fake-api.ts';

function service(name: string, spec: Record<string, unknown> = {}): FakeObject {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace: 'shop', labels: { app: name } },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9100 }], ...spec },
  };
}

/** The slice without the fields that differ per run. */
function shape(slice: FakeObject): unknown {
  const { name: _n, uid: _u, creationTimestamp: _c, resourceVersion: _r, ...metadata } = slice.metadata;
  return { ...slice, metadata };
}

describe('setPods (EndpointSlice controller emulation)', () => {
  let api: FakeKubeApi;
  before(async () => {
    api = await startFakeKubeApi();
  });
  after(() => api.close());

  test('writes one slice per address family, with the controller labels, owner and conditions', () => {
    const [svc] = api.apply(service('web'));
    const slices = api.setPods('shop', 'web', [
      { name: 'web-1', ip: '127.0.0.2', nodeName: 'node-a' },
      { name: 'web-2', ip: '127.0.0.3', terminating: true },
      { name: 'web-3', ip: '127.0.0.4', ready: false },
      { name: 'web-4', ip: '::1', zone: 'z1' },
    ]);
    const labels = { app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' };
    const metadata = {
      generateName: 'web-', namespace: 'shop', labels, generation: 1,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc!.metadata.uid, controller: true, blockOwnerDeletion: true }],
    };
    const ports = [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9100, protocol: 'TCP' }];
    assert.deepEqual(slices.map(shape), [
      {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata, addressType: 'IPv4', ports,
        endpoints: [
          { addresses: ['127.0.0.2'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-1' } },
          { addresses: ['127.0.0.3'], conditions: { ready: false, serving: true, terminating: true }, targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-2' } },
          { addresses: ['127.0.0.4'], conditions: { ready: false, serving: false, terminating: false }, targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-3' } },
        ],
      },
      {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata, addressType: 'IPv6', ports,
        endpoints: [{ addresses: ['::1'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-4' }, zone: 'z1' }],
      },
    ]);
    assert.ok(slices.every((s) => s.metadata.name.startsWith('web-') && s.metadata.name.length === 'web-'.length + 5));
  });

  test('rewrites a slice only when its content changes, keeping its name', () => {
    api.apply(service('cart'));
    const [first] = api.setPods('shop', 'cart', [{ name: 'cart-1', ip: '127.0.0.5' }]);
    const rv = api.resourceVersion();
    const [same] = api.setPods('shop', 'cart', [{ name: 'cart-1', ip: '127.0.0.5' }]);
    assert.equal(api.resourceVersion(), rv, 'no write, no watch event');
    assert.equal(same!.metadata.resourceVersion, first!.metadata.resourceVersion);
    const [changed] = api.setPods('shop', 'cart', [{ name: 'cart-1', ip: '127.0.0.5', ready: false }]);
    assert.equal(changed!.metadata.name, first!.metadata.name);
    assert.notEqual(changed!.metadata.resourceVersion, first!.metadata.resourceVersion);
  });

  test('splits at maxEndpointsPerSlice, deletes surplus slices, and keeps a placeholder when no pod is left', () => {
    api.apply(service('api'));
    const pods = [2, 3, 4, 5, 6].map((n) => ({ name: `api-${n}`, ip: `127.0.0.${n}` }));
    assert.deepEqual(api.setPods('shop', 'api', pods, undefined, { maxEndpointsPerSlice: 2 }).map((s) => (s['endpoints'] as unknown[]).length), [2, 2, 1]);
    assert.equal(api.setPods('shop', 'api', pods.slice(0, 1)).length, 1);
    assert.equal(api.objects('EndpointSlice', 'shop').filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'api').length, 1);
    const [placeholder] = api.setPods('shop', 'api', []);
    assert.equal(placeholder!['addressType'], 'IPv4');
    assert.equal(placeholder!['endpoints'], null);
    assert.equal(placeholder!['ports'], null);
  });

  test('publishNotReadyAddresses marks every endpoint ready; named targetPorts need explicit ports', () => {
    api.apply(service('db', { publishNotReadyAddresses: true, clusterIP: 'None' }));
    const [slice] = api.setPods('shop', 'db', [{ name: 'db-0', ip: '127.0.0.7', ready: false }]);
    assert.deepEqual((slice!['endpoints'] as { conditions: unknown }[])[0]!.conditions, { ready: true, serving: false, terminating: false });
    assert.equal(slice!.metadata.labels?.['service.kubernetes.io/headless'], '');

    api.apply(service('named', { ports: [{ name: 'grpc', port: 50051, targetPort: 'grpc-port', appProtocol: 'kubernetes.io/h2c' }] }));
    assert.throws(() => api.setPods('shop', 'named', [{ name: 'n-0', ip: '127.0.0.8' }]), /targetPort is the named port "grpc-port"/);
    const [named] = api.setPods('shop', 'named', [{ name: 'n-0', ip: '127.0.0.8' }], [{ name: 'grpc', port: 9000, appProtocol: 'kubernetes.io/h2c' }]);
    assert.deepEqual(named!['ports'], [{ name: 'grpc', port: 9000, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' }]);
    assert.throws(() => api.setPods('shop', 'missing', []), /Service shop\/missing not found/);
  });

  test('the client reads the slices by service label; deleting the Service deletes them', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(api.kubeconfig());
    const discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
    api.apply(service('search'));
    api.setPods('shop', 'search', [{ name: 'search-0', ip: '127.0.0.9', terminating: true }]);
    const list = await discovery.listNamespacedEndpointSlice({ namespace: 'shop', labelSelector: 'kubernetes.io/service-name=search' });
    assert.equal(list.items.length, 1);
    assert.deepEqual({ ...list.items[0]!.endpoints?.[0]?.conditions }, { ready: false, serving: true, terminating: true });
    assert.equal(list.items[0]!.ports?.[0]?.name, 'http');

    api.delete({ kind: 'Service', namespace: 'shop', name: 'search' });
    const after = await discovery.listNamespacedEndpointSlice({ namespace: 'shop', labelSelector: 'kubernetes.io/service-name=search' });
    assert.equal(after.items.length, 0);
  });
});
