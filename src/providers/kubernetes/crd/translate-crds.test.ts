/**
 * Behaviour of the CRD translation beyond the golden files: seed 001's sticky cookies, both API
 * groups meaning the same thing, determinism, and malformed objects that must never throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDynamicConfig } from '../../../config/parse-dynamic-config.ts';
import { createStickyCookie } from '../../../services/sticky/sticky-cookie.ts';
import { snapshotOf, type KubeObject } from '../kube-objects.ts';
import { loadFixtureObjects } from './testing/load-fixture-objects.ts';
import { translateCrds } from './translate-crds.ts';

const seedSticky = ['seed-001-services.yaml', 'seed-001-sticky.yaml'];

test('seed 001: `curl -b "lvl1=default-myapp2-80"` pins myapp2, and the reply re-sets the cookie', () => {
  const { config } = parseDynamicConfig(translateCrds(snapshotOf(loadFixtureObjects(seedSticky))).config, { resource: 'kubernetescrd' });
  const wrr = config.http.services['default-wrr'];
  assert.ok(wrr !== undefined && wrr.kind === 'weighted');
  const cookieConfig = wrr.weighted.sticky?.cookie;
  assert.ok(cookieConfig !== undefined);
  const children = wrr.weighted.services.map((child) => ({ key: child.name, target: child.name }));
  const cookie = createStickyCookie(cookieConfig, 'lvl1', children);
  assert.deepEqual(cookie.lookup(['Cookie', 'lvl1=default-myapp2-80']), { target: 'default-myapp2-80', rewrite: true });
  assert.deepEqual(cookie.lookup(['Cookie', 'lvl1=default-myapp1-80']), { target: 'default-myapp1-80', rewrite: true });
  // The article's children and weights, by the names Traefik gives them.
  assert.deepEqual(wrr.weighted.services, [{ name: 'default-myapp1-80', weight: 1 }, { name: 'default-myapp2-80', weight: 2 }]);
});

test('the legacy API group translates exactly like traefik.io', () => {
  const legacy = loadFixtureObjects(seedSticky);
  const current = legacy.map((o) => (o.apiVersion === 'traefik.containo.us/v1alpha1' ? { ...o, apiVersion: 'traefik.io/v1alpha1' } : o));
  assert.deepEqual(translateCrds(snapshotOf(legacy)), translateCrds(snapshotOf(current)));
});

test('the translation does not depend on the order objects arrive in', () => {
  const objects = loadFixtureObjects(['traefik-services.yaml', 'middlewares.yaml', 'tcp-udp.yaml']);
  const options = { allowExternalNameServices: true };
  const forward = translateCrds(snapshotOf(objects), options);
  const backward = translateCrds(snapshotOf([...objects].reverse()), options);
  assert.equal(JSON.stringify(backward.config), JSON.stringify(forward.config));
  assert.deepEqual(backward.diagnostics, forward.diagnostics);
});

/** A CRD object of `kind` named `bad` in `default` with `spec`. */
function crd(kind: string, spec: unknown): KubeObject {
  return { apiVersion: 'traefik.io/v1alpha1', kind, metadata: { name: 'bad', namespace: 'default' }, spec };
}

test('malformed objects are reported on their fields and never throw', () => {
  const cases: [KubeObject, string][] = [
    [crd('IngressRoute', 'routes'), 'spec'],
    [crd('IngressRoute', { routes: 5 }), 'spec.routes'],
    [crd('IngressRoute', { routes: [7] }), 'spec.routes[0]'],
    [crd('IngressRoute', { routes: [{ match: 'Host(`a`)', services: 'web' }] }), 'spec.routes[0].services'],
    [crd('IngressRoute', { routes: [{ match: 'Host(`a`)', services: [null] }] }), 'spec.routes[0].services[0]'],
    [crd('IngressRoute', { routes: [{ match: 'Host(`a`)', services: [{ name: 5, port: 80 }] }] }), 'spec.routes[0].services[0].name'],
    [crd('IngressRoute', { routes: [{ match: 'Host(`a`)', middlewares: ['auth'] }] }), 'spec.routes[0].middlewares[0]'],
    [crd('IngressRoute', { entryPoints: 'web', routes: [] }), 'spec.entryPoints'],
    [crd('IngressRoute', { routes: [], tls: { options: 'strict' } }), 'spec.tls.options'],
    [crd('IngressRouteTCP', { routes: [{ match: 'HostSNI(`*`)', services: [{ name: 'db', port: [5432] }] }] }), 'spec.routes[0].services[0].port'],
    [crd('IngressRouteUDP', { routes: [{ services: {} }] }), 'spec.routes[0].services'],
    [crd('Middleware', { chain: { middlewares: 'a,b' } }), 'spec.chain.middlewares'],
    [crd('Middleware', { basicAuth: { secret: ['s'] } }), 'spec.basicAuth.secret'],
    [crd('Middleware', { errors: { status: ['500'], service: 'error-page' } }), 'spec.errors.service'],
    [crd('Middleware', { plugin: { demo: { key: 'urn:k8s:secret:only-name' } } }), 'spec.plugin.demo.key'],
    [crd('MiddlewareTCP', { inFlightConn: { amount: 'many' } }), 'spec.inFlightConn.amount'],
    [crd('TraefikService', { weighted: { services: 'a' } }), 'spec.weighted.services'],
    [crd('TraefikService', { failover: { service: { name: 'a', kind: 'TraefikService' } } }), 'spec.failover.fallback'],
    [crd('ServersTransport', { certificatesSecrets: 'client' }), 'spec.certificatesSecrets'],
    [crd('ServersTransportTCP', { tls: { rootCAs: [{ secret: 1 }] } }), 'spec.tls.rootCAs[0].secret'],
    [crd('TLSOption', { clientAuth: { secretNames: [{}] } }), 'spec.clientAuth.secretNames[0]'],
    [crd('TLSStore', { certificates: [{}] }), 'spec.certificates[0].secretName'],
    [crd('TLSStore', { defaultCertificate: {} }), 'spec.defaultCertificate.secretName'],
  ];
  for (const [object, path] of cases) {
    const translation = translateCrds(snapshotOf([object]));
    const errors = translation.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.some((d) => d.path === path && d.resource === `${object.kind}/default/bad`),
      `${object.kind} ${JSON.stringify(object.spec)}: expected an error at ${path}, got ${JSON.stringify(errors.map((d) => d.path))}`);
    const parsed = parseDynamicConfig(translation.config, { resource: 'kubernetescrd' });
    assert.deepEqual(parsed.rejected, [], `${object.kind}: translated items must be valid`);
  }
});

