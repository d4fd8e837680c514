/**
 * End to end, the seeds' scenarios as their authors ran them: manifests applied to a cluster
 * (the fake API server, test/support/kube-fake), the real bin/switchyard as its ingress
 * controller (Ingress and CRD providers, through @kubernetes/client-node), real clients, and
 * real pods (HTTP echo servers on 127.0.0.2…, test/support/pods.ts) behind EndpointSlices.
 *
 * - seed 001: IngressRoute myapp → TraefikService wrr (myapp1:myapp2 = 1:2), then mirror (all to
 *   myapp1, 50 % copied to myapp2), then wrr with the sticky cookie lvl1, applied in the
 *   article's order; `curl -b "lvl1=default-myapp2-80"` pins to myapp2.
 * - seed 000: the Service with Traefik 1.x annotations (affinity, session-cookie-name gls-test,
 *   load-balancer-method drr) and three pods.
 * - seed 003: GKE BackendConfig GENERATED_COOKIE, affinityCookieTtlSec 50 → cookie Max-Age=50.
 * - seed 004: Service sessionAffinity ClientIP.
 *
 * The manifests are test/fixtures/seeds/ (the articles' YAML, cleaned as each file says). One
 * cluster and one Switchyard serve every scenario, as in a real cluster; each test first waits
 * (on "configuration applied" lines) until the API shows what it is about to use.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent } from 'node:http';
import type { FakeKubeApi } from './support/kube-fake/fake-api.ts';
import { fixture, startFakeCluster, startControllerReplica, untilApi, untilServerStatus } from './support/kube-switchyard.ts';
import { cookieAttribute, cookiePair, visit, type PodAnswer } from './support/pod-client.ts';
import { oneConnection } from './support/one-connection.ts';
import { asFakePods, startPodFleet, type PodFleet } from './support/pods.ts';
import type { SwitchyardProcess } from './support/switchyard-process.ts';

/** Pods per Service, named as the articles' `kubectl get pod` shows them (or in that style). */
const podsOf = {
  myapp1: ['myapp1-795d947b45-9lsm6'],
  myapp2: ['myapp2-6ffd54f76-ljkr9'],
  gls: ['gls-6d8f9-b2x4k', 'gls-6d8f9-k9p2m', 'gls-6d8f9-q7w3z'],
  'neg-demo-svc': ['neg-demo-app-5c8d9b-qk2lw', 'neg-demo-app-5c8d9b-zt7mx'],
  session1: ['nginx-7c4d8b-8m2xq', 'web-6b9f7c-p4l2d'],
} as const;
const namespaceOf: Record<keyof typeof podsOf, string> = {
  myapp1: 'default', myapp2: 'default', gls: 'demo', 'neg-demo-svc': 'default', session1: 'default',
};

let fleet: PodFleet;
let api: FakeKubeApi;
let sy: SwitchyardProcess;
let web: number | undefined;

before(async () => {
  fleet = await startPodFleet();
  api = await startFakeCluster(['seeds/backendconfig-crd.yaml']);
  for (const file of ['seed-001-services.yaml', 'seed-001-weighted.yaml', 'seed-000-sticky.yaml', 'seed-003-gke-backendconfig.yaml', 'seed-004-service-clientip.yaml']) {
    api.apply(fixture(`seeds/${file}`));
  }
  for (const [service, names] of Object.entries(podsOf) as [keyof typeof podsOf, readonly string[]][]) {
    for (const name of names) await fleet.start(name);
    // The slices carry the pods' port (what the EndpointSlice controller resolves targetPort to).
    api.setPods(namespaceOf[service], service, asFakePods(fleet, names), [{ name: '', port: fleet.port }]);
  }
  sy = await startControllerReplica(api, ['kubernetes', 'kubernetescrd']);
  web = sy.ports.get('web');
});

after(async () => {
  await sy?.stop();
  await api?.close();
  await fleet?.close();
});

const url = (pod: string): string => `http://${fleet.pod(pod).ip}:${fleet.port}`;

/** Waits until service `name` serves exactly the given pods, all UP. */
function untilPodsUp(name: string, pods: readonly string[]): Promise<unknown> {
  const wanted = pods.map(url).sort();
  return untilServerStatus(sy, name, (status) => {
    const urls = Object.keys(status).sort();
    return urls.length === wanted.length && urls.every((u, i) => u === wanted[i] && status[u] === 'UP');
  }, `${name} serves ${pods.join(', ')}`);
}

interface ApiRouter {
  readonly rule?: string;
  readonly service?: string;
  readonly provider?: string;
  readonly status?: string;
}

/** Waits until the CRD router for myapp.test.com uses `service` (qualified) and it is enabled. */
function untilMyappRoutesTo(service: string): Promise<unknown> {
  return untilApi(sy, '/api/http/routers', (body) => {
    const routers = (body ?? []) as ApiRouter[];
    const myapp = routers.find((r) => r.provider === 'kubernetescrd' && r.rule === 'Host(`myapp.test.com`)');
    return myapp !== undefined && myapp.status === 'enabled' && `${myapp.service}@kubernetescrd` === service ? myapp : undefined;
  }, `the myapp.test.com router uses ${service}`);
}

