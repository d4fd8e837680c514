import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createKubernetesProvider } from './kubernetes-provider.ts';
import { ingressYaml, routerNames, runProvider, serverUrls, startRig, translateTestIngresses, type Rig, type RunningProvider } from './testing/provider-harness.ts';

const serviceYaml = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  ports: [{port: 80}]
`;

for (const compactedWatch of ['event', 'http'] as const) {
  describe(`the kubernetes provider through API server failures (410 as ${compactedWatch === 'event' ? 'an ERROR event' : 'an HTTP answer'})`, { timeout: 120_000 }, () => {
    let rig: Rig;
    let running: RunningProvider | undefined;
    beforeEach(async () => { rig = await startRig({ compactedWatch }); });
    afterEach(async () => {
      await running?.stop();
      await rig.close();
    });

    it('keeps its last good snapshot while watches drop, requests fail and history is compacted, then converges', async () => {
      rig.api.apply(serviceYaml);
      rig.api.setPods('default', 'web', [{ name: 'web-1', ip: '10.1.0.1' }]);
      rig.api.apply(ingressYaml('a', 'a.example.com'));
      rig.api.apply(ingressYaml('b', 'b.example.com'));
      const provider = createKubernetesProvider('kubernetes', { namespaces: [], throttleDuration: 0 }, {
        source: rig.source(), clock: rig.clock, logger: rig.logger, translate: translateTestIngresses,
      });
      const p = running = runProvider(provider);
      await p.nextRebuild();
      await rig.quiescent();
      const watch = rig.watches[0]!;
      const cached = (): string => watch.snapshot().list('Ingress').map((i) => i.metadata.name).join();
      const last = (): string => routerNames(p.snapshots.at(-1)).join();
      const servers = (): string => JSON.stringify(serverUrls(p.snapshots.at(-1), 'default-web-80'));

      // 1. Every watch ends cleanly; the clients resume from their resourceVersion.
      assert.equal(rig.api.dropWatches('end'), 6);
      rig.api.apply(ingressYaml('c', 'c.example.com'));
      await rig.driveUntil(() => last() === 'default-a,default-b,default-c', { what: 'c after the clean close' });

      // 2. Connections reset and the next requests fail with 500s; meanwhile b goes and d comes.
      rig.api.failNext(12, 500);
      assert.equal(rig.api.dropWatches('reset'), 6);
      rig.api.delete({ kind: 'Ingress', name: 'b' });
      rig.api.apply(ingressYaml('d', 'd.example.com'));
      await rig.driveUntil(() => last() === 'default-a,default-c,default-d', { what: 'b gone and d added after the 500s' });
      assert.ok(rig.logs.some((l) => l.level === 'warn' && /watch failed/.test(l.message)), 'failures are logged');
      assert.ok(rig.api.requests.filter((r) => r.status === 500).length === 12);

      // 3. Connections reset again and history is compacted: resuming is refused with 410, the
      //    clients relist, and objects that went away meanwhile leave the caches.
      rig.api.dropWatches('reset');
      rig.api.delete({ kind: 'Ingress', name: 'c' });
      rig.api.setPods('default', 'web', [{ name: 'web-2', ip: '10.1.0.2' }]);
      rig.api.compact();
      const before = rig.api.requests.length;
      await rig.driveUntil(() => last() === 'default-a,default-d' && servers() === '["http://10.1.0.2:80"]', { what: 'convergence after the compaction' });
      const after = rig.api.requests.slice(before);
      assert.ok(after.some((r) => r.status === 410) || compactedWatch === 'event', 'HTTP 410 answered');
      assert.ok(after.some((r) => r.path === '/apis/networking.k8s.io/v1/ingresses' && r.query['watch'] === undefined), 'Ingresses relisted');

      // Nothing missing or doubled in the caches; 'a' never left any emitted snapshot.
      assert.equal(cached(), 'a,d');
      for (const snapshot of p.snapshots) assert.ok(routerNames(snapshot).includes('default-a'));
      // The watches are all back.
      await rig.quiescent();
      assert.equal(rig.api.openWatches().length, 6);
    });
  });
}

describe('the kubernetescrd provider', { timeout: 60_000 }, () => {
  let rig: Rig;
  beforeEach(async () => { rig = await startRig(); });
  afterEach(async () => { await rig.close(); });

  it('is not held up by a CRD group that is not installed and watches it once it appears', async () => {
    // Only the current group is installed, and only IngressRoute of the legacy one comes later.
    for (const crd of traefikCrds('traefik.io')) rig.api.apply(crd);
    rig.api.apply({
      apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'web', namespace: 'default' },
      spec: { routes: [{ match: 'Host(`web.example.com`)', kind: 'Rule', services: [{ name: 'web', port: 80 }] }] },
    });
    const seen: string[][] = [];
    const provider = createKubernetesProvider('kubernetescrd', { namespaces: [], throttleDuration: 0 }, {
      source: rig.source(), clock: rig.clock, logger: rig.logger,
      translate: (snapshot) => {
        seen.push(snapshot.list('IngressRoute').map((o) => `${o.apiVersion} ${o.metadata.name}`));
        return { config: {}, diagnostics: [], sources: new Map() };
      },
    });
    const p = runProvider(provider);
    try {
      await p.nextRebuild();
      assert.deepEqual(seen.at(-1), ['traefik.io/v1alpha1 web']);
      const reports = rig.logs.filter((l) => /not served/.test(l.message));
      assert.equal(reports.length, 10, 'each legacy kind reported once');
      assert.ok(reports.every((l) => l.level === 'info'));

      rig.api.apply(traefikCrds('traefik.containo.us').find((c) => c.metadata.name.startsWith('ingressroutes.'))!);
      rig.api.apply({
        apiVersion: 'traefik.containo.us/v1alpha1', kind: 'IngressRoute', metadata: { name: 'old', namespace: 'default' },
        spec: { routes: [] },
      });
      await rig.driveUntil(() => seen.at(-1)?.length === 2, { stepMs: 30_000, what: 'the legacy IngressRoute' });
      assert.deepEqual(seen.at(-1), ['traefik.containo.us/v1alpha1 old', 'traefik.io/v1alpha1 web']);
      assert.equal(rig.logs.filter((l) => /not served/.test(l.message)).length, 10, 'not reported again while retrying');
    } finally {
      await p.stop();
    }
  });
});

/** Minimal CRDs of Traefik's ten kinds in `group`. */
function traefikCrds(group: string): { apiVersion: string; kind: string; metadata: { name: string }; spec: unknown }[] {
  const kinds = ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP', 'Middleware', 'MiddlewareTCP', 'TraefikService',
    'ServersTransport', 'ServersTransportTCP', 'TLSOption', 'TLSStore'];
  return kinds.map((kind) => {
    const plural = `${kind.toLowerCase()}s`;
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.${group}` },
      spec: {
        group,
        names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
        scope: 'Namespaced',
        versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
  });
}
