/**
 * The live Kubernetes providers, `kubernetes` (Ingress), `kubernetesingressnginx` (Ingress with
 * ingress-nginx's class rules) and `kubernetescrd`: watch the kinds
 * their translator reads through a KubeSource, wait until every cache holds a complete listing
 * (Traefik's WaitForCacheSync: never a partial view), then on every change rebuild the whole
 * configuration from the caches, as Traefik does, coalescing bursts with the provider's
 * `throttleDuration` on the injected clock.
 *
 * Each rebuild: translate (pure) → parseDynamicConfig (item by item, diagnostics renamed to the
 * Kubernetes object each item came from) → emit the Snapshot if it differs from the last one.
 * Diagnostics about an object also become a Warning Event on it, once per distinct message
 * while the problem lasts (Switchyard's addition; Traefik only logs). The Ingress provider with
 * `ingressEndpoint` or `reportNodeInternalIPs`, and the ingress-nginx one with `publishService` or
 * `publishStatusAddress`, also publish Ingress status (ingress-status.ts), each under its own Lease.
 *
 * A translator that throws (a bug) keeps the last snapshot in effect with a diagnostic saying
 * so, as the file provider does; informer failures are retried below this (informers.ts), so the
 * last good snapshot stays while the API server is away.
 */
import { EventEmitter } from 'node:events';
import type { Diagnostic } from '../../config/diagnostics.ts';
import { emptyDynamicConfig, parseDynamicConfig, type RejectedItem } from '../../config/dynamic.ts';
import type { Provider, Snapshot } from '../../config/snapshot.ts';
import type { Clock } from '../../lib/clock.ts';
import { createThrottle } from '../../lib/throttle.ts';
import type { ControllerInstance } from './kube-client.ts';
import type { KubeKind, KubeObject, KubeSnapshot } from './kube-objects.ts';
import type { KubeLogger, KubeSource, KubeWatchOptions } from './kube-source.ts';
import {
  createIngressStatusPublisher, processedIngresses, publishesIngressStatus,
  type IngressStatusOptions, type IngressStatusPublisher, type LeaseTiming, type StatusPass,
} from './ingress-status.ts';
import type { IngressClassOptions } from './ingress/ingress-class-filter.ts';
import type { Translation } from './translation.ts';

/** The provider names (the qualifiers `@kubernetes`, `@kubernetesingressnginx`, `@kubernetescrd`). */
export type KubernetesProviderName = 'kubernetes' | 'kubernetesingressnginx' | 'kubernetescrd';

/**
 * The default Lease under which an Ingress provider publishes status: one per provider, as the
 * two serve different Ingresses and may run side by side in one process.
 */
function statusLeaseName(name: KubernetesProviderName): string {
  return name === 'kubernetesingressnginx' ? 'switchyard-ingress-nginx-status' : 'switchyard-ingress-status';
}

/**
 * The static options the provider itself reads: `providers.kubernetesIngress` and
 * `providers.kubernetesCRD` fit as they are, `providers.kubernetesIngressNGINX` once read by
 * ingressNginxOptions. The class rules say which Ingresses get status; the translators read
 * them themselves.
 */
export interface KubernetesProviderOptions extends IngressStatusOptions, IngressClassOptions {
  /** Namespaces to watch; empty: all. */
  readonly namespaces: readonly string[];
  /** Applied by the server to Ingresses (`kubernetes`) or to the Traefik CRDs (`kubernetescrd`). */
  readonly labelSelector?: string | undefined;
  /** Milliseconds; 0: every change rebuilds at once. */
  readonly throttleDuration: number;
  /** No Node (nor IngressClass) watch: the controller needs no cluster-wide read access. */
  readonly disableClusterScopeResources?: boolean;
  /** Deprecated in Traefik: no IngressClass watch. */
  readonly disableIngressClassLookup?: boolean;
}

