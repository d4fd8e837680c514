/**
 * Traefik 1.x annotations on a Service (`traefik.ingress.kubernetes.io/` or
 * `ingress.kubernetes.io/` + `affinity`, `session-cookie-name`, `session-secure`,
 * `session-http-only`, `session-same-site`, `load-balancer-method`, `circuit-breaker-expression`,
 * `max-conn-amount` + `max-conn-extractor-func`, `buffering`, `responseforwarding-flushinterval`),
 * translated by the 1.x backend translator of the file provider (same strategy, stickiness and
 * middlewares as a 1.x file backend).
 *
 * Differs from Traefik 1.x: without `session-cookie-name`, the cookie gets the v3 default name (a
 * hash of the service name `<ns>-<svc>-<port>@kubernetes`), not 1.x's hash of `host+path`: one
 * v3 service serves every path of the Service. Clients holding a 1.x cookie are placed once more.
 */
import { parse as parseYaml } from 'yaml';
import { translateV1Backend } from '../../file/legacy-v1/translate-v1-backend.ts';
import { parseGoBool, stringAnnotations } from './annotation-values.ts';
import { annotationPath, type DiagnosticSink } from './ingress-diagnostics.ts';
import { createV1Bridge, v1Key } from './v1-bridge.ts';
import type { KubeObject } from '../kube-objects.ts';

/** The 1.x options Traefik 1.x read on a Service. */
export const v1ServiceOptions = [
  'affinity', 'session-cookie-name', 'session-secure', 'session-http-only', 'session-same-site', 'load-balancer-method',
  'circuit-breaker-expression', 'max-conn-amount', 'max-conn-extractor-func', 'buffering', 'responseforwarding-flushinterval',
] as const;

/** What the 1.x annotations add to a service. */
export interface V1ServiceSettings {
  /** loadBalancer fields (strategy, sticky, responseForwarding), servers excluded. */
  readonly loadBalancer: Readonly<Record<string, unknown>>;
  /** Middlewares to create, in the order the service lists them. */
  readonly middlewares: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

/**
 * Reads the 1.x annotations of `service` for the v3 service `name`. Undefined when there are
 * none; null when one of them is invalid (the service is then left out, as 1.x left out the
 * backend).
 */
export function readV1ServiceAnnotations(service: KubeObject, name: string, sink: DiagnosticSink): V1ServiceSettings | undefined | null {
  const annotations = stringAnnotations(service);
  const keys = new Map<string, string>();
  for (const option of v1ServiceOptions) {
    const key = v1Key(annotations, option);
    if (key !== undefined) keys.set(option, key);
  }
  if (keys.size === 0) return undefined;
  const bridge = createV1Bridge(service);
  const value = (option: string): string | undefined => {
    const key = keys.get(option);
    return key === undefined ? undefined : annotations[key];
  };
  let valid = true;
  const boolOf = (option: string): boolean | undefined => {
    const raw = value(option);
    if (raw === undefined) return undefined;
    const parsed = parseGoBool(raw);
    if (parsed === undefined) {
      sink.error('INGRESS_ANNOTATION_INVALID', service, annotationPath(keys.get(option)!), `expected true or false, got ${JSON.stringify(raw)}`);
      valid = false;
    }
    return parsed;
  };

  const backend: Record<string, unknown> = {};
  const loadBalancer: Record<string, unknown> = {};
  const method = value('load-balancer-method');
  if (method !== undefined) {
    loadBalancer['method'] = method;
    bridge.from('loadBalancer.method', keys.get('load-balancer-method')!);
  }
  const affinity = boolOf('affinity');
  const cookieName = value('session-cookie-name');
  const cookieFlags = { secure: boolOf('session-secure'), httpOnly: boolOf('session-http-only'), sameSite: value('session-same-site') };
  if (affinity === true) {
    const stickiness: Record<string, unknown> = {};
    if (cookieName !== undefined) stickiness['cookieName'] = cookieName;
    for (const [field, flag] of Object.entries(cookieFlags)) if (flag !== undefined) stickiness[field] = flag;
    loadBalancer['stickiness'] = stickiness;
    bridge.from('loadBalancer.stickiness', keys.get('affinity')!);
  } else {
    for (const option of ['session-cookie-name', 'session-secure', 'session-http-only', 'session-same-site']) {
      const key = keys.get(option);
      if (key !== undefined) {
        sink.warn('INGRESS_ANNOTATION_UNSUPPORTED', service, annotationPath(key),
          `${option} has no effect without ${keys.get('affinity') ?? 'traefik.ingress.kubernetes.io/affinity'}: "true" (as in Traefik 1.x)`);
      }
    }
  }
  if (Object.keys(loadBalancer).length > 0) backend['loadBalancer'] = loadBalancer;

  const expression = value('circuit-breaker-expression');
  if (expression !== undefined) {
    backend['circuitBreaker'] = { expression };
    bridge.from('circuitBreaker', keys.get('circuit-breaker-expression')!);
  }
  const amount = value('max-conn-amount');
  const extractor = value('max-conn-extractor-func');
  if (amount !== undefined && extractor !== undefined) {
    backend['maxConn'] = { amount, extractorFunc: extractor };
    bridge.from('maxConn.amount', keys.get('max-conn-amount')!);
    bridge.from('maxConn', keys.get('max-conn-extractor-func')!);
  } else if (amount !== undefined || extractor !== undefined) {
    const key = keys.get(amount !== undefined ? 'max-conn-amount' : 'max-conn-extractor-func')!;
    sink.warn('INGRESS_ANNOTATION_UNSUPPORTED', service, annotationPath(key),
      'Traefik 1.x applied a connection limit only with both max-conn-amount and max-conn-extractor-func; none is applied');
  }
  const buffering = value('buffering');
  if (buffering !== undefined) {
    bridge.from('buffering', keys.get('buffering')!);
    try {
      backend['buffering'] = parseYaml(buffering) ?? {};
    } catch (error) {
      sink.error('INGRESS_ANNOTATION_INVALID', service, annotationPath(keys.get('buffering')!),
        `expected YAML like "maxrequestbodybytes: 10485760", got a value that does not parse: ${(error as Error).message.split('\n')[0]}`);
      valid = false;
    }
  }
  const flushInterval = value('responseforwarding-flushinterval');
  if (flushInterval !== undefined) {
    backend['responseForwarding'] = { flushInterval };
    bridge.from('responseForwarding', keys.get('responseforwarding-flushinterval')!);
  }

  const translated = translateV1Backend(name, backend, [], bridge.ctx);
  bridge.flush(sink);
  const lb = translated.service?.value['loadBalancer'];
  if (!valid || lb === undefined || typeof lb !== 'object' || lb === null) return null;
  const { servers: _servers, ...rest } = lb as Record<string, unknown>;
  if (rest['strategy'] === 'wrr' && method === undefined) delete rest['strategy'];
  const sticky = rest['sticky'] as { cookie?: Record<string, unknown> } | undefined;
  if (sticky?.cookie !== undefined && cookieName === undefined) {
    const { name: _generated, ...cookie } = sticky.cookie;
    rest['sticky'] = { cookie };
  }
  return {
    loadBalancer: rest,
    middlewares: new Map([...translated.middlewares].map(([n, item]) => [n, item.value])),
  };
}