function count(answers: readonly PodAnswer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    assert.equal(a.status, 200, a.body);
    out[a.pod] = (out[a.pod] ?? 0) + 1;
  }
  return out;
}

async function sequence(n: number, host: string, options: { cookie?: string; path?: string; localAddress?: string; agent?: Agent } = {}): Promise<PodAnswer[]> {
  const out: PodAnswer[] = [];
  for (let i = 0; i < n; i++) out.push(await visit(web, { host, ...options }));
  return out;
}

const [myapp1] = podsOf.myapp1;
const [myapp2] = podsOf.myapp2;

test('seed 001, weighted: TraefikService wrr splits 30 requests 10 to myapp1, 20 to myapp2', { timeout: 30_000 }, async (t) => {
  await untilMyappRoutesTo('default-wrr@kubernetescrd');
  await untilPodsUp('default-myapp1-80@kubernetescrd', podsOf.myapp1);
  await untilPodsUp('default-myapp2-80@kubernetescrd', podsOf.myapp2);
  const before1 = fleet.pod(myapp1).requests.length;
  const before2 = fleet.pod(myapp2).requests.length;

  // One process's rotation: one keep-alive connection stays on one worker when several share the port.
  const connection = oneConnection();
  t.after(() => connection.destroy());
  const answers = await sequence(30, 'myapp.test.com', { agent: connection });
  assert.deepEqual(count(answers), { [myapp1]: 10, [myapp2]: 20 });
  // Traefik's EDF interleaves: never two myapp1 in a row, never three myapp2.
  const order = answers.map((a) => (a.pod === myapp1 ? '1' : '2')).join('');
  assert.doesNotMatch(order, /11|222/, order);
  // What the pods saw agrees with what the client saw.
  assert.equal(fleet.pod(myapp1).requests.length - before1, 10);
  assert.equal(fleet.pod(myapp2).requests.length - before2, 20);
});

interface MirrorStatsJson {
  readonly name: string;
  readonly percent: number;
  readonly sent: number;
  readonly completed: number;
}

test('seed 001, mirroring: every request answered by myapp1, exactly half copied to myapp2', { timeout: 30_000 }, async (t) => {
  api.apply(fixture('seeds/seed-001-mirroring.yaml'));
  await untilMyappRoutesTo('default-mirror@kubernetescrd');
  const before1 = fleet.pod(myapp1).requests.length;
  const before2 = fleet.pod(myapp2).requests.length;

  // The mirror's percentage is one process's count: one keep-alive connection stays on one worker.
  const connection = oneConnection();
  t.after(() => connection.destroy());
  const answers = await sequence(30, 'myapp.test.com', { agent: connection });
  assert.deepEqual(count(answers), { [myapp1]: 30 }, 'the mirror\'s answers never reach the client');
  assert.equal(fleet.pod(myapp1).requests.length - before1, 30);
  // Mirrors run beside the primary: wait for the 15 copies to arrive, then check none more was sent.
  await fleet.pod(myapp2).waitForRequests(before2 + 15);
  const stats = await untilApi(sy, `/api/http/services/${encodeURIComponent('default-mirror@kubernetescrd')}`, (body) => {
    const mirrors = (body as { switchyard?: { mirrors?: MirrorStatsJson[] } } | undefined)?.switchyard?.mirrors;
    return mirrors?.[0]?.completed === 15 ? mirrors : undefined;
  }, 'the mirror completed 15 requests');
  assert.equal(stats.length, 1);
  assert.equal(stats[0]!.name, 'default-myapp2-80');
  assert.equal(stats[0]!.percent, 50);
  assert.equal(stats[0]!.sent, 15);
  assert.equal(fleet.pod(myapp2).requests.length - before2, 15);
  for (const r of fleet.pod(myapp2).requests.slice(before2)) assert.equal(r.headers.host, 'myapp.test.com');
});

test('seed 001, sticky: curl -b "lvl1=default-myapp2-80" always reaches myapp2, lvl1=default-myapp1-80 myapp1', { timeout: 30_000 }, async () => {
  api.apply(fixture('seeds/seed-001-sticky.yaml'));
  await untilMyappRoutesTo('default-wrr@kubernetescrd');
  await untilApi(sy, `/api/http/services/${encodeURIComponent('default-wrr@kubernetescrd')}`, (body) => {
    const weighted = (body as { weighted?: { sticky?: { cookie?: { name?: string } } } } | undefined)?.weighted;
    return weighted?.sticky?.cookie?.name === 'lvl1' ? weighted : undefined;
  }, 'default-wrr has the sticky cookie lvl1');

  assert.deepEqual(count(await sequence(10, 'myapp.test.com', { cookie: 'lvl1=default-myapp2-80' })), { [myapp2]: 10 });
  assert.deepEqual(count(await sequence(10, 'myapp.test.com', { cookie: 'lvl1=default-myapp1-80' })), { [myapp1]: 10 });
  // A new client is given a lvl1 cookie, and keeps its child with it.
  const first = await visit(web, { host: 'myapp.test.com' });
  const cookie = cookiePair(first.setCookies, 'lvl1');
  assert.ok(cookie !== undefined, `a lvl1 cookie is set: ${first.setCookies.join(' | ')}`);
  const again = await sequence(10, 'myapp.test.com', { cookie });
  assert.deepEqual(count(again), { [first.pod]: 10 });
  for (const a of again) assert.deepEqual(a.setCookies, []);
});

