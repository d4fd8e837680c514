/**
 * Test rig for the live Kubernetes providers: the fake API server (test/support/kube-fake), the
 * real client-node informers talking to it, a manual clock, a recording logger, a provider run
 * whose snapshots, rebuilds and status passes tests can await, and a tiny Ingress translator for
 * tests about the provider machinery rather than about translation.
 */
import { strict as assert } from 'node:assert';
import type { Diagnostic } from '../../../config/diagnostics.ts';
import type { Snapshot } from '../../../config/snapshot.ts';
import { createManualClock, type ManualClock } from '../../../lib/manual-clock.ts';
import { startFakeKubeApi, type FakeKubeApi, type FakeKubeApiOptions } from '../../../../test/support/kube-fake/fake-api.ts';
import { createKubeClient, loadKubeConfig } from '../kube-client.ts';
import { objectRef, type KubeSnapshot } from '../kube-objects.ts';
import { createKubeSource, type KubeLogger, type KubeSource, type KubeWatch } from '../kube-source.ts';
import type { KubernetesProvider, KubernetesRebuild } from '../kubernetes-provider.ts';
import type { StatusPass } from '../ingress-status.ts';
import type { Translation } from '../translation.ts';

export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: object;
}

export interface Rig {
  readonly api: FakeKubeApi;
  readonly clock: ManualClock;
  readonly logs: LogRecord[];
  readonly logger: KubeLogger;
  /** A KubeSource on the fake whose watches the test can look at (`watches`). */
  source(identity?: string): KubeSource;
  /** Every watch opened through `source()`, in order. */
  readonly watches: KubeWatch[];
  /**
   * Lets in-flight requests finish, then moves the clock by `stepMs`, until `condition` holds
   * (bounded: fails after `maxSteps`). Time moves only when no request is unanswered, so the
   * client is waiting on one of its timers.
   */
  driveUntil(condition: () => boolean, options?: { stepMs?: number; maxSteps?: number; what?: string }): Promise<void>;
  /** Waits until no request to the fake is unanswered and a few event-loop turns brought nothing new. */
  quiescent(): Promise<void>;
  close(): Promise<void>;
}

export async function startRig(options: FakeKubeApiOptions = {}): Promise<Rig> {
  const api = await startFakeKubeApi({ token: 'test-token', ...options });
  const clock = createManualClock(1_000_000);
  const logs: LogRecord[] = [];
  const record = (level: LogRecord['level']) => (fields: object, message: string): void => { logs.push({ level, message, fields }); };
  const logger: KubeLogger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  const kubeconfig = api.kubeconfigFile();
  const watches: KubeWatch[] = [];

  async function quiescent(): Promise<void> {
    let seen = api.requests.length;
    let calm = 0;
    for (let turn = 0; turn < 20_000 && calm < 25; turn++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const busy = api.requests.some((r) => r.status === undefined);
      if (busy || api.requests.length !== seen) {
        calm = 0;
        seen = api.requests.length;
      } else {
        calm++;
      }
    }
  }

  return {
    api, clock, logs, logger, watches,
    source(identity = 'replica-a') {
      const client = createKubeClient(loadKubeConfig({}, 'providers.kubernetesIngress', { KUBECONFIG: kubeconfig }));
      const source = createKubeSource(client, { clock, logger, instance: { namespace: 'default', identity } });
      return {
        ...source,
        watch(kinds, watchOptions) {
          const watch = source.watch(kinds, watchOptions);
          watches.push(watch);
          return watch;
        },
      };
    },
    quiescent,
    async driveUntil(condition, { stepMs = 1_000, maxSteps = 300, what = 'condition' } = {}) {
      for (let step = 0; step < maxSteps; step++) {
        if (condition()) return;
        await quiescent();
        if (condition()) return;
        clock.advance(stepMs);
      }
      assert.fail(`${what} not reached after ${maxSteps} steps of ${stepMs} ms`);
    },
    close: () => api.close(),
  };
}

/** A provider running against the rig, with what it emitted. */
export interface RunningProvider {
  readonly snapshots: Snapshot[];
  readonly rebuilds: KubernetesRebuild[];
  readonly passes: StatusPass[];
  /** Resolves with the first rebuild (from now on) matching `match`. */
  nextRebuild(match?: (rebuild: KubernetesRebuild) => boolean): Promise<KubernetesRebuild>;
  /** Resolves with the first status pass (from now on) matching `match`. */
  nextPass(match?: (pass: StatusPass) => boolean): Promise<StatusPass>;
  stop(): Promise<void>;
}

