/**
 * Issue 6, end to end: ingress-nginx canary Ingresses through the real binary, the fake API
 * server and the real Kubernetes client (reference kubernetes.md §3.2). One host carries several
 * canaries, one per path: by header (`always` / `never`), by header value, by cookie, by weight,
 * and header plus weight. The weight split is Traefik's weighted round robin, so the exact
 * sequence of 100 requests is the EDF sequence of the weights (computed here with the same
 * policy). A canary never leaks into another host whose Ingress uses the same Service.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Agent } from 'node:http';
import { createWeightedRoundRobin } from '../src/services/weighted-round-robin.ts';
import { deployServices, get, routesTo, startKubeSwitchyard, untilApplied } from './support/kube-e2e.ts';
import { startFakeKubeApi, type FakeKubeApi } from './support/kube-fake/fake-api.ts';
import { oneConnection } from './support/one-connection.ts';
import { startPodFleet, type PodFleet } from './support/pods.ts';
import type { SwitchyardProcess } from './support/switchyard-process.ts';

const ns = 'shop';
const host = 'canary.test';

const path = (p: string, service: string): string =>
  `      - {path: ${p}, pathType: Prefix, backend: {service: {name: ${service}, port: {number: 80}}}}`;

function canary(name: string, p: string, service: string, annotations: Record<string, string>): string {
  const lines = Object.entries({ canary: 'true', ...annotations }).map(([k, v]) => `    nginx.ingress.kubernetes.io/${k}: ${JSON.stringify(v)}`);
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${ns}
  annotations:
${lines.join('\n')}
spec:
  rules:
  - host: ${host}
    http:
      paths:
${path(p, service)}
`;
}

const manifests = [`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: ${ns}}
spec:
  rules:
  - host: ${host}
    http:
      paths:
${['/', '/value', '/cookie', '/weight', '/mixed'].map((p) => path(p, 'shop')).join('\n')}
`, `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: other, namespace: ${ns}}
spec:
  rules:
  - host: other.test
    http:
      paths:
${['/', '/cookie', '/weight'].map((p) => path(p, 'shop')).join('\n')}
`,
canary('by-header', '/', 'canary-header', { 'canary-by-header': 'X-Canary' }),
canary('by-value', '/value', 'canary-value', { 'canary-by-header': 'X-Version', 'canary-by-header-value': 'v2' }),
canary('by-cookie', '/cookie', 'canary-cookie', { 'canary-by-cookie': 'beta' }),
canary('by-weight', '/weight', 'canary-weight', { 'canary-weight': '30' }),
canary('mixed', '/mixed', 'canary-mixed', { 'canary-by-header': 'X-Canary', 'canary-weight': '50' }),
].join('---\n');

/** The services of `count` sequential requests as the weighted round robin of `weights` orders them. */
function edf(weights: readonly [string, number][], count: number): string[] {
  const wrr = createWeightedRoundRobin(weights.map(([value, weight]) => ({ value, weight })));
  return Array.from({ length: count }, () => wrr.pick()!);
}

