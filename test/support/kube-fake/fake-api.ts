/**
 * An in-process fake Kubernetes API server for tests: real HTTP(S) on 127.0.0.1 (port 0)
 * speaking the real wire protocol, so the product's @kubernetes/client-node informers and kubectl
 * talk to it exactly as to a cluster (docs: shared reference kubernetes.md §5). It stores
 * objects and serves LIST / WATCH / CRUD / status with real resourceVersion semantics; it runs no
 * controller except the bits a controller under test relies on (EndpointSlices through
 * `setPods`, CRD registration, namespace and owner cascades, the default IngressClass).
 *
 * Test-side helpers (`apply`, `delete`, `setStatus`, `setPods`) write straight to the store,
 * bypassing `pause()`, `failNext()` and authentication, and emit the same watch events as HTTP
 * writes. Fault switches: `dropWatches`, `expireWatches`, `compact`, `failNext`, `pause`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify as stringifyYaml } from 'yaml';
import { createSystemClock, type Clock } from '../../../src/lib/clock.ts';
import { createTestCa } from '../certs.ts';
import { KubeApiError, statusBody } from './api-errors.ts';
import { discoveryDocument } from './discovery.ts';
import { reconcileEndpointSlices, type FakeEndpointPort, type FakePod, type SetPodsOptions } from './endpoint-slices.ts';
import { cloneJson, isRecord, objectKey, type FakeObject } from './fake-object.ts';
import { createFrontDoor, type RecordedRequest } from './front-door.ts';
import type { OpenWatch } from './list-and-watch.ts';
import { createObjectStore } from './object-store.ts';
import { createObject, deleteObject, replaceObject } from './object-writes.ts';
import { createResourceRegistry, splitApiVersion, type ResourceType } from './resource-registry.ts';
import { parseResourcePath, sendJson, serveResourceRequest, type ResourceRequestContext } from './resource-requests.ts';

export type { FakeObject, FakeObjectMeta } from './fake-object.ts';
export type { FakeEndpointPort, FakePod, SetPodsOptions } from './endpoint-slices.ts';
export type { RecordedRequest } from './front-door.ts';

export interface FakeKubeApiOptions {
  /** Require `Authorization: Bearer <token>` (401 otherwise); the kubeconfig carries it. Default: no authentication. */
  readonly token?: string;
  /** Serve HTTPS with a certificate from a fresh test CA (the kubeconfig trusts it). Default: plain HTTP. */
  readonly tls?: boolean;
  /** Clock for watch `timeoutSeconds` (default: the system clock). */
  readonly clock?: Clock;
  /** Wall-clock time for creationTimestamp / deletionTimestamp (default: `new Date()`). */
  readonly now?: () => Date;
  /** How a WATCH from a compacted resourceVersion is refused (default 'event'; see FakeKubeApi.compactedWatch). */
  readonly compactedWatch?: 'event' | 'http';
  /** Namespaces that exist from the start (default: default, kube-system, kube-public, kube-node-lease). */
  readonly namespaces?: readonly string[];
}

/** An object by kind and name. `kind` is a Kind, plural, short name, or either qualified by group (`IngressRoute.traefik.io`). */
export interface ObjectRef {
  readonly kind: string;
  readonly name: string;
  /** Namespace of a namespaced object (default `default`). */
  readonly namespace?: string;
}

/** An open watch as the fault switches see it. */
export interface WatchInfo {
  /** The watched type's store key, e.g. `ingresses.networking.k8s.io`, `services`. */
  readonly resource: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

export interface FakeKubeApi {
  /** `http://127.0.0.1:PORT` (or https). */
  readonly url: string;
  /** The test CA's PEM when `tls` is on. */
  readonly caPem: string | undefined;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  /** The first logged request matching `match`, waiting for it if none has arrived yet. */
  waitForRequest(match: (request: RecordedRequest) => boolean): Promise<RecordedRequest>;
  /** A kubeconfig (YAML) for this server; `namespace` is the context's default namespace. */
  kubeconfig(options?: { readonly namespace?: string }): string;
  /** Writes `kubeconfig()` to a new temporary file and returns its path. */
  kubeconfigFile(options?: { readonly namespace?: string }): string;

