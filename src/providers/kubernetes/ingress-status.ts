/**
 * Ingress status publishing: `status.loadBalancer.ingress` of the Ingresses this controller
 * processes, from `ingressEndpoint` (a fixed `ip`/`hostname`, or the status of the
 * `publishedService`) or from the nodes' internal IPs (`reportNodeInternalIPs`), as Traefik's
 * updateIngressStatus (reference/kubernetes.md §1.5); for the `kubernetesingressnginx` provider,
 * from `publishStatusAddress` or `publishService` (ingress-nginx-status.ts).
 *
 * Differences from Traefik, on purpose:
 * - One replica writes at a time: the holder of a `coordination.k8s.io/v1` Lease (client-go's
 *   leader election algorithm: a record not renewed for `leaseDuration` of our own observation
 *   is up for grabs; released on stop). Traefik lets every replica write the same status.
 * - The comparison before the PUT covers the whole entries (ports included), not only
 *   hostname+ip, and a write is not repeated while our cache still shows the object as it was
 *   before that write.
 * Writes are PUTs to the status subresource with the cached copy's resourceVersion; a 409
 * means the object changed, and the watch brings the new copy, which is compared again.
 */
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import { statusOf, type ControllerInstance } from './kube-client.ts';
import type { KubeObject, KubeSnapshot } from './kube-objects.ts';
import { objectRef } from './kube-objects.ts';
import type { KubeLease, KubeLogger, KubeSource } from './kube-source.ts';
import { createIngressClassFilter, type IngressClassOptions } from './ingress/ingress-class-filter.ts';
import { nginxDesiredStatus, publishesNginxStatus, type NginxStatusOptions } from './ingress-nginx-status.ts';

/** One `status.loadBalancer.ingress` entry. */
export interface LoadBalancerIngress {
  readonly ip?: string;
  readonly hostname?: string;
  readonly ports?: readonly { readonly port: number; readonly protocol: string }[];
}

/** Where the address comes from (`providers.kubernetesIngress`, or `providers.kubernetesIngressNGINX`). */
export interface IngressStatusOptions extends NginxStatusOptions {
  readonly ingressEndpoint?: {
    readonly ip?: string | undefined;
    readonly hostname?: string | undefined;
    /** `namespace/name` of the Service whose address the Ingresses get. */
    readonly publishedService?: string | undefined;
  } | undefined;
  readonly reportNodeInternalIPs?: boolean | undefined;
}

/** True when the options ask for status publishing at all. */
export function publishesIngressStatus(options: IngressStatusOptions): boolean {
  const e = options.ingressEndpoint;
  return options.reportNodeInternalIPs === true || publishesNginxStatus(options) ||
    (e !== undefined && [e.ip, e.hostname, e.publishedService].some((v) => v !== undefined && v !== ''));
}

/** The desired entries, or a reason to write nothing for now. */
export type DesiredStatus =
  | { readonly kind: 'entries'; readonly entries: readonly LoadBalancerIngress[] }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * What every processed Ingress should show, from the options and the caches (pure). Traefik's
 * order: a fixed ip/hostname, else the published Service by its type, else node internal IPs.
 */
export function desiredStatus(options: IngressStatusOptions, snapshot: KubeSnapshot): DesiredStatus {
  if (publishesNginxStatus(options)) return nginxDesiredStatus(options, snapshot);
  const endpoint = options.ingressEndpoint;
  const ip = nonEmpty(endpoint?.ip);
  const hostname = nonEmpty(endpoint?.hostname);
  if (ip !== undefined || hostname !== undefined) {
    return entries([{ ...(ip === undefined ? {} : { ip }), ...(hostname === undefined ? {} : { hostname }) }]);
  }
  const published = nonEmpty(endpoint?.publishedService);
  if (published !== undefined) return fromPublishedService(published, snapshot);
  if (options.reportNodeInternalIPs === true) {
    return entries(nodeAddresses(snapshot, 'InternalIP').map((address) => ({ ip: address })));
  }
  return { kind: 'none', reason: 'no ingressEndpoint configured' };
}

