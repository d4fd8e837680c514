import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { kubernetesIngressNginxProviderSchema } from '../../config/static-providers.ts';
import { translateIngresses } from './ingress/translate-ingresses.ts';
import { ingressNginxOptions } from './ingress-nginx-options.ts';
import { createKubernetesProvider } from './kubernetes-provider.ts';
import { runProvider, serverUrls, startRig, type Rig, type RunningProvider } from './testing/provider-harness.ts';

// What an ingress-nginx user has in the cluster: its IngressClass (left behind or re-created),
// a main Ingress and its canary-by-header Ingress of class nginx, and a Traefik Ingress that
// another provider serves.
const cluster = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
---
apiVersion: v1
kind: Service
metadata: {name: storefront, namespace: shop}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: storefront-v2, namespace: shop}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: storefront, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: storefront, port: {name: http}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: storefront-canary
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/canary: "true"
    nginx.ingress.kubernetes.io/canary-by-header: X-Canary
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: storefront-v2, port: {name: http}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: admin, namespace: shop}
spec:
  ingressClassName: traefik
  rules:
  - host: admin.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: storefront, port: {name: http}}}}
`;

describe('the kubernetesingressnginx provider', { timeout: 60_000 }, () => {
  let rig: Rig;
  let running: RunningProvider | undefined;
  beforeEach(async () => { rig = await startRig(); });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await rig.close();
  });

  it('serves an Ingress of class nginx and its canary-by-header Ingress as a canary router, and publishes their status', async () => {
    rig.api.apply(cluster);
    rig.api.setPods('shop', 'storefront', [{ name: 'storefront-1', ip: '10.3.0.1' }]);
    rig.api.setPods('shop', 'storefront-v2', [{ name: 'storefront-v2-1', ip: '10.3.1.1' }]);
    const options = ingressNginxOptions(kubernetesIngressNginxProviderSchema.parse({ publishStatusAddress: '203.0.113.7,lb.example.com' }));
    const provider = createKubernetesProvider('kubernetesingressnginx', options, {
      source: rig.source(), clock: rig.clock, logger: rig.logger, translate: translateIngresses,
      instance: { namespace: 'default', identity: 'replica-a' },
    });
    const p = running = runProvider(provider);
    const { snapshot } = await p.nextRebuild();

    assert.equal(snapshot.provider, 'kubernetesingressnginx');
    assert.deepEqual(snapshot.diagnostics, []);
    const routers = snapshot.config.http.routers;
    assert.deepEqual(Object.keys(routers).sort(), ['shop-storefront-shop-example-com', 'shop-storefront-shop-example-com-canary'],
      'the Traefik-class Ingress is not this provider\'s');
    const canary = routers['shop-storefront-shop-example-com-canary']!;
    assert.equal(canary.rule, '(Host(`shop.example.com`) && PathPrefix(`/`)) && (Header(`X-Canary`, `always`))');
    assert.ok((canary.priority ?? 0) > (routers['shop-storefront-shop-example-com']!.priority ?? 0));
    assert.deepEqual(serverUrls(snapshot, canary.service), ['http://10.3.1.1:8080']);
    assert.deepEqual(serverUrls(snapshot, routers['shop-storefront-shop-example-com']!.service), ['http://10.3.0.1:8080']);

    // Status goes on both nginx Ingresses, under the provider's own Lease; not on the Traefik one.
    const want = '{"loadBalancer":{"ingress":[{"ip":"203.0.113.7"},{"hostname":"lb.example.com"}]}}';
    const status = (name: string): string => JSON.stringify(rig.api.get({ kind: 'Ingress', name, namespace: 'shop' })?.['status'] ?? {});
    await rig.driveUntil(() => status('storefront') === want && status('storefront-canary') === want, { what: 'the Ingress status' });
    assert.equal(status('admin'), '{}');
    assert.ok(rig.api.get({ kind: 'Lease', name: 'switchyard-ingress-nginx-status', namespace: 'default' }));
  });
});
