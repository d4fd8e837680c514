/**
 * Static keys Traefik knows that Switchyard does not support yet. They are removed before
 * validation with a warning naming the key, so a Traefik configuration still starts
 * (DESIGN.md, "Deliberate differences").
 */
import type { Diagnostic } from './diagnostics.ts';
import { isPlainObject } from './config-object.ts';
import { makeDiagnostic, type ConfigPath, type Locate } from './issue-diagnostics.ts';

/** Paths of unsupported keys; `*` stands for any name (an entry point's, a resolver's). */
export const unsupportedStaticKeys: readonly (readonly string[])[] = [
  ['tracing'], ['experimental'], ['hostResolver'], ['pilot'], ['hub'],
  ['spiffe'], ['ocsp'],
  ['providers', 'docker'], ['providers', 'swarm'], ['providers', 'consulCatalog'], ['providers', 'nomad'],
  ['providers', 'ecs'], ['providers', 'consul'], ['providers', 'etcd'], ['providers', 'redis'],
  ['providers', 'zooKeeper'], ['providers', 'http'], ['providers', 'rest'], ['providers', 'plugin'],
  ['providers', 'kubernetesGateway'], ['providers', 'knative'],
  // providers.kubernetesIngressNGINX: ingress-nginx's ConfigMap-like defaults and other options
  // the provider does not read (the options it reads are in static-providers.ts).
  ...[
    'defaultBackendService', 'globalAuthURL', 'proxyConnectTimeout', 'proxyReadTimeout', 'proxySendTimeout',
    'proxyRequestBuffering', 'clientBodyBufferSize', 'proxyBuffering', 'proxyBodySize', 'proxyBufferSize',
    'proxyBuffersNumber', 'proxyNextUpstream', 'proxyNextUpstreamTries', 'proxyNextUpstreamTimeout',
    'upstreamKeepaliveTimeout', 'customHTTPErrors', 'allowCrossNamespaceResources', 'globalAllowedResponseHeaders',
    'allowSnippetAnnotations', 'ipAllowListStrategy', 'strictValidatePathType',
  ].map((key) => ['providers', 'kubernetesIngressNGINX', key]),
  ['metrics', 'datadog'], ['metrics', 'statsD'], ['metrics', 'influxDB2'], ['metrics', 'otlp'],
  ['log', 'maxSize'], ['log', 'maxAge'], ['log', 'maxBackups'], ['log', 'compress'], ['log', 'otlp'],
  ['accessLog', 'otlp'],
  ['entryPoints', '*', 'allowACMEByPass'],
  ['entryPoints', '*', 'forwardedHeaders', 'addXForwardedSchemeHeaders'],
];

function strip(
  node: Record<string, unknown>, pattern: readonly string[], path: ConfigPath,
  found: (path: ConfigPath) => void,
): void {
  const [head, ...rest] = pattern;
  if (head === undefined) return;
  for (const key of Object.keys(node)) {
    if (head !== '*' && key.toLowerCase() !== head.toLowerCase()) continue;
    if (rest.length === 0) {
      found([...path, key]);
      delete node[key];
    } else {
      const child = node[key];
      if (isPlainObject(child)) strip(child, rest, [...path, key], found);
    }
  }
}

/**
 * `experimental.kubernetesIngressNGINX: true` (Traefik v3.5 and v3.6 need it to start the
 * provider): Switchyard's provider needs no such switch, so the key is removed without a warning,
 * and `experimental` with it when nothing else is in it.
 */
function dropExperimentalNginxSwitch(raw: Record<string, unknown>): void {
  for (const section of Object.keys(raw)) {
    const experimental = raw[section];
    if (section.toLowerCase() !== 'experimental' || !isPlainObject(experimental)) continue;
    for (const key of Object.keys(experimental)) {
      const value = experimental[key];
      if (key.toLowerCase() === 'kubernetesingressnginx' && (value === true || value === 'true')) delete experimental[key];
    }
    if (Object.keys(experimental).length === 0) delete raw[section];
  }
}

/**
 * Removes unsupported keys from a raw static configuration tree (mutating it) and returns a
 * warning for each.
 */
export function stripUnsupportedStaticKeys(
  raw: Record<string, unknown>, resource: string, locate: Locate | undefined,
): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  dropExperimentalNginxSwitch(raw);
  for (const pattern of unsupportedStaticKeys) {
    strip(raw, pattern, [], (path) => {
      warnings.push(makeDiagnostic('warning', 'STATIC_KEY_NOT_SUPPORTED', resource, path,
        `"${path.join('.')}" is a Traefik option not supported by Switchyard yet; ignored`, locate));
    });
  }
  return warnings;
}
