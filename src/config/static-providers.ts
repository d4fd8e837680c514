/**
 * Static `providers` section: the providers Switchyard supports (file, kubernetesIngress,
 * kubernetesCRD, kubernetesIngressNGINX) [Traefik pkg/config/static/static_config.go Providers,
 * pkg/provider/*].
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
  /** Switchyard: the `Server` response header of Ingress routes; "" removes it. */
  serverHeader: str().optional(),
});

/** `providers.kubernetesCRD` (qualifier `@kubernetescrd`). */
export const kubernetesCrdProviderSchema = configObject({
  ...kubernetesClientShape,
  allowCrossNamespace: bool().default(false),
  /** Traefik 3.6: namespaces whose objects may reference other providers' items. */
  crossProviderNamespaces: stringList().optional(),
}, (value, ctx) => {
  if (value.crossProviderNamespaces !== undefined) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE',
      'not supported by the CRD provider yet; ignoring it would let every namespace reference other providers\' items', ['crossProviderNamespaces']);
  }
});

/**
 * Options of `providers.kubernetesIngressNGINX` that narrow what the provider serves and that
 * Switchyard does not implement yet: set, they are an error rather than the usual "not supported"
 * warning, since ignoring them would serve more than the user allowed.
 */
const unimplementedNginxScope = [
  ['watchNamespaceSelector', 'use watchNamespace'],
  ['httpEntryPoint', 'routers go on the default entry points; set entryPoints.<name>.asDefault instead'],
  ['httpsEntryPoint', 'routers go on the default entry points; set entryPoints.<name>.asDefault instead'],
] as const;

/**
 * `providers.kubernetesIngressNGINX` (qualifier `@kubernetesingressnginx`): Ingresses of
 * ingress-nginx's class, for users leaving ingress-nginx [Traefik
 * pkg/provider/kubernetes/ingress-nginx Provider; doc reference/install-configuration/providers/
 * kubernetes/kubernetes-ingress-nginx]. Only the options below are read; the ConfigMap-like
 * defaults Traefik also documents (proxyConnectTimeout, proxyBodySize, customHTTPErrors,
 * defaultBackendService, …) are removed before validation with a warning
 * (static-unsupported-keys.ts). Traefik (v3.5, v3.6) also wants
 * `experimental.kubernetesIngressNGINX: true`; Switchyard accepts it and does not need it.
 */
export const kubernetesIngressNginxProviderSchema = configObject({
  endpoint: str().optional(),
  token: str().optional(),
  certAuthFilePath: str().optional(),
  throttleDuration: duration().default(0),
  /** One namespace; empty or absent: all. */
  watchNamespace: str().optional(),
  watchNamespaceSelector: str().optional(),
  ingressClass: str().default('nginx'),
  controllerClass: str().default('k8s.io/ingress-nginx'),
  watchIngressWithoutClass: bool().default(false),
  ingressClassByName: bool().default(false),
  /** `namespace/name` of the Service whose address the Ingresses get. */
  publishService: str().optional(),
  /** Addresses (IPs or hostnames) the Ingresses get; wins over publishService. */
  publishStatusAddress: stringList().default([]),
  disableSvcExternalName: bool().default(false),
  httpEntryPoint: str().optional(),
  httpsEntryPoint: str().optional(),
  disableNonTLSRouters: bool().default(false),
}, (value, ctx) => {
  for (const [key, hint] of unimplementedNginxScope) {
    const set = value[key];
    if (set !== undefined && set !== '') {
      addIssue(ctx, 'CONFIG_INVALID_VALUE', `not supported by Switchyard yet (${hint}); ignoring it would serve more than it allows`, [key]);
    }
  }
  if (value.disableNonTLSRouters) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE',
      'not supported by Switchyard yet; ignoring it would serve the Ingresses over plain HTTP too', ['disableNonTLSRouters']);
  }
  const service = value.publishService;
  if (service !== undefined && service !== '' && !/^[^/]+\/[^/]+$/.test(service)) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', `expected namespace/name, got ${JSON.stringify(service)}`, ['publishService']);
  }
});

/** `providers`. */
export const providersSchema = configObject({
  providersThrottleDuration: duration((ms) => (ms < 0 ? 'must not be negative' : undefined)).default(2_000),
  /** Switchyard: provider names in order of precedence among routers of equal priority. */
  precedence: stringList().optional(),
  file: fileProviderSchema.optional(),
  kubernetesIngress: kubernetesIngressProviderSchema.optional(),
  kubernetesCRD: kubernetesCrdProviderSchema.optional(),
  kubernetesIngressNGINX: kubernetesIngressNginxProviderSchema.optional(),
});

/** `providers.file`. */
export type FileProviderConfig = DeepReadonly<z.output<typeof fileProviderSchema>>;
/** `providers.kubernetesIngress` (durations in ms). */
export type KubernetesIngressProviderConfig = DeepReadonly<z.output<typeof kubernetesIngressProviderSchema>>;
/** `providers.kubernetesCRD` (durations in ms). */
export type KubernetesCrdProviderConfig = DeepReadonly<z.output<typeof kubernetesCrdProviderSchema>>;
/** `providers.kubernetesIngressNGINX` (durations in ms). */
export type KubernetesIngressNginxProviderConfig = DeepReadonly<z.output<typeof kubernetesIngressNginxProviderSchema>>;
/** `providers` (durations in ms). */
export type ProvidersConfig = DeepReadonly<z.output<typeof providersSchema>>;
