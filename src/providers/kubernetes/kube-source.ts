/**
 * KubeSource: the one small interface through which the Kubernetes providers read and write the
 * cluster — watched caches with a consistent snapshot view, status writes, Events and Leases —
 * and its implementation on `@kubernetes/client-node` informers (informers.ts).
 *
 * One informer per kind per watched namespace (one for all namespaces when none are named, one
 * for a cluster-scoped kind), as Traefik's per-namespace informer factories; Traefik's CRD kinds
 * are read from both `traefik.io` and the legacy `traefik.containo.us` group (Traefik v3 reads
 * only the first; v2.10–2.11 read both).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';
import { statusOf, type ControllerInstance, type KubeClient } from './kube-client.ts';
import type { KubeKind, KubeObject, KubeSnapshot } from './kube-objects.ts';
import { apiVersionOf, collectionPath, createInformer, resourcesOf, type Informer, type KubeResource } from './informers.ts';

/** The log methods the Kubernetes code uses (the process logger has them). */
export interface KubeLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** What to watch besides the kinds. */
export interface KubeWatchOptions {
  /** Namespaces to watch; empty: all of them. Cluster-scoped kinds ignore it. */
  readonly namespaces: readonly string[];
  /** Label selectors applied by the server, per kind (Traefik: the provider's `labelSelector`, `owner!=helm` on Secrets). */
  readonly labelSelectors?: Readonly<Partial<Record<KubeKind, string>>>;
}

/** A running watch over some kinds. */
export interface KubeWatch {
  /** The caches now, as an immutable view (later changes do not show through it). */
  snapshot(): KubeSnapshot;
  /**
   * Calls `listener` after any change to the caches that matters (synchronously, possibly many
   * times in a burst: coalesce). Returns the unsubscribe function.
   */
  onChange(listener: () => void): () => void;
  /** Resolves once every cache holds a complete listing (never rejects; failures are logged and retried). */
  readonly ready: Promise<void>;
  /** Stops every informer; no change is reported afterwards. */
  stop(): Promise<void>;
}

/** A Kubernetes Event about one object. */
export interface KubeEventInput {
  /** The object the event is about (its uid and resourceVersion are recorded). */
  readonly involved: KubeObject;
  readonly type: 'Normal' | 'Warning';
  /** UpperCamelCase, e.g. `SwitchyardConfigError`. */
  readonly reason: string;
  readonly message: string;
}

/** A `coordination.k8s.io/v1` Lease. */
export interface KubeLease {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string };
  readonly spec: {
    readonly holderIdentity?: string | null;
    readonly leaseDurationSeconds?: number;
    readonly acquireTime?: string | null;
    readonly renewTime?: string | null;
    readonly leaseTransitions?: number;
  };
}

/** Reads and writes the cluster for the Kubernetes providers. */
export interface KubeSource {
  /** Starts watching `kinds`; each call has its own informers. */
  watch(kinds: readonly KubeKind[], options: KubeWatchOptions): KubeWatch;
  /**
   * Replaces the object's status through its status subresource (PUT, so the write fails with a
   * 409 KubeApiError when the object changed since `basis` was read). `basis` is the copy the
   * caller decided on; without it the object is read first.
   */
  updateStatus(kind: KubeKind, namespace: string, name: string, status: unknown, basis?: KubeObject): Promise<KubeObject>;
  /** Records an Event on an object (core/v1, in the object's namespace, `default` for cluster-scoped ones). */
  createEvent(event: KubeEventInput): Promise<void>;
  /** Reads a Lease; undefined when there is none. */
  readLease(namespace: string, name: string): Promise<KubeLease | undefined>;
  /** Creates the Lease (no resourceVersion) or replaces it (409 KubeApiError when it changed since read). */
  writeLease(lease: KubeLease): Promise<KubeLease>;
}

/** What the source needs besides the client. */
export interface KubeSourceDeps {
  readonly clock: Clock;
  readonly logger: KubeLogger;
  /** Who writes (the Events' reporting instance). */
  readonly instance: ControllerInstance;
  /** Wall-clock milliseconds for timestamps in Events; default Date.now. */
  readonly wallNow?: () => number;
}

/** The component name in Events. */
const component = 'switchyard';

