// WATCH streams on the wire (read as raw newline-delimited JSON), and how a client-node
// informer reacts to the fake's connection faults.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startFakeKubeApi, type FakeKubeApi, type FakeObject } from './fake-api.ts';

interface WatchEvent {
  readonly type: string;
  readonly object: FakeObject & { code?: number };
}

interface RawWatch {
  readonly status: number;
  /** The next event, or undefined once the server ended the stream. */
  next(): Promise<WatchEvent | undefined>;
  close(): void;
}

async function openWatch(api: FakeKubeApi, path: string): Promise<RawWatch> {
  const controller = new AbortController();
  const response = await fetch(`${api.url}${path}`, { signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    status: response.status,
    async next() {
      while (!buffer.includes('\n')) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        buffer += value;
      }
      const line = buffer.slice(0, buffer.indexOf('\n'));
      buffer = buffer.slice(line.length + 1);
      return JSON.parse(line) as WatchEvent;
    },
    close: () => controller.abort(),
  };
}

function secret(name: string, labels: Record<string, string>): FakeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'w', labels }, data: {} };
}

describe('watch streams', () => {
  let api: FakeKubeApi;
  before(async () => {
    api = await startFakeKubeApi();
  });
  after(() => api.close());

  test('resourceVersion 0 starts with ADDED for what exists; objects entering and leaving the selector are ADDED and DELETED', async () => {
    api.apply(secret('a', { owner: 'me' }));
    const watch = await openWatch(api, '/api/v1/namespaces/w/secrets?watch=1&resourceVersion=0&labelSelector=owner%21%3Dhelm');
    assert.equal(watch.status, 200);
    const first = await watch.next();
    assert.equal(`${first?.type} ${first?.object.metadata.name} ${first?.object.kind} ${first?.object.apiVersion}`, 'ADDED a Secret v1');
    api.apply(secret('a', { owner: 'helm' }));
    api.apply(secret('b', { owner: 'helm' }));
    api.apply(secret('b', {}));
    api.delete({ kind: 'Secret', namespace: 'w', name: 'b' });
    const events = [await watch.next(), await watch.next(), await watch.next()];
    assert.deepEqual(events.map((e) => `${e?.type} ${e?.object.metadata.name}`), ['DELETED a', 'ADDED b', 'DELETED b']);
    watch.close();
  });

  test('bookmarks only when allowed; sendInitialEvents ends the initial state with the initial-events-end bookmark', async () => {
    const plain = await openWatch(api, `/api/v1/namespaces/w/secrets?watch=true&resourceVersion=${api.resourceVersion()}`);
    const marked = await openWatch(api, '/api/v1/namespaces/w/secrets?watch=true&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=');
    const initial = await marked.next();
    assert.equal(initial?.type, 'ADDED');
    const end = await marked.next();
    assert.deepEqual(end, {
      type: 'BOOKMARK',
      object: { kind: 'Secret', apiVersion: 'v1', metadata: { resourceVersion: api.resourceVersion(), annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
    assert.equal(api.bookmark(), 2);
    assert.equal((await marked.next())?.type, 'BOOKMARK');
    api.apply(secret('c', {}));
    assert.equal((await plain.next())?.type, 'ADDED', 'no bookmark on the watch that did not ask');
    plain.close();
    marked.close();
  });

  test('expireWatches sends ERROR 410 Expired and ends the stream', async () => {
    const watch = await openWatch(api, `/api/v1/namespaces/w/secrets?watch=true&resourceVersion=${api.resourceVersion()}`);
    await api.waitForWatch();
    assert.equal(api.expireWatches(), 1);
    const error = await watch.next();
    assert.equal(error?.type, 'ERROR');
    assert.equal(error?.object.code, 410);
    assert.equal((error?.object as unknown as { reason: string }).reason, 'Expired');
    assert.equal(await watch.next(), undefined);
  });

  // client-node 2.x: a stream the server ends cleanly makes the informer watch again from its
  // last resourceVersion (no relist); a reset connection fires its error callbacks and stops it
  // (the application must start() it again).
  test('an informer resumes after a clean end and stops with an error after a reset', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(api.kubeconfig());
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/w/secrets', () => core.listNamespacedSecret({ namespace: 'w' }));
    await informer.start();
    const rv = api.resourceVersion();
    api.clearRequests();
    assert.equal(api.dropWatches('end'), 1);
    const resumed = await api.waitForWatch();
    assert.equal(resumed.query['resourceVersion'], rv);
    assert.deepEqual(api.requests.map((r) => r.query['watch'] ?? 'list'), ['true'], 'no relist');

    const stopped = new Promise<unknown>((resolve) => informer.on('error', resolve));
    assert.equal(api.dropWatches('reset'), 1);
    assert.ok(await stopped);
    assert.equal(api.openWatches().length, 0);
    await informer.stop();
  });
});
