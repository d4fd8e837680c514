/**
 * One watched collection — a kind in one API group, in one namespace or all — kept in a
 * client-node `ListWatch` cache, made to run for as long as Switchyard does:
 *
 * - LIST is ours (paginated, plain JSON, `kind`/`apiVersion` filled in for built-in items that
 *   come without them, `managedFields` dropped), so listed and watched objects look the same.
 *   Watch events go through a `Watch` subclass that drops `managedFields` too.
 * - 410 Gone (an HTTP 410 or an ERROR event on the stream) makes ListWatch relist; objects that
 *   vanished meanwhile are deleted from the cache, so the cache converges without duplicates.
 * - Any other failure stops a ListWatch (client-node's behaviour): we log it and start it again
 *   after an exponential backoff on the injected clock, resuming from the last resourceVersion.
 *   A resource the server does not serve (404: its CRD is not installed) — or, for optional
 *   ones, forbids (403) — counts as synced and empty, is reported once, and is tried again
 *   later on a longer backoff, so it never holds up the others.
 * - EndpointSlice updates that change no port, address or endpoint condition do not count as
 *   changes (Traefik ignores them too, reference/kubernetes.md §1.1).
 */
import { ListWatch, Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import { statusOf, type KubeClient } from './kube-client.ts';
import type { KubeKind, KubeObject } from './kube-objects.ts';
import type { KubeLogger } from './kube-source.ts';

/** Where a kind is served. */
export interface KubeResource {
  readonly kind: KubeKind;
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /**
   * Needed by nobody in particular: a legacy group, GKE's BackendConfig, the cluster-scoped
   * kinds. A 403 on it counts as "none there" instead of holding up the first snapshot.
   */
  readonly optional: boolean;
}

const traefikKinds: readonly [KubeKind, string][] = [
  ['IngressRoute', 'ingressroutes'], ['IngressRouteTCP', 'ingressroutetcps'], ['IngressRouteUDP', 'ingressrouteudps'],
  ['Middleware', 'middlewares'], ['MiddlewareTCP', 'middlewaretcps'], ['TraefikService', 'traefikservices'],
  ['ServersTransport', 'serverstransports'], ['ServersTransportTCP', 'serverstransporttcps'],
  ['TLSOption', 'tlsoptions'], ['TLSStore', 'tlsstores'],
];

const builtIn: readonly KubeResource[] = [
  { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', namespaced: true, optional: false },
  { kind: 'IngressClass', group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses', namespaced: false, optional: true },
  { kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true, optional: false },
  { kind: 'EndpointSlice', group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespaced: true, optional: false },
  { kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true, optional: false },
  { kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true, optional: false },
  { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false, optional: true },
  { kind: 'BackendConfig', group: 'cloud.google.com', version: 'v1', plural: 'backendconfigs', namespaced: true, optional: true },
];

/** The resources a kind is read from; Traefik's CRD kinds in both groups, `traefik.io` first. */
export function resourcesOf(kind: KubeKind): readonly KubeResource[] {
  const crd = traefikKinds.find(([k]) => k === kind);
  if (crd !== undefined) {
    return [
      { kind, group: 'traefik.io', version: 'v1alpha1', plural: crd[1], namespaced: true, optional: false },
      { kind, group: 'traefik.containo.us', version: 'v1alpha1', plural: crd[1], namespaced: true, optional: true },
    ];
  }
  return builtIn.filter((r) => r.kind === kind);
}

/** `networking.k8s.io/v1`, `v1`. */
export function apiVersionOf(resource: Pick<KubeResource, 'group' | 'version'>): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** The collection path: `/apis/{group}/{version}[/namespaces/{ns}]/{plural}` (`/api/v1/...` for core). */
export function collectionPath(resource: KubeResource, namespace: string | undefined): string {
  const root = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const ns = resource.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${resource.plural}`;
}

/** What an informer is told to watch, and whom it tells. */
export interface InformerOptions {
  readonly client: KubeClient;
  readonly resource: KubeResource;
  /** Undefined: every namespace (or a cluster-scoped kind). */
  readonly namespace: string | undefined;
  readonly labelSelector: string | undefined;
  readonly clock: Clock;
  readonly logger: KubeLogger;
  /** Called (synchronously, possibly many times in a burst) after the cache changed. */
  readonly onChange: () => void;
  /** Called once, when the cache first holds a complete listing (or the resource is known to be absent). */
  readonly onSynced: () => void;
}

/** A self-restarting watched collection. */
export interface Informer {
  readonly resource: KubeResource;
  readonly namespace: string | undefined;
  /** The cached objects, in a new array. */
  list(): readonly KubeObject[];
  /** The cache has held a complete listing (or the resource is known to be absent). */
  readonly synced: boolean;
  start(): void;
  stop(): Promise<void>;
}

/** Backoff after failures: 1 s doubling to 30 s; for absent resources 30 s doubling to 5 min. */
const failureBackoff = { first: 1_000, max: 30_000 };
const absentBackoff = { first: 30_000, max: 300_000 };
/** Page size of LIST requests. */
const pageSize = 500;

/** A Watch whose events lose `managedFields` and that does nothing once its informer stopped. */
class InformerWatch extends Watch {
  readonly #isStopped: () => boolean;
  readonly #onConnected: () => void;
  readonly #onListed: () => void;

  constructor(client: KubeClient, isStopped: () => boolean, onListed: () => void, onConnected: () => void) {
    super(client.config);
    this.#isStopped = isStopped;
    this.#onListed = onListed;
    this.#onConnected = onConnected;
  }

  override async watch(
    path: string, queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void, done: (err: unknown) => void,
  ): Promise<AbortController> {
    // ListWatch may get here after a reconnect delay that outlived stop().
    if (this.#isStopped()) return new AbortController();
    // ListWatch watches only once its cache holds a complete listing.
    this.#onListed();
    let finished = false;
    const controller = await super.watch(path, { ...queryParams, allowWatchBookmarks: true }, (phase, object, raw) => {
      callback(phase, stripManagedFields(object), raw);
    }, (err: unknown) => {
      finished = true;
      done(err);
    });
    // stop() cannot abort a watch whose response had not arrived yet: abort it now.
    if (this.#isStopped()) controller.abort();
    else if (!finished) this.#onConnected();
    return controller;
  }
}

/** Creates an informer; nothing is requested before `start()`. */
export function createInformer(options: InformerOptions): Informer {
  const { client, resource, namespace, labelSelector, clock, logger } = options;
  const path = collectionPath(resource, namespace);
  const what = { resource: `${resource.plural}.${apiVersionOf(resource)}`, namespace: namespace ?? '*' };
  const apiVersion = apiVersionOf(resource);
  let stopped = true;
  let synced = false;
  let timer: TimerHandle | undefined;
  let failures = 0;
  let absent = false;
  /** Aborts the LIST requests in flight when the informer stops. */
  let lifetime = new AbortController();
  const fingerprints = new Map<string, string>();

  const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let token: string | undefined;
    // Bounded: a server that keeps handing out continue tokens past 10 000 pages is broken.
    for (let page = 0; page < 10_000; page++) {
      const body = await client.request({
        method: 'GET', path, signal: lifetime.signal,
        query: { limit: String(pageSize), continue: token, labelSelector },
      }) as { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] } | undefined;
      for (const item of body?.items ?? []) items.push(normalise(item, resource.kind, apiVersion));
      resourceVersion = body?.metadata?.resourceVersion ?? resourceVersion;
      token = body?.metadata?.continue;
      // client-node types cached objects as its model classes; they hold plain JSON here.
      if (token === undefined || token === '') return { metadata: { resourceVersion }, items: items as unknown as KubernetesObject[] };
    }
    throw new Error(`LIST ${path} did not end after 10000 pages`);
  };

  const watch = new InformerWatch(client, () => stopped, markSynced, recovered);
  const cache = new ListWatch<KubernetesObject>(path, watch, listFn, false, labelSelector, undefined, {
    delayFn: (ms) => new Promise<void>((resolve) => { clock.setTimeout(resolve, ms); }),
  });

  function markSynced(): void {
    if (absent) {
      absent = false;
      logger.info(what, 'Kubernetes resource is served now; watching it');
    }
    if (synced) return;
    synced = true;
    options.onSynced();
  }

  function recovered(): void {
    if (failures > 0) logger.info(what, 'Kubernetes watch re-established');
    failures = 0;
  }

  const changed = (cached: KubernetesObject, deleted: boolean): void => {
    const object = cached as unknown as KubeObject;
    if (stopped) return;
    if (resource.kind === 'EndpointSlice') {
      const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
      if (deleted) {
        fingerprints.delete(key);
      } else {
        const fingerprint = endpointSliceFingerprint(object);
        if (fingerprints.get(key) === fingerprint) return;
        fingerprints.set(key, fingerprint);
      }
    }
    options.onChange();
  };
  cache.on('add', (object) => changed(object, false));
  cache.on('update', (object) => changed(object, false));
  cache.on('delete', (object) => changed(object, true));
  cache.on('error', (error: unknown) => failed(error));

  function failed(error: unknown): void {
    if (stopped) return;
    const status = statusOf(error);
    const message = error instanceof Error ? error.message : String(error);
    if (status === 404 || (status === 403 && resource.optional)) {
      // Not served (CRD not installed) or not ours to read: nothing there for us.
      if (!absent) {
        absent = true;
        // Expected for the optional ones (the legacy group, GKE's BackendConfig): info, not a warning.
        const log = resource.optional ? logger.info.bind(logger) : logger.warn.bind(logger);
        log({ ...what, status, error: message },
          status === 404 ? 'Kubernetes resource is not served (CRD not installed?); treated as empty and tried again later'
            : 'Kubernetes resource is forbidden; treated as empty and tried again later');
      }
      if (!synced) {
        synced = true;
        options.onSynced();
      }
      schedule(absentBackoff);
      return;
    }
    // The first failure of a streak is a warning, repeats are debug: a long outage of the API
    // server must neither go unnoticed nor flood the log with one line per informer per retry.
    if (failures === 0) logger.warn({ ...what, status, error: message }, 'Kubernetes watch failed; retrying with backoff');
    else logger.debug({ ...what, status, error: message, failures }, 'Kubernetes watch failed again');
    schedule(failureBackoff);
  }

  function schedule(backoff: { first: number; max: number }): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    const delay = Math.min(backoff.first * 2 ** Math.min(failures, 20), backoff.max);
    failures++;
    timer = clock.setTimeout(() => {
      timer = undefined;
      run();
    }, delay);
  }

  function run(): void {
    if (stopped) return;
    // start() reports most failures through the error callbacks; what it throws goes there too.
    cache.start().catch((error: unknown) => failed(error));
  }

  return {
    resource,
    namespace,
    list: () => cache.list() as unknown as readonly KubeObject[],
    get synced() { return synced; },
    start() {
      if (!stopped) return;
      stopped = false;
      lifetime = new AbortController();
      run();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      lifetime.abort();
      // Aborts the open watch; one still connecting aborts itself when it connects.
      await cache.stop();
    },
  };
}

/** Listed built-in items come without `kind`/`apiVersion`; every item loses `managedFields`. */
function normalise(item: unknown, kind: KubeKind, apiVersion: string): KubeObject {
  const object = stripManagedFields(item) as KubeObject;
  return { ...object, apiVersion: object.apiVersion ?? apiVersion, kind: object.kind ?? kind };
}

function stripManagedFields(object: unknown): unknown {
  if (typeof object !== 'object' || object === null) return object;
  const metadata = (object as { metadata?: Record<string, unknown> }).metadata;
  if (metadata === undefined || !('managedFields' in metadata)) return object;
  const { managedFields: _, ...rest } = metadata;
  return { ...object, metadata: rest };
}

interface SliceEndpoint {
  addresses?: unknown;
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
}

/**
 * What of an EndpointSlice the translators use: the Service it belongs to, its address type,
 * ports and endpoint addresses and conditions (nil conditions read as ready and serving, not
 * terminating, as Kubernetes defines them).
 */
export function endpointSliceFingerprint(object: KubeObject): string {
  const endpoints = Array.isArray(object.endpoints) ? (object.endpoints as SliceEndpoint[]) : [];
  return JSON.stringify([
    object.metadata.labels?.['kubernetes.io/service-name'] ?? null,
    object.addressType ?? null,
    object.ports ?? null,
    endpoints.map((e) => [
      e.addresses ?? null,
      e.conditions?.ready ?? true,
      e.conditions?.serving ?? true,
      e.conditions?.terminating ?? false,
    ]),
  ]);
}