/** Creates a KubeSource over a client. */
export function createKubeSource(client: KubeClient, deps: KubeSourceDeps): KubeSource {
  const { clock, logger, instance } = deps;
  const wallNow = deps.wallNow ?? Date.now;

  function resourceFor(kind: KubeKind, apiVersion?: string): KubeResource {
    const resources = resourcesOf(kind);
    const resource = resources.find((r) => apiVersion === undefined || apiVersionOf(r) === apiVersion) ?? resources[0];
    if (resource === undefined) throw new Error(`unknown Kubernetes kind ${kind}`);
    return resource;
  }

  function itemPath(resource: KubeResource, namespace: string, name: string): string {
    return `${collectionPath(resource, resource.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
  }

  return {
    watch(kinds, options) {
      return createWatch(client, [...new Set(kinds)], options, clock, logger);
    },

    async updateStatus(kind, namespace, name, status, basis) {
      const resource = resourceFor(kind, basis?.apiVersion);
      const path = itemPath(resource, namespace, name);
      const current = basis ?? await client.request({ method: 'GET', path }) as KubeObject;
      const body = { ...current, apiVersion: apiVersionOf(resource), kind, status };
      return await client.request({ method: 'PUT', path: `${path}/status`, body }) as KubeObject;
    },

    async createEvent({ involved, type, reason, message }) {
      const namespace = involved.metadata.namespace ?? 'default';
      const now = new Date(wallNow()).toISOString().replace(/\.\d+Z$/, 'Z');
      const body = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${involved.metadata.name}.${randomUUID().replaceAll('-', '').slice(0, 16)}`, namespace },
        involvedObject: {
          apiVersion: involved.apiVersion,
          kind: involved.kind,
          name: involved.metadata.name,
          ...(involved.metadata.namespace === undefined ? {} : { namespace: involved.metadata.namespace }),
          ...(involved.metadata.uid === undefined ? {} : { uid: involved.metadata.uid }),
          ...(involved.metadata.resourceVersion === undefined ? {} : { resourceVersion: involved.metadata.resourceVersion }),
        },
        type,
        reason,
        // Events carry at most 1 KiB of message (events.k8s.io validation).
        message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
        source: { component },
        reportingComponent: component,
        reportingInstance: instance.identity,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      await client.request({ method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, body });
    },

    async readLease(namespace, name) {
      try {
        return await client.request({ method: 'GET', path: leasePath(namespace, name) }) as KubeLease;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },

    async writeLease(lease) {
      const { namespace, name, resourceVersion } = lease.metadata;
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease };
      if (resourceVersion === undefined) {
        return await client.request({ method: 'POST', path: leasePath(namespace, undefined), body }) as KubeLease;
      }
      return await client.request({ method: 'PUT', path: leasePath(namespace, name), body }) as KubeLease;
    },
  };
}

function leasePath(namespace: string, name: string | undefined): string {
  const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

function createWatch(
  client: KubeClient, kinds: readonly KubeKind[], options: KubeWatchOptions, clock: Clock, logger: KubeLogger,
): KubeWatch {
  const listeners = new Set<() => void>();
  let stopped = false;
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => { resolveReady = resolve; });
  let waiting = 0;
  const informers: Informer[] = [];
  const notify = (): void => {
    if (stopped) return;
    for (const listener of [...listeners]) listener();
  };
  const synced = (): void => {
    waiting--;
    if (waiting === 0) resolveReady();
  };
  for (const kind of kinds) {
    for (const resource of resourcesOf(kind)) {
      const namespaces: readonly (string | undefined)[] = resource.namespaced && options.namespaces.length > 0 ? options.namespaces : [undefined];
      for (const namespace of namespaces) {
        waiting++;
        informers.push(createInformer({
          client, resource, namespace, labelSelector: options.labelSelectors?.[kind], clock, logger,
          onChange: notify, onSynced: synced,
        }));
      }
    }
  }
  if (waiting === 0) resolveReady();
  for (const informer of informers) informer.start();

  return {
    snapshot: () => snapshotOfInformers(informers),
    onChange(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    ready,
    async stop() {
      stopped = true;
      listeners.clear();
      await Promise.all(informers.map((informer) => informer.stop()));
    },
  };
}

/**
 * Copies the caches into a KubeSnapshot: per kind, sorted by namespace then name (for equal
 * keys, `traefik.io` before `traefik.containo.us`, and `get` returns the first), and
 * EndpointSlices indexed by their Service.
 */
function snapshotOfInformers(informers: readonly Informer[]): KubeSnapshot {
  const byKind = new Map<KubeKind, KubeObject[]>();
  for (const informer of informers) {
    let list = byKind.get(informer.resource.kind);
    if (list === undefined) byKind.set(informer.resource.kind, (list = []));
    list.push(...informer.list());
  }
  const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
  const byKey = new Map<KubeKind, Map<string, KubeObject>>();
  for (const [kind, list] of byKind) {
    // Stable: for equal keys the informers' order (traefik.io first) is kept.
    list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const index = new Map<string, KubeObject>();
    for (const object of list) if (!index.has(key(object))) index.set(key(object), object);
    byKey.set(kind, index);
  }
  const slices = new Map<string, KubeObject[]>();
  for (const slice of byKind.get('EndpointSlice') ?? []) {
    const service = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (service === undefined) continue;
    const k = `${slice.metadata.namespace ?? ''}\u0000${service}`;
    let list = slices.get(k);
    if (list === undefined) slices.set(k, (list = []));
    list.push(slice);
  }
  return {
    list: (kind) => byKind.get(kind) ?? [],
    get: (kind, namespace, name) => byKey.get(kind)?.get(`${namespace}\u0000${name}`),
    endpointSlicesOf: (namespace, service) => slices.get(`${namespace}\u0000${service}`) ?? [],
  };
}
