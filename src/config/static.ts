/**
 * Traefik v3's static configuration as Switchyard reads it: entry points, providers, API,
 * ping, logs, metrics, transports and ACME certificate resolvers, with Traefik's defaults
 * (durations in ms) and its "effective configuration" rules applied:
 *  - no entry point configured → `http` on `:80`;
 *  - `api.insecure`, or ping / Prometheus metrics on entry point `traefik` → `traefik` on
 *    `:8080` when not defined.
 * Keys Traefik knows that Switchyard does not support yet are warnings; unknown keys are
 * errors naming the nearest valid key.
 */
import { z } from 'zod';
import type { Diagnostic } from './diagnostics.ts';
import { configObject, isPlainObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { issuesToDiagnostics, makeDiagnostic, type Locate } from './issue-diagnostics.ts';
import { describeValue } from './issue-codes.ts';
import { certificatesResolversSchema } from './static-acme.ts';
import { apiSchema, metricsSchema, pingSchema } from './static-api.ts';
import { entryPointSchema, type EntryPointConfig } from './static-entry-points.ts';
import { accessLogSchema, logSchema } from './static-logs.ts';
import { providersSchema } from './static-providers.ts';
import {
  coreSchema, globalSchema, staticServersTransportSchema, staticTcpServersTransportSchema,
} from './static-transports.ts';
import { stripUnsupportedStaticKeys } from './static-unsupported-keys.ts';
import { workersSchema } from './static-workers.ts';

export type { EntryPointConfig, ListenAddress } from './static-entry-points.ts';
export { parseListenAddress } from './static-entry-points.ts';
export type { AcmeConfig, AcmeKeyType, CertificatesResolverConfig } from './static-acme.ts';
export type { ApiConfig, MetricsConfig, PingConfig, PrometheusConfig } from './static-api.ts';
export type { AccessLogConfig, LogConfig } from './static-logs.ts';
export type {
  FileProviderConfig, KubernetesCrdProviderConfig, KubernetesIngressProviderConfig, ProvidersConfig,
} from './static-providers.ts';
export type {
  CoreConfig, GlobalConfig, StaticServersTransportConfig, StaticTcpServersTransportConfig,
} from './static-transports.ts';
export { loadStaticConfig, type LoadStaticOptions, type LoadedStaticConfig } from './load-static-config.ts';

/** Name of the entry point Traefik creates for the API, ping and metrics. */
export const internalEntryPointName = 'traefik';

const staticShape = {
  entryPoints: z.record(z.string(), entryPointSchema).default({}),
  providers: providersSchema.prefault({}),
  api: apiSchema.optional(),
  ping: pingSchema.optional(),
  log: logSchema.prefault({}),
  accessLog: accessLogSchema.optional(),
  metrics: metricsSchema.optional(),
  global: globalSchema.prefault({}),
  serversTransport: staticServersTransportSchema.prefault({}),
  tcpServersTransport: staticTcpServersTransportSchema.prefault({}),
  core: coreSchema.prefault({}),
  certificatesResolvers: certificatesResolversSchema.default({}),
  /**
   * (Switchyard) Worker processes serving the entry points (server/workers/); `0` means one per
   * core. The `--workers` flag and `SWITCHYARD_WORKERS` override it whatever the source.
   */
  workers: workersSchema.default(1),
};

/** The static configuration schema (before Traefik's effective-configuration rules). */
export const staticConfigSchema = configObject(staticShape);

/** The top-level static sections Switchyard reads. */
export const staticSectionNames: readonly string[] = Object.keys(staticShape);

/** The static configuration (durations in ms), with Traefik's defaults applied. */
export type StaticConfig = DeepReadonly<z.output<typeof staticConfigSchema>>;

function defaultEntryPoint(address: string): EntryPointConfig {
  return entryPointSchema.parse({ address });
}

/** Applies Traefik's effective-configuration rules (default entry points). */
export function withEffectiveDefaults(config: StaticConfig): StaticConfig {
  const entryPoints: Record<string, EntryPointConfig> = { ...config.entryPoints };
  if (Object.keys(entryPoints).length === 0) entryPoints['http'] = defaultEntryPoint(':80');
  const needsInternal = config.api?.insecure === true
    || config.ping?.entryPoint === internalEntryPointName
    || config.metrics?.prometheus?.entryPoint === internalEntryPointName;
  if (needsInternal && entryPoints[internalEntryPointName] === undefined) {
    entryPoints[internalEntryPointName] = defaultEntryPoint(':8080');
  }
  return { ...config, entryPoints };
}

/** The result of validating a static configuration; `config` is null when there are errors. */
export interface ParsedStaticConfig {
  readonly config: StaticConfig | null;
  readonly diagnostics: Diagnostic[];
}

/**
 * Validates a raw static configuration tree (from a file, flags or environment). Unsupported
 * Traefik keys are warnings and ignored; any error makes `config` null.
 */
export function parseStaticConfig(raw: unknown, options: { resource: string; locate?: Locate }): ParsedStaticConfig {
  const diagnostics: Diagnostic[] = [];
  let tree: unknown = raw ?? {};
  if (isPlainObject(tree)) {
    tree = structuredClone(tree);
    diagnostics.push(...stripUnsupportedStaticKeys(tree as Record<string, unknown>, options.resource, options.locate));
  } else {
    diagnostics.push(makeDiagnostic('error', 'CONFIG_INVALID_SECTION', options.resource, [],
      `expected a map of static configuration sections, got ${describeValue(raw)}`, options.locate));
    return { config: null, diagnostics };
  }
  const result = staticConfigSchema.safeParse(tree, { reportInput: true });
  if (!result.success) {
    diagnostics.push(...issuesToDiagnostics(result.error.issues, [], options.resource, options.locate));
    return { config: null, diagnostics };
  }
  return { config: withEffectiveDefaults(result.data), diagnostics };
}
