/**
 * ingress-nginx annotations (`nginx.ingress.kubernetes.io/*`, on the Ingress) that Switchyard
 * maps, for users leaving the retired ingress-nginx:
 * - affinity `cookie` → `sticky.cookie` on the Ingress's services: `session-cookie-name` (default
 *   `INGRESSCOOKIE`), `-path` (default `/`, as Traefik's ingress-nginx provider sets it),
 *   `-max-age` (or `-expires` when no max-age: a cookie lasting N seconds either way), `-samesite`,
 *   `-secure`, `-domain`; HttpOnly always, as ingress-nginx does. `affinity-mode` balanced and
 *   persistent both pin (Switchyard's cookie never rebalances a client);
 * - `upstream-hash-by`: `$remote_addr`/`$binary_remote_addr` → `strategy: hrw` (client IP,
 *   consistent across replicas); `$http_x_name` → `hash.header X-Name`; `$cookie_name` →
 *   `hash.cookie`; `$arg_name` → `hash.query`; other expressions are reported and not mapped;
 * - `load-balance` round_robin → wrr, ewma → leasttime (approximated);
 * - `service-upstream` → nativeLB; `backend-protocol` → the servers' scheme (GRPC → h2c);
 * - `ssl-redirect` / `force-ssl-redirect` `"true"` → redirect the plain-HTTP routers to HTTPS
 *   (ssl-redirect: for hosts with a TLS section; ingress-nginx's default of redirecting whenever
 *   TLS is set is not applied unless the annotation is written);
 * - `whitelist-source-range` / `allowlist-source-range` → ipAllowList;
 * - canary: `canary`, `canary-by-header` (+`-value`, `-pattern`), `canary-by-cookie`,
 *   `canary-weight`, `canary-weight-total` (see nginx-canary.ts).
 * Every other `nginx.ingress.kubernetes.io/*` annotation is a warning naming it.
 */
import type { AnnotationReader } from './annotation-values.ts';
import { annotationPath, type DiagnosticSink } from './ingress-diagnostics.ts';
import type { IngressServiceOverrides } from './ingress-overrides.ts';

/** The ingress-nginx annotation prefix. */
export const nginxPrefix = 'nginx.ingress.kubernetes.io/';

/** A canary Ingress's routing conditions. */
export interface CanarySettings {
  readonly header?: string;
  readonly headerValue?: string;
  readonly headerPattern?: string;
  readonly cookie?: string;
  readonly weight: number;
  readonly weightTotal: number;
}

/** What the ingress-nginx annotations of one Ingress say. */
export interface NginxSettings {
  readonly overrides: IngressServiceOverrides;
  readonly canary?: CanarySettings;
  /** `affinity-canary-behavior: legacy` turns off stickiness between main and canary. */
  readonly stickyCanary: boolean;
  /** `ssl-redirect` / `force-ssl-redirect`. */
  readonly sslRedirect?: 'tls-hosts' | 'always';
  readonly allowList?: readonly string[];
}

const handled = new Set([
  'affinity', 'affinity-mode', 'affinity-canary-behavior', 'session-cookie-name', 'session-cookie-path', 'session-cookie-max-age',
  'session-cookie-expires', 'session-cookie-samesite', 'session-cookie-secure', 'session-cookie-domain',
  'session-cookie-change-on-failure', 'upstream-hash-by', 'load-balance', 'service-upstream', 'backend-protocol', 'ssl-redirect',
  'force-ssl-redirect', 'whitelist-source-range', 'allowlist-source-range', 'canary', 'canary-by-header', 'canary-by-header-value',
  'canary-by-header-pattern', 'canary-by-cookie', 'canary-weight', 'canary-weight-total',
]);

const schemes: Readonly<Record<string, string>> = { HTTP: 'http', AUTO_HTTP: 'http', HTTPS: 'https', GRPC: 'h2c', GRPCS: 'https' };

