/**
 * `switchyard check`: validates the static and dynamic configuration offline and lists every
 * diagnostic. It runs the same code as a start (providers once, merge, resolve, build) without
 * opening a listener.
 */
import type { Diagnostic } from '../config/diagnostics.ts';
import type { Snapshot } from '../config/snapshot.ts';
import type { StaticConfig } from '../config/static.ts';
import type { Handler } from '../lib/exchange.ts';
import { implementedMiddlewareKinds } from '../middlewares/registry.ts';
import type { EntryPointInfo } from '../pipeline/entry-points.ts';
import { merge } from '../pipeline/merge.ts';
import { defaultProviderPrecedence } from '../pipeline/precedence.ts';
import { resolve } from '../pipeline/resolve.ts';
import { createFileProvider } from '../providers/file/file-provider.ts';
import { createUpstreamPools } from '../proxy/upstream-pools.ts';
import { createSystemClock } from '../lib/clock.ts';
import { createHealthRegistry } from '../services/health/server-health.ts';
import { createAffinityRegistry } from '../services/sticky/client-ip-affinity.ts';
import { acmeResolverDiagnostics } from '../config/static-acme.ts';
import { build, implementedHttpServiceKinds, staticDefaultTransport } from './build.ts';
import { buildTcp } from './build-tcp.ts';
import { buildUdp } from './build-udp.ts';
import { entryPointModel } from './entry-point-model.ts';
import { createGeneratedCertificateSource } from './tls/generated-certificate.ts';
import { createTlsManager, tlsHttpRouters } from './tls/tls-manager.ts';
import { unappliedStaticSettings } from './unapplied-settings.ts';
import { internalServiceNames, internalSnapshot } from './internal-provider.ts';

/** Every diagnostic of the configuration that `config` describes. */
export async function checkConfiguration(config: StaticConfig): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [...unappliedStaticSettings(config),
    ...acmeResolverDiagnostics(config.certificatesResolvers, new Set(Object.keys(config.entryPoints)))];
  const entryPoints: EntryPointInfo[] = [];
  for (const [name, ep] of Object.entries(config.entryPoints)) {
    const a = ep.listen;
    entryPoints.push({ name, isUdp: a.protocol === 'udp', asDefault: ep.asDefault, ...entryPointModel(ep.http) });
  }
  const snapshots = new Map<string, Snapshot>();
  snapshots.set('internal', internalSnapshot(config));
  if (config.providers.file !== undefined) {
    const f = config.providers.file;
    const provider = createFileProvider({ ...(f.filename ? { filename: f.filename } : {}), ...(f.directory ? { directory: f.directory } : {}), watch: false });
    const stop = new AbortController();
    await provider.run((s) => {
      snapshots.set(s.provider, s);
      stop.abort();
    }, stop.signal);
  }
  const runtime = resolve(merge(snapshots, { entryPoints, precedence: config.providers.precedence ?? defaultProviderPrecedence }), {
    entryPoints,
    defaultRuleSyntax: config.core.defaultRuleSyntax,
    precedence: config.providers.precedence ?? defaultProviderPrecedence,
    supported: { httpMiddlewares: implementedMiddlewareKinds, httpServices: implementedHttpServiceKinds, tcp: true, udp: true },
    internalServices: internalServiceNames(config),
  });
  const pools = createUpstreamPools();
  const noop: Handler = () => {};
  const clock = createSystemClock();
  // Built to find what only building can tell (missing health checks, …), then disposed at
  // once: health checks are stopped before their first timer fires.
  const state = build(runtime, {
    pools,
    internal: new Map([...internalServiceNames(config)].map((n) => [n, noop])),
    notAppendXForwardedFor: false,
    health: createHealthRegistry(clock),
    affinity: createAffinityRegistry(clock),
    clock,
    random: Math.random,
    defaultTransport: staticDefaultTransport(config.serversTransport),
  });
  state.dispose();
  buildTcp(runtime, { clock, health: createHealthRegistry(clock), defaultTransport: config.tcpServersTransport }).dispose();
  buildUdp(runtime).dispose();
  const tls = createTlsManager({ tls: runtime.tls, httpRouters: tlsHttpRouters(runtime.http.routers), generatedCertificate: createGeneratedCertificateSource() });
  diagnostics.push(...tls.diagnostics);
  await pools.dispose();
  diagnostics.push(...runtime.diagnostics);
  for (const section of [runtime.http.routers, runtime.http.services, runtime.http.middlewares, runtime.http.serversTransports,
    runtime.tcp.routers, runtime.tcp.services, runtime.tcp.middlewares, runtime.udp.routers, runtime.udp.services]) {
    for (const item of section.values()) diagnostics.push(...item.diagnostics);
  }
  return dedupe(diagnostics);
}

/** The same diagnostic reached through several items is listed once. */
function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.code}|${d.resource}|${d.path}|${d.message}|${d.source?.file}:${d.source?.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