interface ServiceShape {
  spec?: {
    type?: string;
    externalIPs?: string[];
    externalName?: string;
    ports?: { port?: number; nodePort?: number; protocol?: string }[];
  };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
}

function fromPublishedService(published: string, snapshot: KubeSnapshot): DesiredStatus {
  const parts = published.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    return { kind: 'none', reason: `ingressEndpoint.publishedService must be namespace/name, got "${published}"` };
  }
  const service = snapshot.get('Service', parts[0]!, parts[1]!) as (KubeObject & ServiceShape) | undefined;
  if (service === undefined) return { kind: 'none', reason: `published service ${published} not found (is its namespace watched?)` };
  const spec = service.spec ?? {};
  const ports = spec.ports ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'LoadBalancer': {
      const list = service.status?.loadBalancer?.ingress ?? [];
      return list.length === 0 ? { kind: 'none', reason: `published service ${published} has no load balancer address yet` } : entries(list);
    }
    case 'ClusterIP': {
      const withPorts = ports.map((p) => ({ port: p.port ?? 0, protocol: p.protocol ?? 'TCP' }));
      return entries((spec.externalIPs ?? []).map((address) => ({ ip: address, ports: withPorts })));
    }
    case 'NodePort': {
      const withPorts = ports.map((p) => ({ port: p.nodePort ?? 0, protocol: p.protocol ?? 'TCP' }));
      return entries(nodeAddresses(snapshot, 'ExternalIP').map((address) => ({ ip: address, ports: withPorts })));
    }
    case 'ExternalName':
      return spec.externalName === undefined ? { kind: 'none', reason: `published service ${published} has no externalName` }
        : entries([{ hostname: spec.externalName }]);
    default:
      return { kind: 'none', reason: `published service ${published} has unknown type ${spec.type}` };
  }
}

function nodeAddresses(snapshot: KubeSnapshot, type: 'InternalIP' | 'ExternalIP'): string[] {
  const out: string[] = [];
  for (const node of snapshot.list('Node')) {
    const addresses = (node.status as { addresses?: { type?: string; address?: string }[] } | undefined)?.addresses ?? [];
    for (const a of addresses) if (a.type === type && a.address !== undefined && !out.includes(a.address)) out.push(a.address);
  }
  return out;
}