  /**
   * Creates or replaces objects (multi-document YAML text, one object, a list, or `kind: List`),
   * in order, and returns them as stored. Status is written as given (kept from the stored object
   * when the given one has none). Missing namespaces are created first; a namespaced object
   * without namespace goes to `default`. Throws on unknown kinds and invalid objects.
   */
  apply(objects: string | FakeObject | readonly FakeObject[]): FakeObject[];
  /** The stored object, or undefined. */
  get(ref: ObjectRef): FakeObject | undefined;
  /** Stored objects of a kind, ordered by namespace and name, optionally in one namespace. */
  objects(kind: string, namespace?: string): FakeObject[];
  /** Deletes (honouring finalizers and cascades, like a DELETE request); returns the last state, or undefined if absent. */
  delete(target: ObjectRef | FakeObject): FakeObject | undefined;
  /** Replaces the status of an object (as its controller would), returns it as stored. */
  setStatus(ref: ObjectRef, status: unknown): FakeObject;
  /** EndpointSlice controller emulation for Service `namespace/service`; see endpoint-slices.ts. */
  setPods(namespace: string, service: string, pods: readonly FakePod[], ports?: readonly FakeEndpointPort[], options?: SetPodsOptions): FakeObject[];
  /** The current (latest) resourceVersion. */
  resourceVersion(): string;

  /** Closes every open watch: 'end' cleanly (default; clients resume from their resourceVersion), 'reset' by destroying the socket. Returns how many. */
  dropWatches(mode?: 'end' | 'reset'): number;
  /** Sends `ERROR 410 Expired` on every open watch and closes it (clients must relist). Returns how many. */
  expireWatches(): number;
  /** Sends a BOOKMARK at the current resourceVersion on every watch that allowed bookmarks. Returns how many watches are open. */
  bookmark(): number;
  /** Forgets history: LIST/WATCH at an older resourceVersion, and older continue tokens, answer 410. */
  compact(): void;
  /**
   * The next `n` requests (matching `match`, default all) fail with `status` (default 500) and a
   * Status body; 429 carries `Retry-After: 1`.
   */
  failNext(n: number, status?: number, match?: (request: RecordedRequest) => boolean): void;
  /** Holds every new request (they are logged) until `resume()`; open watches keep streaming. */
  pause(): void;
  /** Serves the held requests in arrival order and stops holding. */
  resume(): void;
  /** The open watches. */
  openWatches(): WatchInfo[];
  /** The first open watch matching `match` (default any), waiting for one to open. */
  waitForWatch(match?: (watch: WatchInfo) => boolean): Promise<WatchInfo>;
  /**
   * How a WATCH from a compacted resourceVersion is refused: 'event' = 200 then an ERROR event
   * with a 410 Status (what the real server's watch cache does), 'http' = an HTTP 410 answer.
   */
  compactedWatch: 'event' | 'http';
  /** Stops the server and drops every connection. */
  close(): Promise<void>;
}

/** Objects out of YAML text / an object / a list, `kind: List` flattened. */
function objectsOf(input: string | FakeObject | readonly FakeObject[]): FakeObject[] {
  const docs: unknown[] = typeof input === 'string'
    ? parseAllDocuments(input).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`apply: invalid YAML: ${doc.errors[0]!.message}`);
      return doc.toJS() as unknown;
    })
    : Array.isArray(input) ? [...input] : [input];
  return docs.filter((d) => d !== null && d !== undefined).flatMap((d) => {
    if (!isRecord(d) || typeof d['apiVersion'] !== 'string' || typeof d['kind'] !== 'string' || !isRecord(d['metadata'])) {
      throw new Error('apply: every object needs apiVersion, kind and metadata');
    }
    if (d['kind'] === 'List' && Array.isArray(d['items'])) return objectsOf(d['items'] as FakeObject[]);
    return [d as FakeObject];
  });
}