/** What the provider runs on. */
export interface KubernetesProviderDeps<O extends KubernetesProviderOptions> {
  readonly source: KubeSource;
  readonly clock: Clock;
  readonly logger: KubeLogger;
  /** translateIngresses or translateCrds. */
  readonly translate: (snapshot: KubeSnapshot, options: O) => Translation;
  /** Who we are for the Ingress status Lease (needed when the options publish status). */
  readonly instance?: ControllerInstance;
  /** Lease name and timing (tests shorten them). */
  readonly lease?: LeaseTiming & { readonly name?: string };
  /** Wall-clock ms for Lease timestamps; default Date.now. */
  readonly wallNow?: () => number;
}

/** One rebuild, reported once its snapshot is emitted and its Events and status pass are done. */
export interface KubernetesRebuild {
  readonly snapshot: Snapshot;
  /** False when the snapshot equals the previous one (then it was not emitted again). */
  readonly changed: boolean;
}

/** A Provider that also reports its rebuilds and status passes, for logs and tests. */
export interface KubernetesProvider extends Provider {
  on(event: 'rebuild', listener: (rebuild: KubernetesRebuild) => void): this;
  on(event: 'status', listener: (pass: StatusPass) => void): this;
  off(event: 'rebuild', listener: (rebuild: KubernetesRebuild) => void): this;
  off(event: 'status', listener: (pass: StatusPass) => void): this;
}

/** The kinds each provider's translator reads (reference/kubernetes.md §1.1, §2.1). */
export function watchedKinds(name: KubernetesProviderName, options: KubernetesProviderOptions): KubeKind[] {
  const clusterScoped = options.disableClusterScopeResources !== true;
  if (name === 'kubernetes' || name === 'kubernetesingressnginx') {
    return [
      'Ingress', 'Service', 'EndpointSlice', 'Secret', 'BackendConfig',
      ...(clusterScoped && options.disableIngressClassLookup !== true ? ['IngressClass' as const] : []),
      ...(clusterScoped ? ['Node' as const] : []),
    ];
  }
  return [
    'IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP', 'Middleware', 'MiddlewareTCP', 'TraefikService',
    'ServersTransport', 'ServersTransportTCP', 'TLSOption', 'TLSStore', 'Service', 'EndpointSlice', 'Secret', 'ConfigMap',
    ...(clusterScoped ? ['Node' as const] : []),
  ];
}

/** Server-side label selectors: the provider's on its own kinds, `owner!=helm` on Secrets (Helm release secrets). */
export function watchOptions(name: KubernetesProviderName, options: KubernetesProviderOptions): KubeWatchOptions {
  const selector = options.labelSelector !== undefined && options.labelSelector !== '' ? options.labelSelector : undefined;
  const own: readonly KubeKind[] = name !== 'kubernetescrd' ? ['Ingress']
    : ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP', 'Middleware', 'MiddlewareTCP', 'TraefikService',
      'ServersTransport', 'ServersTransportTCP', 'TLSOption', 'TLSStore'];
  const labelSelectors: Partial<Record<KubeKind, string>> = { Secret: 'owner!=helm' };
  if (selector !== undefined) for (const kind of own) labelSelectors[kind] = selector;
  return { namespaces: options.namespaces, labelSelectors };
}