function entries(list: readonly LoadBalancerIngress[]): DesiredStatus {
  return { kind: 'entries', entries: list };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Entries as a comparable string: each entry's ip, hostname and sorted ports, entries sorted. */
export function statusKey(list: readonly LoadBalancerIngress[]): string {
  return JSON.stringify(list.map((e) => JSON.stringify([
    e.ip ?? '', e.hostname ?? '', [...(e.ports ?? [])].map((p) => `${p.port}/${p.protocol}`).sort(),
  ])).sort());
}

/**
 * The Ingresses this controller processes (Traefik updates status for each Ingress its class
 * filter accepts, whether or not its rules translate).
 */
export function processedIngresses(snapshot: KubeSnapshot, options: IngressClassOptions): KubeObject[] {
  return snapshot.list('Ingress').filter(createIngressClassFilter(snapshot, options));
}

/** Timing of the Lease, in ms (client-go's defaults). */
export interface LeaseTiming {
  /** How long a record stays valid without renewal (default 15 000). */
  readonly durationMs?: number;
  /** A holder that could not renew for this long stops writing (default 10 000). */
  readonly renewDeadlineMs?: number;
  /** How often to try to acquire or renew (default 2 000). */
  readonly retryMs?: number;
}

/** What the publisher needs. */
export interface IngressStatusDeps {
  readonly source: KubeSource;
  readonly clock: Clock;
  readonly logger: KubeLogger;
  /** The Lease's namespace and our identity in it. */
  readonly instance: ControllerInstance;
  /** Lease name; default `switchyard-ingress-status`. */
  readonly leaseName?: string;
  readonly lease?: LeaseTiming;
  /** Wall-clock ms for the Lease's timestamps; default Date.now. */
  readonly wallNow?: () => number;
}

/** The outcome of one pass over the processed Ingresses. */
export interface StatusPass {
  readonly leader: boolean;
  /** `Ingress/ns/name` of each status written. */
  readonly written: readonly string[];
}

/** Publishes Ingress status while it holds the Lease. */
export interface IngressStatusPublisher {
  /** The latest caches and the Ingresses processed in them; a pass follows (now or after the running one). */
  update(snapshot: KubeSnapshot, processed: readonly KubeObject[]): void;
  /** Resolves when the pass for the latest update (if any) has finished. */
  settled(): Promise<void>;
  isLeader(): boolean;
  on(event: 'pass', listener: (pass: StatusPass) => void): this;
  off(event: 'pass', listener: (pass: StatusPass) => void): this;
  /** Stops renewing, releases the Lease if held, waits for the running pass. */
  stop(): Promise<void>;
}

/** Creates the publisher and starts competing for the Lease. */
export function createIngressStatusPublisher(options: IngressStatusOptions, deps: IngressStatusDeps): IngressStatusPublisher {
  const { source, logger } = deps;
  const events = new EventEmitter();
  let latest: { snapshot: KubeSnapshot; processed: readonly KubeObject[] } | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let lastReason: string | undefined;
  /** Per Ingress uid: the resourceVersion we wrote against and what we wrote. */
  const written = new Map<string, string>();

  const lease = createStatusLease(deps, (leader) => {
    logger.info({ lease: deps.leaseName ?? defaultLeaseName, identity: deps.instance.identity },
      leader ? 'holding the Ingress status Lease: this replica writes Ingress status' : 'lost the Ingress status Lease');
    if (leader) trigger();
  });

  function trigger(): void {
    if (stopped) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = pass().catch((error: unknown) => {
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'Ingress status pass failed unexpectedly');
    }).finally(() => {
      running = undefined;
      if (again) {
        again = false;
        trigger();
      }
    });
  }

  async function pass(): Promise<void> {
    const view = latest;
    const done: string[] = [];
    const leader = lease.isLeader();
    if (view === undefined || !leader) {
      events.emit('pass', { leader, written: done } satisfies StatusPass);
      return;
    }
    const desired = desiredStatus(options, view.snapshot);
    if (desired.kind === 'none') {
      if (desired.reason !== lastReason) logger.warn({ reason: desired.reason }, 'Ingress status not published');
      lastReason = desired.reason;
    } else {
      lastReason = undefined;
      const want = statusKey(desired.entries);
      for (const ingress of view.processed) {
        if (stopped || !lease.isLeader()) break;
        const status = (ingress.status ?? {}) as { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
        if (statusKey(status.loadBalancer?.ingress ?? []) === want) continue;
        const id = ingress.metadata.uid ?? objectRef(ingress);
        const mark = `${ingress.metadata.resourceVersion ?? ''} ${want}`;
        // Written already; the watch has not brought the new copy yet.
        if (written.get(id) === mark) continue;
        try {
          await source.updateStatus('Ingress', ingress.metadata.namespace ?? '', ingress.metadata.name,
            { ...status, loadBalancer: { ...status.loadBalancer, ingress: desired.entries } }, ingress);
          written.set(id, mark);
          done.push(objectRef(ingress));
        } catch (error) {
          const code = statusOf(error);
          const fields = { ingress: objectRef(ingress), status: code, error: error instanceof Error ? error.message : String(error) };
          // 409: changed since our copy; 404: deleted. The watch brings what happened and a new pass.
          if (code === 409 || code === 404) logger.debug(fields, 'Ingress status not written, the Ingress changed');
          else logger.warn(fields, 'Ingress status update failed');
        }
      }
    }
    // Forget Ingresses that are gone, so the map stays as small as the cluster.
    const live = new Set(view.processed.map((i) => i.metadata.uid ?? objectRef(i)));
    for (const id of [...written.keys()]) if (!live.has(id)) written.delete(id);
    events.emit('pass', { leader, written: done } satisfies StatusPass);
  }

  const publisher: IngressStatusPublisher = {
    update(snapshot, processed) {
      latest = { snapshot, processed };
      trigger();
    },
    async settled() {
      // Bounded: each round waits for one pass; updates keep coming only while the caller feeds them.
      for (let i = 0; i < 100 && running !== undefined; i++) await running;
    },
    isLeader: () => lease.isLeader(),
    on(event, listener) { events.on(event, listener); return publisher; },
    off(event, listener) { events.off(event, listener); return publisher; },
    async stop() {
      stopped = true;
      await running;
      await lease.stop();
    },
  };
  return publisher;
}

const defaultLeaseName = 'switchyard-ingress-status';

interface StatusLease {
  isLeader(): boolean;
  stop(): Promise<void>;
}

/**
 * client-go's leader election over a Lease: try every `retryMs`; take the Lease when it is
 * absent, ours, released (no holder) or not renewed for `durationMs` as we observed it (our
 * clock, so clock skew between replicas does not matter); stop leading when renewal has failed
 * for `renewDeadlineMs`.
 */
function createStatusLease(deps: IngressStatusDeps, onChange: (leader: boolean) => void): StatusLease {
  const { source, clock, logger, instance } = deps;
  const name = deps.leaseName ?? defaultLeaseName;
  const durationMs = deps.lease?.durationMs ?? 15_000;
  const renewDeadlineMs = deps.lease?.renewDeadlineMs ?? 10_000;
  const retryMs = deps.lease?.retryMs ?? 2_000;
  const wallNow = deps.wallNow ?? Date.now;
  let leader = false;
  let renewedAt = 0;
  let observed: { key: string; at: number } | undefined;
  let timer: TimerHandle | undefined;
  let stopped = false;
  let attempt: Promise<void> | undefined;
  let lastError: string | undefined;

  const microTime = (): string => new Date(wallNow()).toISOString().replace('Z', '000Z');

  function setLeader(value: boolean): void {
    if (leader === value) return;
    leader = value;
    onChange(value);
  }

  async function tryAcquireOrRenew(): Promise<void> {
    const now = clock.now();
    const current = await source.readLease(instance.namespace, name);
    const spec: KubeLease['spec'] = current?.spec ?? {};
    const key = JSON.stringify(spec);
    if (observed?.key !== key) observed = { key, at: now };
    const holder = spec.holderIdentity ?? '';
    const mine = holder === instance.identity;
    if (current !== undefined && !mine && holder !== '' && now - observed.at < durationMs) {
      setLeader(false);
      return;
    }
    const stamp = microTime();
    const next: KubeLease = {
      metadata: { name, namespace: instance.namespace, ...(current?.metadata.resourceVersion === undefined ? {} : { resourceVersion: current.metadata.resourceVersion }) },
      spec: {
        holderIdentity: instance.identity,
        leaseDurationSeconds: Math.ceil(durationMs / 1000),
        acquireTime: mine ? spec.acquireTime ?? stamp : stamp,
        renewTime: stamp,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (current !== undefined && !mine ? 1 : 0),
      },
    };
    const result = await source.writeLease(next);
    observed = { key: JSON.stringify(result.spec), at: now };
    renewedAt = now;
    setLeader(true);
  }

  function tick(): void {
    timer = undefined;
    if (stopped) return;
    attempt = tryAcquireOrRenew().then(() => { lastError = undefined; }, (error: unknown) => {
      const code = statusOf(error);
      // 409: another replica wrote the Lease first; it is theirs until it expires.
      if (code !== 409) {
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lastError) logger.warn({ lease: name, error: message }, 'Ingress status Lease could not be read or written');
        lastError = message;
      }
      if (code === 409 || clock.now() - renewedAt >= renewDeadlineMs) setLeader(false);
    }).finally(() => {
      attempt = undefined;
      if (!stopped) timer = clock.setTimeout(tick, retryMs);
    });
  }

  tick();

  return {
    isLeader: () => leader && !stopped,
    async stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      await attempt;
      if (!leader) return;
      leader = false;
      // Release so another replica takes over at its next try instead of after the duration.
      try {
        const current = await source.readLease(instance.namespace, name);
        if (current !== undefined && current.spec.holderIdentity === instance.identity) {
          await source.writeLease({ metadata: current.metadata, spec: { ...current.spec, holderIdentity: null, leaseDurationSeconds: 1 } });
        }
      } catch (error) {
        logger.debug({ lease: name, error: error instanceof Error ? error.message : String(error) }, 'Ingress status Lease not released');
      }
    },
  };
}
