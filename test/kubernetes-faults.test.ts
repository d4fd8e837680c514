/**
 * Issue 6, end to end: API server faults under the real binary and the real Kubernetes client.
 * The fake API server ends every watch (clients resume from their resourceVersion), then resets
 * every watch while answering every request with 500 (informers restart with backoff), then
 * compacts its history (the resumed watches get 410 Expired and relist). Throughout, routing
 * continues on the last good configuration; once the server answers again, changes made during
 * the outage (an Ingress added, one deleted) are served, and the new Ingress gets its status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deployServices, get, isKubernetesApplied, routesTo, startKubeSwitchyard, untilApplied } from './support/kube-e2e.ts';
import { startFakeKubeApi, type FakeKubeApi, type RecordedRequest } from './support/kube-fake/fake-api.ts';
import { startPodFleet, type PodFleet } from './support/pods.ts';
import type { SwitchyardProcess } from './support/switchyard-process.ts';

const ns = 'faults';
const ingressesPath = '/apis/networking.k8s.io/v1/ingresses';

function ingress(name: string, host: string, path: string, service: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, namespace: ${ns}}
spec:
  rules:
  - host: ${host}
    http:
      paths:
      - {path: ${path}, pathType: Prefix, backend: {service: {name: ${service}, port: {number: 80}}}}
`;
}

const isWatch = (r: RecordedRequest): boolean => r.query['watch'] === 'true' || r.query['watch'] === '1';

describe('Kubernetes API server faults', { timeout: 50_000 }, () => {
  let api: FakeKubeApi;
  let fleet: PodFleet;
  let sy: SwitchyardProcess;
  /** While true, every request to the API server is answered 500. */
  let outage = false;
  const web = (): number | undefined => sy.ports.get('web');

  /** `count` requests to alpha.test: each answered by an alpha pod. */
  async function alphaServes(count: number): Promise<void> {
    const targets: string[] = [];
    for (let i = 0; i < count; i++) targets.push((await get(web(), 'alpha.test', `/r${i}`)).target);
    assert.deepEqual(targets, Array(count).fill('alpha'));
  }

  before(async () => {
    api = await startFakeKubeApi();
    fleet = await startPodFleet();
    await deployServices(api, fleet, ns, { alpha: 2, beta: 1, gamma: 1 });
    api.apply(ingress('alpha', 'alpha.test', '/', 'alpha'));
    api.failNext(Number.MAX_SAFE_INTEGER, 500, () => outage);
    sy = await startKubeSwitchyard(api, ['web']);
    await untilApplied(sy, 'alpha', routesTo(web, [['alpha.test', '/', 'alpha']]));
  });

  after(async () => {
    outage = false;
    await sy?.stop();
    await fleet?.close();
    await api?.close();
  });

  test('watches ended by the server resume from their resourceVersion without a relist', async () => {
    const earlier = new Set(api.requests);
    const ended = api.dropWatches('end');
    assert.ok(ended >= 5, `open watches: ${ended}`);
    const resumed = await api.waitForRequest((r) => !earlier.has(r) && r.path === ingressesPath && isWatch(r));
    assert.notEqual(resumed.query['resourceVersion'] ?? '', '');
    api.apply(ingress('alpha-v2', 'alpha.test', '/v2', 'gamma'));
    await untilApplied(sy, 'alpha-v2', routesTo(web, [['alpha.test', '/v2', 'gamma'], ['alpha.test', '/', 'alpha']]));
    const lists = api.requests.filter((r) => !earlier.has(r) && r.path === ingressesPath && !isWatch(r));
    assert.deepEqual(lists, [], 'no LIST of Ingresses');
  });

  test('through 500s and a compaction routing stays on the last good configuration, then converges', async () => {
    const applied = sy.applied();
    const beforeOutage = new Set(api.requests);
    outage = true;
    // Every watch is cut; every reconnect and relist is answered 500.
    api.dropWatches('reset');
    await sy.waitFor((l) => l.message === 'Kubernetes watch failed; retrying with backoff' && l.resource === 'ingresses.networking.k8s.io/v1',
      'the Ingress watch failure');
    await alphaServes(10);
    // The informers' retries (after their backoff) fail too.
    await api.waitForRequest((r) => !beforeOutage.has(r) && r.path === ingressesPath);
    await alphaServes(10);

    // Changes during the outage: a new Ingress, one deleted. Then history is compacted.
    api.apply(ingress('beta', 'beta.test', '/', 'beta'));
    api.delete({ kind: 'Ingress', namespace: ns, name: 'alpha-v2' });
    api.compact();
    const floor = Number(api.resourceVersion());
    await alphaServes(10);
    assert.equal((await get(web(), 'alpha.test', '/v2')).target, 'gamma', 'the last good configuration still has alpha-v2');
    assert.equal((await get(web(), 'beta.test', '/')).target, 'status 404');
    assert.equal(sy.applied(), applied, 'no configuration was applied during the outage');
    const failed = api.requests.filter((r) => !beforeOutage.has(r) && r.status !== 500);
    assert.deepEqual(failed.map((r) => `${r.method} ${r.path} ${r.status}`), [], 'every request during the outage was answered 500');

    // The server is back: the watch resumes from its old resourceVersion, gets 410, relists.
    const afterOutage = new Set(api.requests);
    outage = false;
    const resumed = await api.waitForRequest((r) => !afterOutage.has(r) && r.path === ingressesPath && isWatch(r));
    assert.ok(Number(resumed.query['resourceVersion']) < floor, `resumed from ${resumed.query['resourceVersion']}, compacted at ${floor}`);
    await api.waitForRequest((r) => !afterOutage.has(r) && r.path === ingressesPath && !isWatch(r));
    await untilApplied(sy, 'the changes made during the outage', routesTo(web, [
      ['beta.test', '/', 'beta'], ['alpha.test', '/v2', 'alpha'], ['alpha.test', '/', 'alpha'],
    ]));
    await api.waitForRequest((r) => r.method === 'PUT' && r.path === `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses/beta/status`);
    const beta = api.get({ kind: 'Ingress', namespace: ns, name: 'beta' }) as { status?: { loadBalancer?: { ingress?: unknown } } } | undefined;
    assert.deepEqual(beta?.status?.loadBalancer?.ingress, [{ ip: '203.0.113.10' }]);
    assert.ok(sy.lines.some((l) => l.message === 'Kubernetes watch re-established'), 'the recovery is logged');
    assert.ok(sy.lines.filter(isKubernetesApplied).length > 0);
  });
});