/** Creates the `kubernetes`, `kubernetesingressnginx` or `kubernetescrd` provider. */
export function createKubernetesProvider<O extends KubernetesProviderOptions>(
  name: KubernetesProviderName, options: O, deps: KubernetesProviderDeps<O>,
): KubernetesProvider {
  const { source, clock, logger } = deps;
  const publishes = name !== 'kubernetescrd' && publishesIngressStatus(options);
  if (publishes && deps.instance === undefined) throw new Error('publishing Ingress status needs deps.instance (who holds the Lease)');
  const instance = publishes ? deps.instance : undefined;
  const events = new EventEmitter();
  let started = false;

  const provider: KubernetesProvider = {
    name,
    on(event: string, listener: (value: KubernetesRebuild & StatusPass) => void) { events.on(event, listener); return provider; },
    off(event: string, listener: (value: KubernetesRebuild & StatusPass) => void) { events.off(event, listener); return provider; },

    async run(emit, signal) {
      if (started) throw new Error(`the ${name} provider is already running`);
      started = true;
      if (signal.aborted) return;
      const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      const watch = source.watch(watchedKinds(name, options), watchOptions(name, options));
      const synced = await Promise.race([watch.ready.then(() => true), aborted.then(() => false)]);
      if (!synced) {
        await watch.stop();
        return;
      }
      logger.info({ provider: name }, 'Kubernetes caches synced');

      let publisher: IngressStatusPublisher | undefined;
      if (instance !== undefined) {
        publisher = createIngressStatusPublisher(options, {
          source, clock, logger, instance,
          leaseName: deps.lease?.name ?? statusLeaseName(name),
          ...(deps.lease === undefined ? {} : { lease: deps.lease }),
          ...(deps.wallNow === undefined ? {} : { wallNow: deps.wallNow }),
        });
        publisher.on('pass', (pass) => events.emit('status', pass));
      }

      const reporter = createEventReporter(source, logger);
      let lastKey: string | undefined;
      let last: Snapshot | undefined;
      let sideEffects: Promise<void> = Promise.resolve();

      function rebuild(): void {
        if (signal.aborted) return;
        const view = watch.snapshot();
        let snapshot: Snapshot;
        let translation: Translation | undefined;
        try {
          const translated = deps.translate(view, options);
          snapshot = toSnapshot(name, translated);
          translation = translated;
        } catch (error) {
          logger.error({ provider: name, error: error instanceof Error ? error.message : String(error) }, 'Kubernetes translation failed');
          snapshot = failedSnapshot(name, last, error);
        }
        last = snapshot;
        const key = JSON.stringify(snapshot);
        const changed = key !== lastKey;
        if (changed) {
          lastKey = key;
          emit(snapshot);
        }
        const objectDiagnostics = translation === undefined ? undefined : diagnosticsOnObjects(snapshot);
        if (translation !== undefined) publisher?.update(view, processedIngresses(view, options));
        sideEffects = sideEffects.then(async () => {
          if (objectDiagnostics !== undefined) await reporter.report(view, objectDiagnostics);
          await publisher?.settled();
          events.emit('rebuild', { snapshot, changed } satisfies KubernetesRebuild);
        }).catch((error: unknown) => {
          logger.error({ provider: name, error: error instanceof Error ? error.message : String(error) }, 'Kubernetes rebuild follow-up failed');
        });
      }

      // Traefik's throttleDuration, as the aggregator applies providersThrottleDuration: the first
      // change rebuilds at once; changes within the window make one rebuild when it closes.
      const throttle = createThrottle<null>({ windowMs: options.throttleDuration, clock, apply: rebuild });
      // A relist reports every object in one synchronous burst: one rebuild for all of it.
      let queued = false;
      const unsubscribe = watch.onChange(() => {
        if (queued) return;
        queued = true;
        queueMicrotask(() => {
          queued = false;
          throttle.push(null);
        });
      });
      throttle.push(null);

      await aborted;
      unsubscribe();
      throttle.dispose();
      await watch.stop();
      await publisher?.stop();
      await sideEffects;
    },
  };
  return provider;
}

/**
 * The Snapshot of a translation: items validated one by one; diagnostics of a rejected item (or
 * of a TLS entry) name the Kubernetes object it came from when the translation says which.
 */
export function toSnapshot(provider: string, translation: Translation): Snapshot {
  const parsed = parseDynamicConfig(translation.config, { resource: provider });
  const { sources } = translation;
  const rename = (d: Diagnostic, source: string | undefined): Diagnostic => (source === undefined ? d : { ...d, resource: source });
  const rejected: RejectedItem[] = parsed.rejected.map((item) => {
    const source = sources.get(`${item.section} ${item.name}`);
    return { ...item, diagnostics: item.diagnostics.map((d) => rename(d, source)) };
  });
  const diagnostics = [...translation.diagnostics, ...parsed.diagnostics.map((d) => rename(d, sourceOfPath(sources, d.path)))];
  return { provider, config: parsed.config, rejected, diagnostics };
}

