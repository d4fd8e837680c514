import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createKubernetesProvider, type KubernetesProviderOptions } from './kubernetes-provider.ts';
import { ingressYaml, runProvider, startRig, translateTestIngresses, type Rig, type RunningProvider } from './testing/provider-harness.ts';

const options: KubernetesProviderOptions = { namespaces: [], throttleDuration: 0, ingressEndpoint: { ip: '192.0.2.10' } };
const leaseRef = { kind: 'Lease', name: 'switchyard-ingress-status', namespace: 'default' };

describe('Ingress status publishing', { timeout: 60_000 }, () => {
  let rig: Rig;
  const running: RunningProvider[] = [];
  beforeEach(async () => { rig = await startRig(); });
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop();
    await rig.close();
  });

  function start(identity: string): RunningProvider {
    const provider = createKubernetesProvider('kubernetes', options, {
      source: rig.source(identity), clock: rig.clock, logger: rig.logger, translate: translateTestIngresses,
      instance: { namespace: 'default', identity },
    });
    const p = runProvider(provider);
    running.push(p);
    return p;
  }

  const statusPuts = (name: string): number => rig.api.requests.filter((r) =>
    r.method === 'PUT' && r.path === `/apis/networking.k8s.io/v1/namespaces/default/ingresses/${name}/status`).length;
  const statusOf = (name: string): unknown =>
    (rig.api.get({ kind: 'Ingress', name })?.['status'] as { loadBalancer?: { ingress?: unknown } } | undefined)?.loadBalancer?.ingress;

  it('writes the status of the Ingresses it processes once, and again only when it differs', async () => {
    rig.api.apply(ingressYaml('a', 'a.example.com'));
    rig.api.apply(ingressYaml('nginx', 'n.example.com', { annotations: { 'kubernetes.io/ingress.class': 'nginx' } }));
    const p = start('replica-a');
    await rig.driveUntil(() => statusPuts('a') === 1, { what: 'the status write' });
    assert.deepEqual(statusOf('a'), [{ ip: '192.0.2.10' }]);

    // Our own write comes back through the watch, and unrelated changes rebuild: nothing rewritten.
    rig.api.apply(ingressYaml('nginx', 'n2.example.com', { annotations: { 'kubernetes.io/ingress.class': 'nginx' } }));
    await p.nextPass();
    await rig.quiescent();
    assert.equal(statusPuts('a'), 1);
    assert.equal(statusPuts('nginx'), 0, 'an Ingress of another class is not ours');
    assert.equal(statusOf('nginx'), undefined);

    // Someone else changes it: it is put back.
    rig.api.setStatus({ kind: 'Ingress', name: 'a' }, { loadBalancer: { ingress: [{ ip: '203.0.113.99' }] } });
    await rig.driveUntil(() => statusPuts('a') === 2, { what: 'the status restored' });
    assert.deepEqual(statusOf('a'), [{ ip: '192.0.2.10' }]);
    await rig.quiescent();
    assert.equal(statusPuts('a'), 2);
  });

  it('lets only the Lease holder write when two replicas run, and hands over when it stops', async () => {
    rig.api.apply(ingressYaml('a', 'a.example.com'));
    const first = start('replica-a');
    const second = start('replica-b');
    await rig.driveUntil(() => statusPuts('a') === 1 && first.snapshots.length > 0 && second.snapshots.length > 0, { what: 'both running' });
    // A few Lease periods: the other replica keeps trying and never writes.
    for (let i = 0; i < 5; i++) {
      rig.clock.advance(2_000);
      await rig.quiescent();
    }
    assert.equal(statusPuts('a'), 1);
    const holder = (rig.api.get(leaseRef)?.['spec'] as { holderIdentity?: string }).holderIdentity;
    const [leader, follower] = holder === 'replica-a' ? [first, second] : [second, first];
    assert.ok(holder === 'replica-a' || holder === 'replica-b');
    assert.ok(leader.passes.some((pass) => pass.leader && pass.written.includes('Ingress/default/a')));
    assert.ok(follower.passes.every((pass) => !pass.leader && pass.written.length === 0));

    // The holder stops and releases the Lease; the other takes it at its next try and writes.
    await leader.stop();
    running.splice(running.indexOf(leader), 1);
    assert.ok(!(rig.api.get(leaseRef)?.['spec'] as { holderIdentity?: string | null }).holderIdentity, 'released');
    rig.api.setStatus({ kind: 'Ingress', name: 'a' }, { loadBalancer: { ingress: [{ ip: '203.0.113.99' }] } });
    await rig.driveUntil(() => statusPuts('a') === 2, { what: 'the other replica writing' });
    assert.equal((rig.api.get(leaseRef)?.['spec'] as { holderIdentity?: string }).holderIdentity, holder === 'replica-a' ? 'replica-b' : 'replica-a');
    assert.deepEqual(statusOf('a'), [{ ip: '192.0.2.10' }]);
  });

  it('waits for a Lease its holder stopped renewing to expire before taking it', async () => {
    rig.api.apply(ingressYaml('a', 'a.example.com'));
    rig.api.apply({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: leaseRef.name, namespace: 'default' },
      spec: { holderIdentity: 'gone-replica', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00.000000Z', leaseTransitions: 3 },
    });
    const started = rig.clock.now();
    start('replica-a');
    await rig.driveUntil(() => statusPuts('a') === 1, { what: 'the takeover' });
    assert.ok(rig.clock.now() - started >= 15_000, 'not before the duration passed in our own observation');
    const spec = rig.api.get(leaseRef)?.['spec'] as { holderIdentity?: string; leaseTransitions?: number };
    assert.equal(spec.holderIdentity, 'replica-a');
    assert.equal(spec.leaseTransitions, 4);
  });
});