test('seed 000: affinity "true" + session-cookie-name gls-test keeps a client on its pod; a client without the cookie gets a new one', { timeout: 30_000 }, async (t) => {
  await untilPodsUp('demo-gls-80@kubernetes', podsOf.gls);
  // "The next pod in drr's rotation" is one process's rotation: every request of this test goes
  // over one keep-alive connection, which stays on one worker when several share the port.
  const connection = oneConnection();
  t.after(() => connection.destroy());

  const first = await visit(web, { host: 'demo.example.com', path: '/gls', agent: connection });
  assert.equal(first.status, 200, first.body);
  assert.ok((podsOf.gls as readonly string[]).includes(first.pod), first.pod);
  const cookie = cookiePair(first.setCookies, 'gls-test');
  assert.ok(cookie !== undefined, `a gls-test cookie is set: ${first.setCookies.join(' | ')}`);
  assert.equal(cookieAttribute(first.setCookies, 'gls-test', 'Path'), '/');

  const pinned = await sequence(20, 'demo.example.com', { cookie, path: '/gls', agent: connection });
  assert.deepEqual(count(pinned), { [first.pod]: 20 });
  for (const a of pinned) assert.deepEqual(a.setCookies, [], 'a valid cookie is not set again');

  // Without it: a new cookie, from the next pod in drr's rotation.
  const fresh = await visit(web, { host: 'demo.example.com', path: '/gls', agent: connection });
  const freshCookie = cookiePair(fresh.setCookies, 'gls-test');
  assert.ok(freshCookie !== undefined, `a cookieless client gets a gls-test cookie: ${fresh.setCookies.join(' | ')}`);
  assert.notEqual(fresh.pod, first.pod);
  assert.notEqual(freshCookie, cookie);
  assert.deepEqual(count(await sequence(5, 'demo.example.com', { cookie: freshCookie, path: '/gls', agent: connection })), { [fresh.pod]: 5 });
});

test('seed 003: BackendConfig GENERATED_COOKIE with affinityCookieTtlSec 50 sets a GCLB cookie with Max-Age=50 that pins', { timeout: 30_000 }, async () => {
  await untilPodsUp('default-backend@kubernetes', podsOf['neg-demo-svc']);

  // The Ingress has only a default backend: any host reaches it.
  const first = await visit(web, { host: '203.0.113.1' });
  assert.equal(first.status, 200, first.body);
  assert.ok((podsOf['neg-demo-svc'] as readonly string[]).includes(first.pod), first.pod);
  const cookie = cookiePair(first.setCookies, 'GCLB');
  assert.ok(cookie !== undefined, `a GCLB cookie is set: ${first.setCookies.join(' | ')}`);
  assert.equal(cookieAttribute(first.setCookies, 'GCLB', 'Max-Age'), '50');

  const pinned = await sequence(20, '203.0.113.1', { cookie });
  assert.deepEqual(count(pinned), { [first.pod]: 20 });
});

test('seed 004: Service sessionAffinity ClientIP keeps each client address on one pod', { timeout: 30_000 }, async (t) => {
  await untilPodsUp('default-session1-80@kubernetes', podsOf.session1);

  const local = await sequence(20, 'session.example.com');
  const placed = count(local);
  assert.equal(Object.keys(placed).length, 1, `127.0.0.1 stays on one pod: ${JSON.stringify(placed)}`);
  for (const a of local) assert.deepEqual(a.setCookies, [], 'ClientIP affinity sets no cookie');

  // Other clients (bound to other loopback addresses) may land elsewhere, and stay there too.
  const where: Record<string, string> = {};
  for (let i = 101; i <= 110; i++) {
    const localAddress = `127.0.0.${i}`;
    const answers = await sequence(5, 'session.example.com', { localAddress });
    const pods = count(answers);
    assert.equal(Object.keys(pods).length, 1, `${localAddress} stays on one pod: ${JSON.stringify(pods)}`);
    where[localAddress] = answers[0]!.pod;
    // The pod sees the client's own address in X-Forwarded-For.
    const seen = fleet.pod(answers[0]!.pod).requests.at(-1)!;
    assert.equal(seen.headers['x-forwarded-for'], localAddress);
  }
  t.diagnostic(`placement: 127.0.0.1 → ${local[0]!.pod}; ${Object.entries(where).map(([a, p]) => `${a} → ${p}`).join(', ')}`);
});
