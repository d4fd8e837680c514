/**
 * The Secret-backed ACME store against the fake API server through the real client: replicas
 * sharing one Secret see each other's saves, concurrent saves of different resolvers both
 * survive (409 Conflict → read again), and the Secret holds Traefik's acme.json unchanged.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKubeClient, loadKubeConfig } from '../../providers/kubernetes/kube-client.ts';
import { startFakeKubeApi, type FakeKubeApi } from '../../../test/support/kube-fake/fake-api.ts';
import { parseAcmeJson } from './acme-json.ts';
import type { AcmeCertificateRecord } from './acme-store.ts';
import { createSecretAcmeStore, parseSecretStorage } from './secret-acme-store.ts';

let api: FakeKubeApi;

before(async () => {
  api = await startFakeKubeApi();
});

after(async () => {
  await api?.close();
});

function client() {
  return createKubeClient(loadKubeConfig({}, 'test', { KUBECONFIG: api.kubeconfigFile({ namespace: 'default' }) }));
}

function certificate(main: string): AcmeCertificateRecord {
  return { domain: { main, sans: [] }, certPem: `-----BEGIN CERTIFICATE-----\n${main}\n-----END CERTIFICATE-----\n`, keyPem: `KEY ${main}`, store: 'default' };
}

test('storage names a Secret as kubernetes-secret://<namespace>/<name>', () => {
  assert.deepEqual(parseSecretStorage('kubernetes-secret://edge/acme-certs'), { namespace: 'edge', name: 'acme-certs' });
  assert.equal(parseSecretStorage('acme.json'), null);
  assert.equal(parseSecretStorage('kubernetes-secret://Edge/acme'), null);
  assert.equal(parseSecretStorage('kubernetes-secret://edge'), null);
});

test('a missing Secret is an empty store; the first save creates it with Traefik\'s acme.json inside', async () => {
  const store = createSecretAcmeStore(client(), 'default', 'acme-one');
  assert.deepEqual(await store.load('le'), { certificates: [] });
  await store.saveCertificates('le', [certificate('shop.example')]);
  const secret = api.get({ kind: 'Secret', namespace: 'default', name: 'acme-one' }) as { data: Record<string, string> } | undefined;
  assert.ok(secret !== undefined);
  const stored = parseAcmeJson(Buffer.from(secret.data['acme.json']!, 'base64').toString('utf8'));
  assert.deepEqual(stored.get('le')?.certificates.map((c) => c.domain.main), ['shop.example']);
});

test('two replicas share one Secret: saves of different resolvers at once both survive, and each sees the other\'s', async () => {
  const replicaA = createSecretAcmeStore(client(), 'default', 'acme-shared');
  const replicaB = createSecretAcmeStore(client(), 'default', 'acme-shared');
  await Promise.all([
    replicaA.saveCertificates('le', [certificate('a.example')]),
    replicaB.saveCertificates('staging', [certificate('b.example')]),
    replicaA.saveCertificates('other', [certificate('c.example')]),
  ]);
  assert.deepEqual((await replicaB.load('le')).certificates.map((c) => c.domain.main), ['a.example']);
  assert.deepEqual((await replicaA.load('staging')).certificates.map((c) => c.domain.main), ['b.example']);
  assert.deepEqual((await replicaB.load('other')).certificates.map((c) => c.domain.main), ['c.example']);
  // Every write after the first carried a resourceVersion, and conflicts were retried, not lost.
  const writes = api.requests.filter((r) => r.path.endsWith('/secrets/acme-shared') && r.method === 'PUT');
  assert.ok(writes.length >= 2);
});
