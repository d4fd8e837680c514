/**
 * End to end: sticky sessions through a rolling update and across controller replicas, with
 * the real bin/switchyard (two of them) watching one fake cluster (test/support/kube-fake) and
 * real pods (HTTP echo servers, test/support/pods.ts) behind seed 000's Service: Traefik 1.x
 * annotations `affinity: "true"`, `session-cookie-name: gls-test`, `load-balancer-method: drr`.
 *
 * - Replicas share nothing: a cookie set by one sends the client to the same pod on the other,
 *   because cookie values are hashes of the pod's URL (DESIGN.md, "Beyond one machine").
 * - A rolling update, as the EndpointSlice controller reports it: a pod being deleted is first
 *   `serving` and `terminating` (draining: its sticky clients stay, new clients never get it),
 *   then gone (its clients move once, to a pod they then keep); a new pod joins the rotation
 *   without moving anybody.
 *
 * Every step waits, on "configuration applied" lines, until both replicas' APIs show the new
 * state, then checks on both.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeKubeApi } from './support/kube-fake/fake-api.ts';
import { fixture, startControllerReplica, startFakeCluster, untilServerStatus } from './support/kube-switchyard.ts';
import { cookiePair, createCookieClient, visit, type CookieClient, type PodAnswer } from './support/pod-client.ts';
import { oneConnection } from './support/one-connection.ts';
import { asFakePods, startPodFleet, type PodFleet, type PodState } from './support/pods.ts';
import type { SwitchyardProcess } from './support/switchyard-process.ts';

const service = 'demo-gls-80@kubernetes';
const host = 'demo.example.com';
const path = '/gls';
const cookieName = 'gls-test';
const [podA, podB, podC, podD] = ['gls-6d8f9-a', 'gls-6d8f9-b', 'gls-6d8f9-c', 'gls-7c5e1-d'] as const;

let fleet: PodFleet;
let api: FakeKubeApi;
const replicas: SwitchyardProcess[] = [];

const web = (replica: number): number | undefined => replicas[replica]!.ports.get('web');
const url = (pod: string): string => `http://${fleet.pod(pod).ip}:${fleet.port}`;

/** Tells the cluster which pods back the Service (the EndpointSlice controller's view). */
function setPods(pods: readonly (string | readonly [string, PodState])[]): void {
  api.setPods('demo', 'gls', asFakePods(fleet, pods), [{ name: '', port: fleet.port }]);
}

/** Waits until every replica's API shows exactly `expected` (pod → UP | DRAINING) for the Service. */
async function untilEveryReplicaShows(expected: Readonly<Record<string, 'UP' | 'DRAINING'>>): Promise<void> {
  const wanted = Object.fromEntries(Object.entries(expected).map(([pod, status]) => [url(pod), status]));
  const what = `${service} is ${Object.entries(expected).map(([p, s]) => `${p} ${s}`).join(', ')}`;
  for (const sy of replicas) {
    await untilServerStatus(sy, service, (status) => {
      const keys = Object.keys(status);
      return keys.length === Object.keys(wanted).length && keys.every((k) => status[k] === wanted[k]);
    }, what);
  }
}

function ok(answer: PodAnswer): PodAnswer {
  assert.equal(answer.status, 200, answer.body);
  return answer;
}

/** `client` sends `n` requests, alternating replicas; each must reach `pod` and set no cookie. */
async function staysOn(client: CookieClient, pod: string, n: number, what: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const answer = ok(await client.get(web(i % replicas.length)));
    assert.equal(answer.pod, pod, `${what}: request ${i} via replica ${i % replicas.length}`);
    assert.deepEqual(answer.setCookies, [], `${what}: a cookie naming a usable pod is not set again`);
  }
}

before(async () => {
  fleet = await startPodFleet();
  api = await startFakeCluster();
  api.apply(fixture('seeds/seed-000-sticky.yaml'));
  for (const pod of [podA, podB, podC]) await fleet.start(pod);
  setPods([podA, podB, podC]);
  replicas.push(...await Promise.all([0, 1].map(() => startControllerReplica(api, ['kubernetes']))));
  await untilEveryReplicaShows({ [podA]: 'UP', [podB]: 'UP', [podC]: 'UP' });
});

after(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await api?.close();
  await fleet?.close();
});

