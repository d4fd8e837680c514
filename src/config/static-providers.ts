/**
 * Static `providers` section: the providers Switchyard supports (file, kubernetesIngress,
 * kubernetesCRD) [Traefik pkg/config/static/static_config.go Providers, pkg/provider/*].
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { addIssue } from './issue-codes.ts';
import { bool, duration, str, stringList } from './scalar-schemas.ts';

/** `providers.file`: exactly one of `filename` or `directory`. */
export const fileProviderSchema = configObject({
  filename: str().optional(),
  directory: str().optional(),
  watch: bool().default(true),
  debugLogGeneratedTemplate: bool().default(false),
}, (value, ctx) => {
  const hasFile = value.filename !== undefined && value.filename !== '';
  const hasDirectory = value.directory !== undefined && value.directory !== '';
  if (hasFile && hasDirectory) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', 'set either filename or directory, not both');
  } else if (!hasFile && !hasDirectory) {
    addIssue(ctx, 'CONFIG_MISSING_FIELD', 'error using file configuration provider: neither filename nor directory is defined');
  }
});

const ingressEndpointSchema = configObject({
  ip: str().optional(),
  hostname: str().optional(),
  publishedService: str().optional(),
});

/** Kubernetes client settings shared by the Kubernetes providers. */
const kubernetesClientShape = {
  endpoint: str().optional(),
  token: str().optional(),
  certAuthFilePath: str().optional(),
  namespaces: stringList().default([]),
  labelSelector: str().optional(),
  ingressClass: str().optional(),
  throttleDuration: duration().default(0),
  allowEmptyServices: bool().default(false),
  allowExternalNameServices: bool().default(false),
  nativeLBByDefault: bool().default(false),
  disableClusterScopeResources: bool().default(false),
};

/** `providers.kubernetesIngress` (qualifier `@kubernetes`). */
export const kubernetesIngressProviderSchema = configObject({
  ...kubernetesClientShape,
  ingressEndpoint: ingressEndpointSchema.optional(),
  reportNodeInternalIPs: bool().default(false),
  crossProviderNamespaces: stringList().default([]),
  /** Deprecated in Traefik in favour of disableClusterScopeResources. */
  disableIngressClassLookup: bool().default(false),
  strictPrefixMatching: bool().default(false),
});

/** `providers.kubernetesCRD` (qualifier `@kubernetescrd`). */
export const kubernetesCrdProviderSchema = configObject({
  ...kubernetesClientShape,
  allowCrossNamespace: bool().default(false),
});

/** `providers`. */
export const providersSchema = configObject({
  providersThrottleDuration: duration((ms) => (ms < 0 ? 'must not be negative' : undefined)).default(2_000),
  /** Switchyard: provider names in order of precedence among routers of equal priority. */
  precedence: stringList().optional(),
  file: fileProviderSchema.optional(),
  kubernetesIngress: kubernetesIngressProviderSchema.optional(),
  kubernetesCRD: kubernetesCrdProviderSchema.optional(),
});

/** `providers.file`. */
export type FileProviderConfig = DeepReadonly<z.output<typeof fileProviderSchema>>;
/** `providers.kubernetesIngress` (durations in ms). */
export type KubernetesIngressProviderConfig = DeepReadonly<z.output<typeof kubernetesIngressProviderSchema>>;
/** `providers.kubernetesCRD` (durations in ms). */
export type KubernetesCrdProviderConfig = DeepReadonly<z.output<typeof kubernetesCrdProviderSchema>>;
/** `providers` (durations in ms). */
export type ProvidersConfig = DeepReadonly<z.output<typeof providersSchema>>;