test('Switchyard\'s own fields on CRD services reach the configuration: slowStart, strategy hash, mirror compare and buffer', () => {
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
      metadata: { name: 'app-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'app' } },
      endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080 }],
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'slow', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
      metadata: { name: 'slow-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'slow' } },
      endpoints: [{ addresses: ['10.0.0.2'], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080 }],
    },
    {
      apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'shop', namespace: 'default' },
      spec: { routes: [
        { match: 'Host(`shop.example`)', kind: 'Rule', services: [{ name: 'app', port: 80, strategy: 'hash', hash: { header: 'X-User' } }] },
        { match: 'Host(`slow.example`)', kind: 'Rule', services: [{ name: 'slow', port: 80, slowStart: '30s' }] },
      ] },
    },
    {
      apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService', metadata: { name: 'mirror', namespace: 'default' },
      spec: { mirroring: { name: 'app', port: 80, mirrorBufferBytes: 65536, mirrors: [{ name: 'app', port: 80, percent: 10, compare: true }] } },
    },
  ];
  const translation = translateCrds(snapshotOf(objects));
  const parsed = parseDynamicConfig(translation.config, { resource: 'kubernetescrd' });
  assert.deepEqual(parsed.diagnostics, []);
  const lb = Object.values(parsed.config.http.services).find((s) => s.kind === 'loadBalancer' && s.loadBalancer.strategy === 'hash');
  assert.ok(lb !== undefined && lb.kind === 'loadBalancer', JSON.stringify(translation));
  assert.equal(lb.loadBalancer.hash?.header, 'X-User');
  const slow = Object.values(parsed.config.http.services).find((s) => s.kind === 'loadBalancer' && s.loadBalancer.slowStart > 0);
  assert.ok(slow !== undefined && slow.kind === 'loadBalancer', JSON.stringify(translation));
  assert.equal(slow.loadBalancer.slowStart, 30_000);
  const mirror = parsed.config.http.services['default-mirror'];
  assert.ok(mirror !== undefined && mirror.kind === 'mirroring', JSON.stringify(translation.config));
  assert.equal(mirror.mirroring.mirrorBufferBytes, 65536);
  assert.equal(mirror.mirroring.mirrors[0]?.compare, true);
});

test('a TCP route whose pods are all terminating is left out with a diagnostic, not routed to an empty service', () => {
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'default' }, spec: { ports: [{ name: 'pg', port: 5432, targetPort: 5432 }] } },
    {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
      metadata: { name: 'db-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
      endpoints: [{ addresses: ['10.0.0.9'], conditions: { ready: false, serving: true, terminating: true } }], ports: [{ name: 'pg', port: 5432 }],
    },
    {
      apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRouteTCP', metadata: { name: 'pg', namespace: 'default' },
      spec: { routes: [{ match: 'HostSNI(`*`)', services: [{ name: 'db', port: 5432 }] }] },
    },
  ];
  const translation = translateCrds(snapshotOf(objects));
  assert.deepEqual((translation.config['tcp'] as { routers?: object } | undefined)?.routers ?? {}, {});
  assert.ok(translation.diagnostics.some((d) => d.code === 'CRD_SERVICE_NO_SERVERS' && d.resource === 'IngressRouteTCP/default/pg'), JSON.stringify(translation.diagnostics));
});