/** The source of the item a dotted path is inside (`tls.options.default.minVersion` → the object of `tls.options default`). */
function sourceOfPath(sources: ReadonlyMap<string, string>, path: string): string | undefined {
  for (const [item, source] of sources) {
    const dotted = item.replace(' ', '.');
    if (path === dotted || path.startsWith(`${dotted}.`)) return source;
  }
  return undefined;
}

function failedSnapshot(provider: string, previous: Snapshot | undefined, error: unknown): Snapshot {
  const base = previous ?? { provider, config: emptyDynamicConfig(), rejected: [], diagnostics: [] };
  const diagnostic: Diagnostic = {
    severity: 'error', code: 'KUBERNETES_PROVIDER_FAILURE', resource: `providers.${provider}`, path: '',
    message: `translating the Kubernetes objects failed unexpectedly, the previous configuration stays in effect: ${error instanceof Error ? error.message : String(error)}`,
  };
  return { ...base, diagnostics: [...base.diagnostics.filter((d) => d.code !== diagnostic.code), diagnostic] };
}

/** Every diagnostic of a snapshot whose resource names a Kubernetes object (`Kind/ns/name`). */
function diagnosticsOnObjects(snapshot: Snapshot): Diagnostic[] {
  const all = [...snapshot.diagnostics, ...snapshot.rejected.flatMap((item) => item.diagnostics)];
  return all.filter((d) => /^[A-Z][A-Za-z]*\/[^/]+(\/[^/]+)?$/.test(d.resource));
}

/** The Event reason for a diagnostic's severity. */
const reasons = { error: 'SwitchyardConfigError', warning: 'SwitchyardConfigWarning' } as const;

interface EventReporter {
  /** Creates an Event for each diagnostic not reported in the previous round; resolves when all are sent. */
  report(view: KubeSnapshot, diagnostics: readonly Diagnostic[]): Promise<void>;
}

/**
 * Events for diagnostics: one per (object, message) while the diagnostic lasts. What was
 * reported is remembered only while it is still diagnosed, so the memory follows the cluster,
 * and a problem that comes back after a fix is reported again.
 */
function createEventReporter(source: KubeSource, logger: KubeLogger): EventReporter {
  let reported = new Set<string>();
  return {
    async report(view, diagnostics) {
      const current = new Set<string>();
      const sends: Promise<void>[] = [];
      for (const d of diagnostics) {
        const object = objectOf(view, d.resource);
        if (object === undefined) continue;
        const message = `${d.code}${d.path === '' ? '' : ` ${d.path}`}: ${d.message}`;
        const key = `${object.metadata.uid ?? d.resource}\n${d.severity}\n${message}`;
        if (current.has(key)) continue;
        current.add(key);
        if (reported.has(key)) continue;
        sends.push(source.createEvent({ involved: object, type: 'Warning', reason: reasons[d.severity], message }).catch((error: unknown) => {
          // Not remembered: tried again at the next rebuild that still has the problem.
          current.delete(key);
          logger.debug({ object: d.resource, error: error instanceof Error ? error.message : String(error) }, 'Kubernetes Event not recorded');
        }));
      }
      await Promise.all(sends);
      reported = current;
    },
  };
}

/** The object a `Kind/ns/name` (or `Kind/name`) reference names, if it is in the caches. */
function objectOf(view: KubeSnapshot, ref: string): KubeObject | undefined {
  const parts = ref.split('/');
  const kind = parts[0] as KubeKind;
  try {
    return parts.length === 3 ? view.get(kind, parts[1]!, parts[2]!) : view.get(kind, '', parts[1]!);
  } catch {
    return undefined;
  }
}
