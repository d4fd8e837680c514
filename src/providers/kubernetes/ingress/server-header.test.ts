/**
 * The `serverHeader` option of the Ingress provider: every router made from an Ingress gets a
 * headers middleware first that sets the `Server` response header, or removes it with "".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDynamicConfig } from '../../../config/parse-dynamic-config.ts';
import { getHeader } from '../../../lib/exchange.ts';
import { createHeaders } from '../../../middlewares/headers/headers.ts';
import { run, testContext } from '../../../middlewares/testing/test-context.ts';
import { snapshotOf, type KubeObject } from '../kube-objects.ts';
import { serverHeaderMiddleware, translateIngresses } from './translate-ingresses.ts';

const objects: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
  {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080 }],
  },
  {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop', namespace: 'default' },
    spec: { rules: [{ host: 'shop.example', http: { paths: [
      { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
      { path: '/api', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
    ] } }] },
  },
];

test('without the option, routers carry no Server middleware', () => {
  const { config } = parseDynamicConfig(translateIngresses(snapshotOf(objects)).config, { resource: 'kubernetes' });
  assert.equal(config.http.middlewares[serverHeaderMiddleware], undefined);
  for (const router of Object.values(config.http.routers)) assert.ok(!(router.middlewares ?? []).includes(serverHeaderMiddleware));
});

for (const [value, expected] of [['edge', 'edge'], ['', undefined]] as const) {
  test(`serverHeader ${JSON.stringify(value)}: every router's response gets Server ${expected === undefined ? 'removed' : JSON.stringify(expected)}`, async () => {
    const parsed = parseDynamicConfig(translateIngresses(snapshotOf(objects), { serverHeader: value }).config, { resource: 'kubernetes' });
    assert.deepEqual(parsed.diagnostics, []);
    const routers = Object.values(parsed.config.http.routers);
    assert.equal(routers.length, 2);
    for (const router of routers) assert.equal(router.middlewares?.[0], serverHeaderMiddleware);
    const middleware = parsed.config.http.middlewares[serverHeaderMiddleware];
    assert.ok(middleware !== undefined && middleware.kind === 'headers');
    // The middleware as built: the server's own Server header is replaced (or removed).
    const { exchange } = await run(createHeaders(middleware.headers, testContext()), {}, { headers: ['Server', 'nginx/1.25'] });
    assert.equal(getHeader(exchange.sent.headers, 'server'), expected);
  });
}