test('two replicas: a cookie set by replica 1 sends the client to the same pod on replica 2, for 10 cookies', { timeout: 30_000 }, async () => {
  const placed = new Set<string>();
  for (let i = 0; i < 10; i++) {
    const first = ok(await visit(web(0), { host, path }));
    const cookie = cookiePair(first.setCookies, cookieName);
    assert.ok(cookie !== undefined, `replica 1 sets ${cookieName}: ${first.setCookies.join(' | ')}`);
    placed.add(first.pod);
    for (let j = 0; j < 3; j++) {
      const there = ok(await visit(web(1), { host, path, cookie }));
      assert.equal(there.pod, first.pod, `cookie ${i} (${cookie}), request ${j} on replica 2`);
      assert.deepEqual(there.setCookies, []);
    }
  }
  // drr rotates new clients over the three pods: the 10 cookies name all of them.
  assert.deepEqual([...placed].sort(), [podA, podB, podC]);
});

test('rolling update: a draining pod keeps its sticky client and gets no new one; its client moves once when it goes; a new pod moves nobody', { timeout: 45_000 }, async (t) => {
  // Three clients, one per pod (drr rotates new clients over the pods). The rotation is one
  // process's: the clients' first requests share one keep-alive connection, so one worker; their
  // later requests go on fresh connections, to whichever worker.
  const pinned = new Map<string, CookieClient>();
  const first = oneConnection();
  t.after(() => first.destroy());
  for (let i = 0; i < 6 && pinned.size < 3; i++) {
    const client = createCookieClient(host, cookieName, path);
    const answer = ok(await client.get(web(0), first));
    assert.ok(client.cookie !== undefined, `a ${cookieName} cookie is set`);
    if (!pinned.has(answer.pod)) pinned.set(answer.pod, client);
  }
  assert.deepEqual([...pinned.keys()].sort(), [podA, podB, podC]);
  const clientB = pinned.get(podB)!;

  // B is being deleted: terminating, still serving.
  setPods([podA, [podB, { terminating: true, serving: true }], podC]);
  await untilEveryReplicaShows({ [podA]: 'UP', [podB]: 'DRAINING', [podC]: 'UP' });
  await staysOn(clientB, podB, 10, 'B\'s client while B drains');
  const seenByB = fleet.pod(podB).requests.length;
  const newcomers: { client: CookieClient; pod: string }[] = [];
  for (let i = 0; i < 30; i++) {
    const client = createCookieClient(host, cookieName, path);
    const answer = ok(await client.get(web(i % replicas.length)));
    assert.notEqual(answer.pod, podB, `new client ${i} via replica ${i % replicas.length} is not sent to the draining pod`);
    assert.ok(client.cookie !== undefined, `new client ${i} gets a cookie`);
    newcomers.push({ client, pod: answer.pod });
  }
  assert.equal(fleet.pod(podB).requests.length, seenByB, 'B received nothing from the 30 new clients');
  assert.deepEqual([...new Set(newcomers.map((n) => n.pod))].sort(), [podA, podC]);

  // B is gone (the pod and its endpoint).
  setPods([podA, podC]);
  await fleet.stop(podB);
  await untilEveryReplicaShows({ [podA]: 'UP', [podC]: 'UP' });
  const oldCookie = clientB.cookie;
  const moved = ok(await clientB.get(web(0)));
  assert.ok(moved.pod === podA || moved.pod === podC, `B's client moves to A or C, got ${moved.pod}`);
  assert.notEqual(clientB.cookie, oldCookie, 'and is given a cookie naming its new pod');
  await staysOn(clientB, moved.pod, 10, 'B\'s client after the move');

  // A new pod D joins.
  await fleet.start(podD);
  setPods([podA, podC, podD]);
  await untilEveryReplicaShows({ [podA]: 'UP', [podC]: 'UP', [podD]: 'UP' });
  await staysOn(clientB, moved.pod, 4, 'B\'s client after D joined');
  await staysOn(pinned.get(podA)!, podA, 4, 'A\'s first client after D joined');
  await staysOn(pinned.get(podC)!, podC, 4, 'C\'s first client after D joined');
  for (const [i, { client, pod }] of newcomers.entries()) await staysOn(client, pod, 2, `new client ${i} after D joined`);
  // D takes new clients: three in a row cover the three pods. "In a row" is one process's
  // rotation: the three go over one keep-alive connection, which stays on one worker.
  const connection = oneConnection();
  const latest: string[] = [];
  try {
    for (let i = 0; i < 3; i++) latest.push(ok(await visit(web(0), { host, path, agent: connection })).pod);
  } finally {
    connection.destroy();
  }
  assert.deepEqual(latest.sort(), [podA, podC, podD].sort());
});