/** `$http_x_user` → header X-User etc.; undefined when the expression is not one variable we map. */
function hashKey(expression: string): { strategy: string; hash?: Record<string, unknown> } | undefined {
  const e = expression.trim();
  if (e === '$remote_addr' || e === '$binary_remote_addr') return { strategy: 'hrw' };
  const variable = /^\$(http|cookie|arg)_([A-Za-z0-9_-]+)$/.exec(e);
  if (variable === null) return undefined;
  const [, kind, name] = variable as unknown as [string, string, string];
  if (kind === 'http') return { strategy: 'hash', hash: { header: name.replace(/_/g, '-') } };
  return { strategy: 'hash', hash: kind === 'cookie' ? { cookie: name } : { query: name } };
}

/** Reads the ingress-nginx annotations of an Ingress; `valid` is false after a bad value. */
export function readNginxAnnotations(reader: AnnotationReader, sink: DiagnosticSink): { settings: NginxSettings; valid: boolean } {
  const mark = sink.count();
  const key = (name: string): string => `${nginxPrefix}${name}`;
  const get = (name: string): string | undefined => reader.string(key(name));
  const warn = (name: string, message: string): void => sink.warn('INGRESS_ANNOTATION_UNSUPPORTED', reader.object, annotationPath(key(name)), message);
  for (const k of Object.keys(reader.all)) {
    if (k.startsWith(nginxPrefix) && !handled.has(k.slice(nginxPrefix.length))) {
      sink.warn('INGRESS_ANNOTATION_UNSUPPORTED', reader.object, annotationPath(k), 'this ingress-nginx annotation is not supported; it is ignored');
    }
  }

  const overrides: { -readonly [K in keyof IngressServiceOverrides]: IngressServiceOverrides[K] } = {};
  const affinity = get('affinity');
  if (affinity !== undefined && affinity !== '') {
    if (affinity !== 'cookie') {
      reader.invalid(key('affinity'), `expected cookie (the only ingress-nginx affinity type), got ${JSON.stringify(affinity)}`);
    } else {
      const cookie: Record<string, unknown> = { name: get('session-cookie-name') || 'INGRESSCOOKIE', httpOnly: true, path: get('session-cookie-path') || '/' };
      const maxAge = reader.int(key('session-cookie-max-age'));
      const expires = reader.int(key('session-cookie-expires'));
      if (typeof maxAge === 'number') cookie['maxAge'] = maxAge;
      else if (typeof expires === 'number') cookie['maxAge'] = expires;
      const sameSite = get('session-cookie-samesite');
      if (sameSite !== undefined && sameSite !== '') {
        if (['none', 'lax', 'strict'].includes(sameSite.toLowerCase())) cookie['sameSite'] = sameSite.toLowerCase();
        else reader.invalid(key('session-cookie-samesite'), `expected None, Lax or Strict, got ${JSON.stringify(sameSite)}`);
      }
      const secure = reader.bool(key('session-cookie-secure'));
      if (typeof secure === 'boolean') cookie['secure'] = secure;
      const domain = get('session-cookie-domain');
      if (domain !== undefined && domain !== '') cookie['domain'] = domain;
      overrides.cookie = cookie;
      overrides.cookieSource = key('affinity');
      const mode = get('affinity-mode');
      if (mode !== undefined && mode !== 'balanced' && mode !== 'persistent') {
        reader.invalid(key('affinity-mode'), `expected balanced or persistent, got ${JSON.stringify(mode)}`);
      }
      if (reader.bool(key('session-cookie-change-on-failure')) === true) {
        sink.warn('INGRESS_APPROXIMATED', reader.object, annotationPath(key('session-cookie-change-on-failure')),
          'a client is placed again (with a new cookie) when its server is marked down by a health check, not after one failed request; '
          + 'add a passive health check to the service to get close to ingress-nginx');
      }
    }
  }
  const behavior = get('affinity-canary-behavior');
  if (behavior !== undefined && behavior !== 'sticky' && behavior !== 'legacy') {
    reader.invalid(key('affinity-canary-behavior'), `expected sticky or legacy, got ${JSON.stringify(behavior)}`);
  }

  const hashBy = get('upstream-hash-by');
  if (hashBy !== undefined && hashBy !== '') {
    const mapped = hashKey(hashBy);
    if (mapped === undefined) {
      warn('upstream-hash-by', `only $remote_addr, $binary_remote_addr, $http_<header>, $cookie_<name> and $arg_<name> are mapped, got ${JSON.stringify(hashBy)}; `
        + 'requests are balanced without hashing');
    } else {
      overrides.strategy = mapped.strategy;
      if (mapped.hash !== undefined) overrides.hash = mapped.hash;
      overrides.strategySource = key('upstream-hash-by');
    }
  }
  const balance = get('load-balance');
  if (balance !== undefined && overrides.strategy === undefined) {
    if (balance === 'round_robin') {
      overrides.strategy = 'wrr';
      overrides.strategySource = key('load-balance');
    } else if (balance === 'ewma') {
      overrides.strategy = 'leasttime';
      overrides.strategySource = key('load-balance');
      sink.warn('INGRESS_APPROXIMATED', reader.object, annotationPath(key('load-balance')),
        'ewma is translated to strategy leasttime (lowest response time × requests in flight)');
    } else {
      warn('load-balance', `expected round_robin or ewma, got ${JSON.stringify(balance)}; the default round robin is used`);
    }
  }
  const upstream = reader.bool(key('service-upstream'));
  if (typeof upstream === 'boolean') overrides.nativeLB = upstream;
  const protocol = get('backend-protocol');
  if (protocol !== undefined && protocol !== '') {
    const scheme = schemes[protocol.toUpperCase()];
    if (scheme === undefined) warn('backend-protocol', `expected HTTP, HTTPS, GRPC, GRPCS or AUTO_HTTP, got ${JSON.stringify(protocol)}; HTTP is used`);
    else overrides.scheme = scheme;
  }

  const settings: { -readonly [K in keyof NginxSettings]: NginxSettings[K] } = { overrides, stickyCanary: behavior !== 'legacy' };
  const force = reader.bool(key('force-ssl-redirect'));
  const ssl = reader.bool(key('ssl-redirect'));
  if (force === true) settings.sslRedirect = 'always';
  else if (ssl === true) settings.sslRedirect = 'tls-hosts';
  const ranges = reader.list(key('allowlist-source-range')) ?? reader.list(key('whitelist-source-range'));
  if (ranges !== undefined && ranges.length > 0) settings.allowList = ranges;

  const canary = reader.bool(key('canary'));
  if (canary === true) {
    // A bad value reads as null here; the error already reported leaves the Ingress out.
    const weightTotal = reader.int(key('canary-weight-total'), { min: 1 }) ?? 100;
    const weight = reader.int(key('canary-weight'), { min: 0, max: weightTotal }) ?? 0;
    const c: { -readonly [K in keyof CanarySettings]: CanarySettings[K] } = { weight, weightTotal };
    for (const [field, name] of [['header', 'canary-by-header'], ['headerValue', 'canary-by-header-value'],
      ['headerPattern', 'canary-by-header-pattern'], ['cookie', 'canary-by-cookie']] as const) {
      const value = get(name);
      if (value !== undefined && value !== '') c[field] = value;
    }
    settings.canary = c;
  } else {
    for (const name of ['canary-by-header', 'canary-by-header-value', 'canary-by-header-pattern', 'canary-by-cookie', 'canary-weight', 'canary-weight-total']) {
      if (reader.has(key(name))) warn(name, `has no effect without ${key('canary')}: "true"`);
    }
  }
  return { settings, valid: !sink.errorsSince(mark) };
}