export async function startFakeKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const store = createObjectStore();
  const registry = createResourceRegistry();
  const clock = options.clock ?? createSystemClock();
  const open = new Set<OpenWatch>();
  const watchWaiters: { match: (w: WatchInfo) => boolean; resolve: (w: WatchInfo) => void }[] = [];

  const info = (w: OpenWatch): WatchInfo => ({ resource: w.resource, path: w.path, query: w.query });
  const ctx: ResourceRequestContext & { compactedWatch: 'event' | 'http' } = {
    store,
    registry,
    clock,
    now: options.now ?? (() => new Date()),
    compactedWatch: options.compactedWatch ?? 'event',
    open: {
      add(watch) {
        open.add(watch);
        for (let i = watchWaiters.length - 1; i >= 0; i--) {
          const waiter = watchWaiters[i]!;
          if (waiter.match(info(watch))) {
            watchWaiters.splice(i, 1);
            waiter.resolve(info(watch));
          }
        }
      },
      delete: (watch) => open.delete(watch),
    },
  };

  const resolveType = (kind: string): ResourceType => {
    const found = registry.lookup(kind);
    const preferred = found.length > 1 ? found.filter((t) => t.group === '') : found;
    if (preferred.length === 1) return preferred[0]!;
    if (found.length === 0) throw new Error(`no served resource type named "${kind}" (create its CRD first)`);
    throw new Error(`"${kind}" is ambiguous: ${found.map((t) => `${t.kind}.${t.group}`).join(', ')}`);
  };
  const ensureNamespace = (namespace: string): void => {
    if (store.get('namespaces', namespace) === undefined) {
      createObject(ctx, resolveType('namespaces'), 'v1', undefined, { metadata: { name: namespace } });
    }
  };
  for (const ns of options.namespaces ?? ['default', 'kube-system', 'kube-public', 'kube-node-lease']) ensureNamespace(ns);
  // Watches on a custom resource end when its CRD goes (the type's store key is the CRD's name).
  store.subscribe((event) => {
    if (event.resource !== 'customresourcedefinitions.apiextensions.k8s.io' || event.type !== 'DELETED') return;
    for (const watch of [...open]) if (watch.resource === event.object.metadata.name) watch.end();
  });

  let tls: { cert: string; key: string; ca: string } | undefined;
  if (options.tls === true) {
    const ca = createTestCa('Fake Kubernetes API CA');
    const leaf = ca.issue({ dns: ['localhost'], ips: ['127.0.0.1'] });
    tls = { cert: leaf.cert, key: leaf.key, ca: ca.cert };
  }

  const serve = (req: IncomingMessage, res: ServerResponse, url: URL, raw: string): void => {
    if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    try {
      const path = parseResourcePath(ctx, url.pathname);
      if (path !== undefined) {
        serveResourceRequest(ctx, req, res, path, Object.fromEntries(url.searchParams), raw);
        return;
      }
      const document = req.method === 'GET' ? discoveryDocument(registry, url.pathname, url.host) : undefined;
      if (document !== undefined) sendJson(res, 200, document);
      else sendJson(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
      } else if (error instanceof KubeApiError) {
        sendJson(res, error.code, error.toStatus());
      } else {
        sendJson(res, 500, statusBody(500, 'InternalError', `fake API server bug: ${(error as Error).stack ?? String(error)}`));
      }
    }
  };
  const door = createFrontDoor(serve, options.token);

  const server: Server = tls === undefined ? createHttpServer(door.listener) : createHttpsServer({ cert: tls.cert, key: tls.key }, door.listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;

  const kubeconfig = (opts: { readonly namespace?: string } = {}): string => stringifyYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{
      name: 'fake',
      cluster: tls === undefined
        ? { server: url, 'insecure-skip-tls-verify': true }
        : { server: url, 'certificate-authority-data': Buffer.from(tls.ca).toString('base64') },
    }],
    users: [{ name: 'fake', user: options.token === undefined ? {} : { token: options.token } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: opts.namespace ?? 'default' } }],
    'current-context': 'fake',
  });

  const refKey = (type: ResourceType, ref: { name: string; namespace?: string | undefined }): string =>
    objectKey(type.namespaced ? ref.namespace ?? 'default' : undefined, ref.name);
  const typeOfObject = (object: FakeObject): ResourceType => {
    const type = registry.forObject(object.apiVersion, object.kind);
    if (type === undefined) throw new Error(`no served resource type for ${object.apiVersion} ${object.kind} (create its CRD first)`);
    return type;
  };

  const api: FakeKubeApi = {
    url,
    caPem: tls?.ca,
    requests: door.requests,
    clearRequests: () => {
      door.requests.length = 0;
    },
    waitForRequest: (match) => door.waitForRequest(match),
    kubeconfig,
    kubeconfigFile(opts) {
      const file = join(mkdtempSync(join(tmpdir(), 'switchyard-kubeconfig-')), 'config');
      writeFileSync(file, kubeconfig(opts), { mode: 0o600 });
      return file;
    },
    apply(input) {
      return objectsOf(input).map((object) => {
        const type = typeOfObject(object);
        const version = splitApiVersion(object.apiVersion)[1];
        const namespace = type.namespaced ? object.metadata.namespace ?? 'default' : undefined;
        if (namespace !== undefined) ensureNamespace(namespace);
        const body = cloneJson(object);
        delete body.metadata.resourceVersion;
        delete body.metadata.uid;
        const existing = store.get(type.key, objectKey(namespace, object.metadata.name));
        if (existing === undefined) return cloneJson(createObject(ctx, type, version, namespace, body, { keepStatus: true }));
        if (body['status'] === undefined && existing['status'] !== undefined) body['status'] = existing['status'];
        return cloneJson(replaceObject(ctx, type, version, namespace, object.metadata.name, body, { keepStatus: true }));
      });
    },
    get(ref) {
      const type = resolveType(ref.kind);
      const object = store.get(type.key, refKey(type, ref));
      return object === undefined ? undefined : cloneJson(object);
    },
    objects(kind, namespace) {
      const type = resolveType(kind);
      return store.list(type.key).filter((o) => namespace === undefined || o.metadata.namespace === namespace).map(cloneJson);
    },
    delete(target) {
      const isObject = 'metadata' in target && isRecord(target.metadata);
      const type = isObject ? typeOfObject(target as FakeObject) : resolveType((target as ObjectRef).kind);
      const name = isObject ? (target as FakeObject).metadata.name : (target as ObjectRef).name;
      const namespace = isObject ? (target as FakeObject).metadata.namespace : (target as ObjectRef).namespace;
      const ns = type.namespaced ? namespace ?? 'default' : undefined;
      if (store.get(type.key, objectKey(ns, name)) === undefined) return undefined;
      return cloneJson(deleteObject(ctx, type, ns, name, undefined));
    },
    setStatus(ref, status) {
      const type = resolveType(ref.kind);
      const existing = store.get(type.key, refKey(type, ref));
      if (existing === undefined) throw new Error(`setStatus: ${ref.kind} ${ref.namespace ?? ''}/${ref.name} not found`);
      const version = splitApiVersion(existing.apiVersion)[1];
      return cloneJson(replaceObject(ctx, type, version, existing.metadata.namespace, ref.name, { ...existing, status }, { keepStatus: true }));
    },
    setPods(namespace, service, pods, ports, setOptions) {
      return reconcileEndpointSlices(ctx, namespace, service, pods, ports, setOptions).map(cloneJson);
    },
    resourceVersion: () => String(store.currentRv()),
    dropWatches(mode = 'end') {
      const watches = [...open];
      for (const w of watches) {
        if (mode === 'reset') w.reset();
        else w.end();
      }
      return watches.length;
    },
    expireWatches() {
      const watches = [...open];
      for (const w of watches) w.expire();
      return watches.length;
    },
    bookmark() {
      for (const w of open) w.bookmark();
      return open.size;
    },
    compact: () => store.compact(),
    failNext(n, status = 500, match = () => true) {
      door.failNext(n, status, match);
    },
    pause: () => door.pause(),
    resume: () => door.resume(),
    openWatches: () => [...open].map(info),
    waitForWatch(match = () => true) {
      const found = [...open].map(info).find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => watchWaiters.push({ match, resolve }));
    },
    get compactedWatch() {
      return ctx.compactedWatch;
    },
    set compactedWatch(mode) {
      ctx.compactedWatch = mode;
    },
    async close() {
      door.dropHeld();
      for (const w of [...open]) w.reset();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  return api;
}
