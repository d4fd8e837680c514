import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createKubernetesProvider, toSnapshot, watchedKinds, type KubernetesProviderOptions } from './kubernetes-provider.ts';
import { ingressYaml, routerNames, runProvider, serverUrls, startRig, translateTestIngresses, type Rig, type RunningProvider } from './testing/provider-harness.ts';

const serviceYaml = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

const baseOptions: KubernetesProviderOptions = { namespaces: [], throttleDuration: 0 };

describe('the kubernetes provider', { timeout: 60_000 }, () => {
  let rig: Rig;
  let running: RunningProvider | undefined;
  beforeEach(async () => { rig = await startRig(); });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await rig.close();
  });

  function start(options: Partial<KubernetesProviderOptions> = {}): RunningProvider {
    const provider = createKubernetesProvider('kubernetes', { ...baseOptions, ...options }, {
      source: rig.source(), clock: rig.clock, logger: rig.logger, translate: translateTestIngresses,
    });
    running = runProvider(provider);
    return running;
  }

  it('emits its first snapshot only once every cache holds a complete listing', async () => {
    rig.api.apply(serviceYaml);
    rig.api.setPods('default', 'web', [{ name: 'web-1', ip: '10.1.0.1' }, { name: 'web-2', ip: '10.1.0.2' }]);
    rig.api.apply(ingressYaml('app', 'app.example.com'));
    // The EndpointSlice listing fails once: no snapshot may be emitted without the servers.
    rig.api.failNext(1, 500, (r) => r.path === '/apis/discovery.k8s.io/v1/endpointslices' && r.query['watch'] === undefined);
    const p = start();
    await rig.quiescent();
    assert.equal(p.snapshots.length, 0, 'no snapshot while a cache is not synced');
    assert.ok(rig.logs.some((l) => l.level === 'warn' && /watch failed/.test(l.message)), 'the failure is logged');

    await rig.driveUntil(() => p.snapshots.length > 0, { what: 'the first snapshot' });
    assert.equal(p.snapshots.length, 1);
    const [first] = p.snapshots;
    assert.equal(first!.provider, 'kubernetes');
    assert.deepEqual(routerNames(first), ['default-app']);
    assert.deepEqual(serverUrls(first, 'default-web-80'), ['http://10.1.0.1:80', 'http://10.1.0.2:80']);
  });

  it('rebuilds on every change, coalescing a burst within the throttle window', async () => {
    rig.api.apply(ingressYaml('a', 'a.example.com'));
    const p = start({ throttleDuration: 1_000 });
    await p.nextRebuild();
    assert.deepEqual(routerNames(p.snapshots.at(-1)), ['default-a']);
    const watch = rig.watches[0]!;
    // The first rebuild opened a window; it closes quietly.
    rig.clock.advance(1_000);

    // First change after a quiet window: applied at once.
    rig.api.apply(ingressYaml('b', 'b.example.com'));
    await p.nextRebuild();
    assert.deepEqual(routerNames(p.snapshots.at(-1)), ['default-a', 'default-b']);

    // A burst while that window is open: one rebuild when it closes, with all of it.
    rig.api.apply(ingressYaml('c', 'c.example.com'));
    rig.api.apply(ingressYaml('a', 'a2.example.com'));
    rig.api.delete({ kind: 'Ingress', name: 'b' });
    await new Promise<void>((resolve) => {
      const off = watch.onChange(() => {
        const names = watch.snapshot().list('Ingress').map((i) => i.metadata.name).join();
        if (names === 'a,c' && /a2/.test(JSON.stringify(watch.snapshot().get('Ingress', 'default', 'a')))) {
          off();
          resolve();
        }
      });
    });
    await rig.quiescent();
    assert.equal(p.snapshots.length, 2, 'nothing emitted before the window closes');
    const rebuilt = p.nextRebuild();
    rig.clock.advance(1_000);
    await rebuilt;
    assert.equal(p.snapshots.length, 3);
    const last = p.snapshots.at(-1)!;
    assert.deepEqual(routerNames(last), ['default-a', 'default-c']);
    assert.equal(last.config.http.routers['default-a']?.rule, 'Host(`a2.example.com`)');
  });

  it('does not emit again when a change leaves the configuration as it was', async () => {
    rig.api.apply(ingressYaml('a', 'a.example.com'));
    const p = start();
    await p.nextRebuild();
    // A label the translator does not read: rebuilt, equal, not emitted.
    const rebuilt = p.nextRebuild();
    rig.api.apply(ingressYaml('a', 'a.example.com', { annotations: { 'example.com/owner': 'team-a' } }));
    assert.equal((await rebuilt).changed, false);
    assert.equal(p.snapshots.length, 1);
  });

  it('ignores EndpointSlice updates that change no address, port or condition', async () => {
    rig.api.apply(serviceYaml);
    rig.api.setPods('default', 'web', [{ name: 'web-1', ip: '10.1.0.1', nodeName: 'n1' }]);
    rig.api.apply(ingressYaml('a', 'a.example.com'));
    const p = start();
    await p.nextRebuild();
    // The controller moves the pod to another node: nothing the configuration uses.
    rig.api.setPods('default', 'web', [{ name: 'web-1', ip: '10.1.0.1', nodeName: 'n2' }]);
    rig.api.setPods('default', 'web', [{ name: 'web-1', ip: '10.1.0.1', nodeName: 'n2' }, { name: 'web-2', ip: '10.1.0.2' }]);
    const rebuild = await p.nextRebuild();
    assert.equal(p.rebuilds.length, 2, 'one rebuild, for the new address only');
    assert.deepEqual(serverUrls(rebuild.snapshot, 'default-web-80'), ['http://10.1.0.1:80', 'http://10.1.0.2:80']);
  });

  it('names the Kubernetes object in diagnostics and records a Warning Event on it once', async () => {
    rig.api.apply(ingressYaml('broken', 'x.example.com', { annotations: { 'test.switchyard/broken': 'cannot use this' } }));
    rig.api.apply(ingressYaml('prio', 'p.example.com', { annotations: { 'test.switchyard/priority': 'high' } }));
    const p = start();
    const { snapshot } = await p.nextRebuild();
    assert.deepEqual(snapshot.diagnostics.map((d) => [d.resource, d.code]), [['Ingress/default/broken', 'TEST_BROKEN']]);
    assert.deepEqual(snapshot.rejected.map((r) => [r.section, r.name, r.diagnostics.map((d) => d.resource)]),
      [['http.routers', 'default-prio', ['Ingress/default/prio']]]);

    const events = () => rig.api.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/default/events');
    assert.equal(events().length, 2);
    const bodies = events().map((r) => r.body as { involvedObject: { kind: string; name: string; uid?: string }; type: string; reason: string; message: string });
    const broken = bodies.find((b) => b.involvedObject.name === 'broken')!;
    assert.equal(broken.involvedObject.kind, 'Ingress');
    assert.equal(broken.involvedObject.uid, rig.api.get({ kind: 'Ingress', name: 'broken' })?.metadata.uid);
    assert.equal(broken.type, 'Warning');
    assert.equal(broken.reason, 'SwitchyardConfigError');
    assert.match(broken.message, /TEST_BROKEN metadata.annotations: cannot use this/);
    assert.ok(bodies.some((b) => b.involvedObject.name === 'prio' && /priority/.test(b.message)));
    assert.equal(rig.api.objects('Event', 'default').length, 2);

    // Further rebuilds with the same problems record nothing more.
    rig.api.apply(ingressYaml('other', 'o.example.com'));
    await p.nextRebuild();
    assert.equal(events().length, 2);
  });

  it('stops its informers when aborted', async () => {
    const p = start();
    await p.nextRebuild();
    await rig.quiescent();
    assert.equal(rig.api.openWatches().length, 6, 'Ingress, Service, EndpointSlice, Secret, IngressClass, Node');
    await p.stop();
    running = undefined;
    await rig.quiescent();
    assert.equal(rig.api.openWatches().length, 0);
    // No informer comes back on its own.
    const requests = rig.api.requests.length;
    rig.clock.advance(300_000);
    await rig.quiescent();
    assert.equal(rig.api.requests.length, requests);
  });

  it('stops cleanly while its caches are still listing', async () => {
    rig.api.pause();
    const p = start();
    await rig.api.waitForRequest((r) => r.path === '/api/v1/nodes');
    await p.stop();
    running = undefined;
    rig.api.resume();
    rig.clock.advance(300_000);
    await rig.quiescent();
    assert.equal(p.snapshots.length, 0);
    assert.equal(rig.api.openWatches().length, 0);
    assert.ok(!rig.api.requests.some((r) => r.query['watch'] !== undefined), 'no watch was started');
  });

  it('watches each named namespace with its own informers, and cluster-scoped kinds once', async () => {
    rig.api.apply(ingressYaml('in-apps', 'a.example.com', { namespace: 'apps' }));
    rig.api.apply(ingressYaml('in-other', 'o.example.com', { namespace: 'other' }));
    rig.api.apply(ingressYaml('in-default', 'd.example.com'));
    const p = start({ namespaces: ['apps', 'other'], labelSelector: 'edge=public' });
    const { snapshot } = await p.nextRebuild();
    assert.deepEqual(routerNames(snapshot), [], 'the label selector is applied to Ingresses by the server');
    rig.api.apply(ingressYaml('in-apps', 'a.example.com', { namespace: 'apps' }).replace('  name: in-apps', '  name: in-apps\n  labels: {edge: public}'));
    rig.api.apply(ingressYaml('in-default', 'd.example.com').replace('  name: in-default', '  name: in-default\n  labels: {edge: public}'));
    await rig.driveUntil(() => routerNames(p.snapshots.at(-1)).length > 0, { what: 'the labelled Ingress' });
    assert.deepEqual(routerNames(p.snapshots.at(-1)), ['apps-in-apps']);
    await rig.quiescent();
    const watched = rig.api.openWatches().map((w) => `${w.path.split('?')[0]}${w.query['labelSelector'] === undefined ? '' : `?${w.query['labelSelector']}`}`).sort();
    assert.deepEqual(watched, [
      '/api/v1/namespaces/apps/secrets?owner!=helm', '/api/v1/namespaces/apps/services',
      '/api/v1/namespaces/other/secrets?owner!=helm', '/api/v1/namespaces/other/services',
      '/api/v1/nodes',
      '/apis/discovery.k8s.io/v1/namespaces/apps/endpointslices', '/apis/discovery.k8s.io/v1/namespaces/other/endpointslices',
      '/apis/networking.k8s.io/v1/ingressclasses',
      '/apis/networking.k8s.io/v1/namespaces/apps/ingresses?edge=public', '/apis/networking.k8s.io/v1/namespaces/other/ingresses?edge=public',
    ]);
  });
});

describe('watchedKinds', () => {
  it('reads cluster-scoped kinds only when allowed', () => {
    assert.deepEqual(watchedKinds('kubernetes', { ...baseOptions }),
      ['Ingress', 'Service', 'EndpointSlice', 'Secret', 'BackendConfig', 'IngressClass', 'Node']);
    assert.deepEqual(watchedKinds('kubernetes', { ...baseOptions, disableClusterScopeResources: true }),
      ['Ingress', 'Service', 'EndpointSlice', 'Secret', 'BackendConfig']);
    assert.ok(!watchedKinds('kubernetescrd', { ...baseOptions, disableClusterScopeResources: true }).includes('Node'));
  });
});

describe('toSnapshot', () => {
  it('renames the diagnostics of TLS entries after their object', () => {
    const snapshot = toSnapshot('kubernetescrd', {
      config: { tls: { options: { 'default-opts': { minVersion: 'VersionTLS99' } } } },
      diagnostics: [],
      sources: new Map([['tls.options default-opts', 'TLSOption/default/opts']]),
    });
    assert.ok(snapshot.diagnostics.length > 0);
    for (const d of snapshot.diagnostics) assert.equal(d.resource, 'TLSOption/default/opts');
  });
});