export function runProvider(provider: KubernetesProvider): RunningProvider {
  const snapshots: Snapshot[] = [];
  const rebuilds: KubernetesRebuild[] = [];
  const passes: StatusPass[] = [];
  provider.on('rebuild', (r) => rebuilds.push(r));
  provider.on('status', (p) => passes.push(p));
  const stop = new AbortController();
  const done = provider.run((s) => snapshots.push(s), stop.signal);
  const next = <T>(event: 'rebuild' | 'status', match: (value: T) => boolean): Promise<T> => new Promise((resolve) => {
    const listener = (value: T): void => {
      if (!match(value)) return;
      provider.off(event as 'rebuild', listener as never);
      resolve(value);
    };
    provider.on(event as 'rebuild', listener as never);
  });
  return {
    snapshots, rebuilds, passes,
    nextRebuild: (match = () => true) => next<KubernetesRebuild>('rebuild', match),
    nextPass: (match = () => true) => next<StatusPass>('status', match),
    async stop() {
      stop.abort();
      await done;
    },
  };
}

/** The server URLs of a snapshot's load-balancer services (one named service, or all in name order). */
export function serverUrls(snapshot: Snapshot | undefined, service?: string): string[] {
  const services = snapshot?.config.http.services ?? {};
  const names = service === undefined ? Object.keys(services).sort() : [service];
  return names.flatMap((name) => {
    const item = services[name];
    return item?.kind === 'loadBalancer' ? item.loadBalancer.servers.map((s) => s.url) : [];
  });
}

/** The routers of a snapshot, by name. */
export function routerNames(snapshot: Snapshot | undefined): string[] {
  return Object.keys(snapshot?.config.http.routers ?? {}).sort();
}

/**
 * A small stand-in for translateIngresses: one router per Ingress (`ns-name`, the first rule's
 * host) to one service per backend (`ns-svc-port`) with the ready endpoints of its
 * EndpointSlices. `test.switchyard/broken` on an Ingress is a diagnostic on it;
 * `test.switchyard/priority` is copied into the router unparsed (a bad value gets the router
 * rejected by validation).
 */
export function translateTestIngresses(snapshot: KubeSnapshot): Translation {
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const ingress of snapshot.list('Ingress')) {
    const ns = ingress.metadata.namespace ?? '';
    const ref = objectRef(ingress);
    const annotations = ingress.metadata.annotations ?? {};
    const broken = annotations['test.switchyard/broken'];
    if (broken !== undefined) {
      diagnostics.push({ severity: 'error', code: 'TEST_BROKEN', resource: ref, path: 'metadata.annotations', message: broken });
      continue;
    }
    const spec = ingress.spec as { rules?: { host?: string; http?: { paths?: { backend?: { service?: { name?: string; port?: { number?: number } } } }[] } }[] } | undefined;
    const rule = spec?.rules?.[0];
    const backend = rule?.http?.paths?.[0]?.backend?.service;
    const serviceName = backend?.name === undefined ? 'none' : `${ns}-${backend.name}-${backend.port?.number ?? 80}`;
    const router = `${ns}-${ingress.metadata.name}`;
    routers[router] = {
      rule: `Host(\`${rule?.host ?? 'example.com'}\`)`,
      service: serviceName,
      ...(annotations['test.switchyard/priority'] === undefined ? {} : { priority: annotations['test.switchyard/priority'] }),
    };
    sources.set(`http.routers ${router}`, ref);
    if (backend?.name !== undefined) {
      const urls: string[] = [];
      for (const slice of snapshot.endpointSlicesOf(ns, backend.name)) {
        for (const endpoint of (slice.endpoints ?? []) as { addresses?: string[]; conditions?: { ready?: boolean } }[]) {
          if (endpoint.conditions?.ready === false) continue;
          for (const address of endpoint.addresses ?? []) urls.push(`http://${address}:${backend.port?.number ?? 80}`);
        }
      }
      services[serviceName] = { loadBalancer: { servers: urls.sort().map((url) => ({ url })) } };
      sources.set(`http.services ${serviceName}`, ref);
    }
  }
  return { config: { http: { routers, services } }, diagnostics, sources };
}

/** An Ingress as users write it. */
export function ingressYaml(name: string, host: string, options: { namespace?: string; service?: string; annotations?: Record<string, string>; ingressClassName?: string } = {}): string {
  const annotations = Object.entries(options.annotations ?? {});
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${options.namespace ?? 'default'}`,
    ...(annotations.length === 0 ? [] : ['  annotations:', ...annotations.map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)]),
    'spec:',
    ...(options.ingressClassName === undefined ? [] : [`  ingressClassName: ${options.ingressClassName}`]),
    '  rules:',
    `  - host: ${host}`,
    '    http:',
    '      paths:',
    '      - path: /',
    '        pathType: Prefix',
    '        backend:',
    '          service:',
    `            name: ${options.service ?? 'web'}`,
    '            port:',
    '              number: 80',
  ].join('\n');
}