describe('ingress-nginx canaries through the binary', { timeout: 50_000 }, () => {
  let api: FakeKubeApi;
  let fleet: PodFleet;
  let sy: SwitchyardProcess;
  const web = (): number | undefined => sy.ports.get('web');
  const target = async (p: string, headers: Record<string, string> = {}, h = host, agent?: Agent): Promise<string> => (await get(web(), h, p, headers, agent)).target;
  /**
   * The sequences below are one process's round robin: their requests share one keep-alive
   * connection, which stays on one worker when several share the port.
   */
  let connection: Agent;

  before(async () => {
    api = await startFakeKubeApi();
    fleet = await startPodFleet();
    await deployServices(api, fleet, ns, { shop: 2, 'canary-header': 1, 'canary-value': 1, 'canary-cookie': 1, 'canary-weight': 1, 'canary-mixed': 1 });
    api.apply(manifests);
    sy = await startKubeSwitchyard(api, ['web']);
    await untilApplied(sy, 'the canaries', routesTo(web, [[host, '/', 'canary-header', { 'x-canary': 'always' }]]));
    connection = oneConnection();
  });

  after(async () => {
    connection?.destroy();
    await sy?.stop();
    await fleet?.close();
    await api?.close();
  });

  test('canary-by-header: "always" goes to the canary, "never", another value or no header to the main Service', async () => {
    const got = [
      await target('/', { 'x-canary': 'always' }), await target('/x', { 'x-canary': 'always' }),
      await target('/', { 'x-canary': 'never' }), await target('/', { 'x-canary': 'yes' }), await target('/'),
    ];
    assert.deepEqual(got, ['canary-header', 'canary-header', 'shop', 'shop', 'shop']);
  });

  test('canary-by-header-value: only that value goes to the canary', async () => {
    const got = [
      await target('/value', { 'x-version': 'v2' }), await target('/value', { 'x-version': 'v1' }),
      await target('/value', { 'x-version': 'always' }), await target('/value'),
    ];
    assert.deepEqual(got, ['canary-value', 'shop', 'shop', 'shop']);
  });

  test('canary-by-cookie: the cookie "always" goes to the canary, "never" or other cookies to the main Service', async () => {
    const got = [
      await target('/cookie', { cookie: 'beta=always' }), await target('/cookie', { cookie: 'session=1; beta=always' }),
      await target('/cookie', { cookie: 'beta=never' }), await target('/cookie', { cookie: 'alpha=always' }),
      await target('/cookie', { cookie: 'xbeta=always' }), await target('/cookie'),
    ];
    assert.deepEqual(got, ['canary-cookie', 'canary-cookie', 'shop', 'shop', 'shop', 'shop']);
  });

  test('canary-weight 30: 100 requests follow the weighted round robin of 70:30 exactly', async () => {
    const got: string[] = [];
    for (let i = 0; i < 100; i++) got.push(await target('/weight', {}, host, connection));
    const expected = edf([['shop', 70], ['canary-weight', 30]], 100);
    assert.deepEqual(got, expected);
    assert.equal(got.filter((s) => s === 'canary-weight').length, 30);
    assert.equal(got.filter((s) => s === 'shop').length, 70);
  });

  test('header and weight together: the header decides first, the weight splits the rest 50:50', async () => {
    const always: string[] = [];
    const never: string[] = [];
    for (let i = 0; i < 4; i++) {
      always.push(await target('/mixed', { 'x-canary': 'always' }));
      never.push(await target('/mixed', { 'x-canary': 'never' }));
    }
    assert.deepEqual(always, Array(4).fill('canary-mixed'));
    assert.deepEqual(never, Array(4).fill('shop'));
    const rest: string[] = [];
    for (let i = 0; i < 10; i++) rest.push(await target('/mixed', {}, host, connection));
    assert.deepEqual(rest, edf([['shop', 50], ['canary-mixed', 50]], 10));
  });

  test('no canary leaks into another host whose Ingress uses the same Service', async () => {
    const got = [
      await target('/', { 'x-canary': 'always' }, 'other.test'),
      await target('/cookie', { cookie: 'beta=always' }, 'other.test'),
    ];
    for (let i = 0; i < 20; i++) got.push(await target('/weight', {}, 'other.test'));
    assert.deepEqual(got, Array(22).fill('shop'));
  });

  test('the main Service keeps balancing over its pods behind the canaries', async () => {
    const pods: string[] = [];
    for (let i = 0; i < 4; i++) pods.push((await get(web(), host, '/', {}, connection)).reply?.pod ?? '');
    // Round robin over the two pods; where it starts depends on the requests before (one shared Service,
    // whose position each worker keeps for itself).
    const [first, second] = pods[0] === 'shop-0' ? ['shop-0', 'shop-1'] : ['shop-1', 'shop-0'];
    assert.deepEqual(pods, [first, second, first, second]);
  });
});
