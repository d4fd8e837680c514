import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FakeObject } from '../../../test/support/kube-fake/fake-api.ts';
import { kubernetesCrdProviderSchema, kubernetesIngressProviderSchema } from '../../config/static-providers.ts';
import { translateCrds } from './crd/translate-crds.ts';
import { translateIngresses } from './ingress/translate-ingresses.ts';
import { createKubernetesProvider } from './kubernetes-provider.ts';
import { runProvider, serverUrls, startRig, type Rig, type RunningProvider } from './testing/provider-harness.ts';

const workload = `
apiVersion: v1
kind: Service
metadata: {name: whoami, namespace: apps}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: switchyard}
spec: {controller: traefik.io/ingress-controller}
`;

const ingress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: whoami, namespace: apps}
spec:
  ingressClassName: switchyard
  rules:
  - host: whoami.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: whoami, port: {name: http}}}
      - path: /broken
        pathType: Prefix
        backend: {service: {name: missing, port: {number: 80}}}
`;

describe('the providers with the real translators', { timeout: 60_000 }, () => {
  let rig: Rig;
  let running: RunningProvider | undefined;
  beforeEach(async () => { rig = await startRig(); });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await rig.close();
  });

  it('serves Ingresses through translateIngresses with the static providers.kubernetesIngress section', async () => {
    rig.api.apply(workload);
    rig.api.setPods('apps', 'whoami', [{ name: 'whoami-1', ip: '10.2.0.1' }]);
    rig.api.apply(ingress);
    const options = kubernetesIngressProviderSchema.parse({ namespaces: ['apps'], ingressEndpoint: { hostname: 'edge.example.com' } });
    const provider = createKubernetesProvider('kubernetes', options, {
      source: rig.source(), clock: rig.clock, logger: rig.logger, translate: translateIngresses,
      instance: { namespace: 'default', identity: 'replica-a' },
    });
    const p = running = runProvider(provider);
    const { snapshot } = await p.nextRebuild();
    const routers = Object.values(snapshot.config.http.routers);
    assert.equal(routers.length, 1);
    assert.match(routers[0]!.rule ?? '', /whoami\.example\.com/);
    assert.deepEqual(serverUrls(snapshot), ['http://10.2.0.1:8080']);
    // The broken path is reported on its Ingress, as an Event too.
    assert.ok(snapshot.diagnostics.some((d) => d.resource === 'Ingress/apps/whoami'));
    await rig.driveUntil(() => rig.api.objects('Event', 'apps').length > 0, { what: 'the Event' });
    // And the Ingress gets the published address.
    await rig.driveUntil(() => JSON.stringify(rig.api.get({ kind: 'Ingress', name: 'whoami', namespace: 'apps' })?.['status']) ===
      '{"loadBalancer":{"ingress":[{"hostname":"edge.example.com"}]}}', { what: 'the Ingress status' });

    // Scaling the Service changes the servers.
    rig.api.setPods('apps', 'whoami', [{ name: 'whoami-1', ip: '10.2.0.1' }, { name: 'whoami-2', ip: '10.2.0.2' }]);
    const next = await p.nextRebuild((r) => r.changed);
    assert.deepEqual(serverUrls(next.snapshot), ['http://10.2.0.1:8080', 'http://10.2.0.2:8080']);
  });

  it('serves IngressRoutes through translateCrds with the static providers.kubernetesCRD section', async () => {
    for (const crd of crds()) rig.api.apply(crd);
    rig.api.apply(workload);
    rig.api.setPods('apps', 'whoami', [{ name: 'whoami-1', ip: '10.2.0.1' }]);
    rig.api.apply(`
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: whoami, namespace: apps, labels: {edge: public}}
spec:
  entryPoints: [web]
  routes:
  - match: Host(\`whoami.example.com\`)
    kind: Rule
    services: [{name: whoami, port: 80}]
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: internal, namespace: apps}
spec:
  routes:
  - match: Host(\`internal.example.com\`)
    kind: Rule
    services: [{name: whoami, port: 80}]
`);
    const options = kubernetesCrdProviderSchema.parse({ labelSelector: 'edge=public' });
    const provider = createKubernetesProvider('kubernetescrd', options, {
      source: rig.source(), clock: rig.clock, logger: rig.logger, translate: translateCrds,
    });
    const p = running = runProvider(provider);
    const { snapshot } = await p.nextRebuild();
    const routers = Object.values(snapshot.config.http.routers);
    assert.equal(routers.length, 1, 'the label selector leaves the other IngressRoute out');
    assert.match(routers[0]!.rule ?? '', /whoami\.example\.com/);
    assert.deepEqual(serverUrls(snapshot), ['http://10.2.0.1:8080']);
  });
});

function crds(): FakeObject[] {
  const kinds = ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP', 'Middleware', 'MiddlewareTCP', 'TraefikService',
    'ServersTransport', 'ServersTransportTCP', 'TLSOption', 'TLSStore'];
  return kinds.map((kind) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.toLowerCase()}s.traefik.io` },
    spec: {
      group: 'traefik.io',
      names: { kind, plural: `${kind.toLowerCase()}s`, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  }));
}
