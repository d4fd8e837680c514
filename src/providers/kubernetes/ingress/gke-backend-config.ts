/**
 * GKE `BackendConfig` session affinity (`cloud.google.com/v1` and `v1beta1`), attached to a
 * Service by the annotation `cloud.google.com/backend-config` (or the older
 * `beta.cloud.google.com/backend-config`): `{"default": "bc"}` or `{"ports": {"80": "bc"}}`, a
 * port given by number or name, the per-port entry winning over the default.
 *
 * `spec.sessionAffinity.affinityType`:
 * - `NONE` → nothing;
 * - `CLIENT_IP` → `sticky.clientIP` (Kubernetes' default timeout, 3 h; Google's load balancer
 *   hashes the client IP instead, with no timeout);
 * - `GENERATED_COOKIE` → `sticky.cookie` named `GCLB` as Google names it, `maxAge` =
 *   `affinityCookieTtlSec` (0: a session cookie).
 * The other BackendConfig features (timeouts, draining, health checks, CDN, IAP, …) belong to
 * Google's load balancer; each one set is a warning naming the field.
 */
import type { KubeObject, KubeSnapshot } from '../kube-objects.ts';
import { defaultClientIpTimeoutSeconds } from '../service-servers.ts';
import { stringAnnotations } from './annotation-values.ts';
import { annotationPath, type DiagnosticSink } from './ingress-diagnostics.ts';
import { isRecord } from './ingress-model.ts';

/** The annotations that attach a BackendConfig, the GA one first. */
export const backendConfigAnnotations = ['cloud.google.com/backend-config', 'beta.cloud.google.com/backend-config'] as const;

/** Affinity taken from a BackendConfig. */
export interface BackendConfigAffinity {
  readonly cookie?: Readonly<Record<string, unknown>>;
  readonly clientIP?: Readonly<Record<string, unknown>>;
}

/** The BackendConfig name for a service port, or undefined; a malformed annotation is reported. */
function configName(service: KubeObject, key: string, value: string, port: number, portName: string, sink: DiagnosticSink): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    sink.error('BACKENDCONFIG_INVALID', service, annotationPath(key),
      `expected JSON like {"default": "my-backendconfig"} or {"ports": {"80": "my-backendconfig"}}, got ${JSON.stringify(value)}; the BackendConfig is not applied`);
    return undefined;
  }
  if (!isRecord(parsed)) {
    sink.error('BACKENDCONFIG_INVALID', service, annotationPath(key), 'expected a JSON object with "default" or "ports"; the BackendConfig is not applied');
    return undefined;
  }
  const ports = isRecord(parsed['ports']) ? parsed['ports'] : {};
  const byPort = ports[String(port)] ?? (portName === '' ? undefined : ports[portName]);
  const chosen = byPort ?? parsed['default'];
  return typeof chosen === 'string' && chosen !== '' ? chosen : undefined;
}

/**
 * The affinity a Service's BackendConfig asks for on `port`, or undefined when none applies. A
 * missing or malformed BackendConfig is an error on the Service (the service is served without it).
 */
export function backendConfigAffinity(
  snapshot: KubeSnapshot, service: KubeObject, port: number, sink: DiagnosticSink,
): BackendConfigAffinity | undefined {
  const annotations = stringAnnotations(service);
  const key = backendConfigAnnotations.find((k) => Object.hasOwn(annotations, k));
  if (key === undefined) return undefined;
  const spec = isRecord(service.spec) ? service.spec : {};
  const portName = (Array.isArray(spec['ports']) ? spec['ports'] : [])
    .filter(isRecord).find((p) => p['port'] === port)?.['name'];
  const name = configName(service, key, annotations[key]!, port, typeof portName === 'string' ? portName : '', sink);
  if (name === undefined) return undefined;
  const namespace = service.metadata.namespace ?? '';
  const config = snapshot.get('BackendConfig', namespace, name);
  if (config === undefined) {
    sink.error('BACKENDCONFIG_NOT_FOUND', service, annotationPath(key),
      `BackendConfig ${namespace}/${name} not found; the service is served without its session affinity`);
    return undefined;
  }
  const configSpec = isRecord(config.spec) ? config.spec : {};
  for (const field of Object.keys(configSpec)) {
    if (field !== 'sessionAffinity') {
      sink.warn('BACKENDCONFIG_UNSUPPORTED_FIELD', config, `spec.${field}`,
        'only sessionAffinity is applied; this setting belongs to Google\'s load balancer and is ignored');
    }
  }
  const affinity = configSpec['sessionAffinity'];
  if (affinity === undefined || affinity === null) return undefined;
  if (!isRecord(affinity)) {
    sink.error('BACKENDCONFIG_INVALID', config, 'spec.sessionAffinity', 'expected affinityType and affinityCookieTtlSec');
    return undefined;
  }
  const type = affinity['affinityType'] ?? 'NONE';
  switch (type) {
    case 'NONE':
    case '':
      return undefined;
    case 'CLIENT_IP':
      return { clientIP: { timeout: `${defaultClientIpTimeoutSeconds}s` } };
    case 'GENERATED_COOKIE': {
      const ttl = affinity['affinityCookieTtlSec'] ?? 0;
      if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0) {
        sink.error('BACKENDCONFIG_INVALID', config, 'spec.sessionAffinity.affinityCookieTtlSec',
          `expected a number of seconds (0 or more), got ${JSON.stringify(ttl)}; the cookie affinity is not applied`);
        return undefined;
      }
      return { cookie: ttl > 0 ? { name: 'GCLB', maxAge: ttl } : { name: 'GCLB' } };
    }
    default:
      sink.error('BACKENDCONFIG_INVALID', config, 'spec.sessionAffinity.affinityType',
        `expected NONE, CLIENT_IP or GENERATED_COOKIE, got ${JSON.stringify(type)}; no affinity is applied`);
      return undefined;
  }
}
