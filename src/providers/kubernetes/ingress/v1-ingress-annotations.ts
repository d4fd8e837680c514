/**
 * Traefik 1.x annotations on an Ingress (prefix `traefik.ingress.kubernetes.io/` or
 * `ingress.kubernetes.io/`). They are gathered into the 1.x frontend struct they configured in
 * 1.x and translated by the file provider's 1.x frontend translators, so both paths of a 1.x
 * user (files, Ingresses) get the same middlewares:
 * - `whitelist-source-range` (+ `whitelist-x-forwarded-for`) → ipAllowList;
 * - `redirect-entry-point` | `redirect-regex` + `redirect-replacement`, `redirect-permanent` →
 *   redirectScheme | redirectRegex; `app-root` → a redirect of `/` only;
 * - the security and custom header annotations (`custom-request-headers: "H:v||H2:v2"`,
 *   `hsts-max-age`, `ssl-redirect`, …) → headers (and the SSL redirect);
 * - `auth-*` → basicAuth | digestAuth | forwardAuth (v1-ingress-auth.ts);
 * - `pass-tls-cert`, `pass-client-tls-cert` (YAML) → passTLSClientCert;
 * - `rate-limit` (YAML: extractorfunc, rateset) → one rateLimit per rate;
 * - `frontend-entry-points` → entryPoints, `priority` → router priority (when > 0, as in 1.x),
 *   `protocol` → servers scheme, `preserve-host: "false"` → passHostHeader false.
 * Path annotations and `service-weights` are read elsewhere (v1-path-modifiers.ts,
 * v1-service-weights.ts). `error-pages` is reported as unsupported (its backends named 1.x
 * backends, which have no v3 equivalent here).
 */
import { parse as parseYaml } from 'yaml';
import type { V1MiddlewareSink } from '../../file/legacy-v1/v1-frontend-middlewares.ts';
import {
  v1Auth, v1Headers, v1IpAllowList, v1PassTlsClientCert, v1RateLimits, v1Redirect,
} from '../../file/legacy-v1/v1-frontend-middlewares.ts';
import type { V1Field } from '../../file/legacy-v1/v1-context.ts';
import type { KubeSnapshot } from '../kube-objects.ts';
import { parseGoBool, type AnnotationReader } from './annotation-values.ts';
import { annotationPath, type DiagnosticSink } from './ingress-diagnostics.ts';
import type { IngressServiceOverrides } from './ingress-overrides.ts';
import { v1AuthOptions, v1AuthSection } from './v1-ingress-auth.ts';
import { v1PathOptions } from './v1-path-modifiers.ts';
import { createV1Bridge, v1Key, v1Prefixes } from './v1-bridge.ts';
import { v1ServiceOptions } from './v1-service-annotations.ts';

type HeaderKind = 'bool' | 'int' | 'string' | 'list' | 'map';

/** 1.x header annotations → the 1.x `headers` field and how the value reads. */
const headerOptions: Readonly<Record<string, readonly [string, HeaderKind]>> = {
  'custom-request-headers': ['customRequestHeaders', 'map'],
  'custom-response-headers': ['customResponseHeaders', 'map'],
  'allowed-hosts': ['allowedHosts', 'list'],
  'proxy-headers': ['hostsProxyHeaders', 'list'],
  'ssl-redirect': ['sslRedirect', 'bool'],
  'ssl-temporary-redirect': ['sslTemporaryRedirect', 'bool'],
  'ssl-host': ['sslHost', 'string'],
  'ssl-force-host': ['sslForceHost', 'bool'],
  'ssl-proxy-headers': ['sslProxyHeaders', 'map'],
  'hsts-max-age': ['stsSeconds', 'int'],
  'hsts-include-subdomains': ['stsIncludeSubdomains', 'bool'],
  'hsts-preload': ['stsPreload', 'bool'],
  'force-hsts': ['forceSTSHeader', 'bool'],
  'frame-deny': ['frameDeny', 'bool'],
  'custom-frame-options-value': ['customFrameOptionsValue', 'string'],
  'content-type-nosniff': ['contentTypeNosniff', 'bool'],
  'browser-xss-filter': ['browserXssFilter', 'bool'],
  'custom-browser-xss-value': ['customBrowserXSSValue', 'string'],
  'content-security-policy': ['contentSecurityPolicy', 'string'],
  'public-key': ['publicKey', 'string'],
  'referrer-policy': ['referrerPolicy', 'string'],
  'is-development': ['isDevelopment', 'bool'],
};

const otherOptions = [
  'frontend-entry-points', 'priority', 'protocol', 'preserve-host', 'app-root', 'redirect-entry-point', 'redirect-permanent',
  'redirect-regex', 'redirect-replacement', 'whitelist-source-range', 'whitelist-x-forwarded-for', 'pass-tls-cert',
  'pass-client-tls-cert', 'rate-limit', 'error-pages', 'service-weights',
];

/** Every 1.x option read on an Ingress. */
const ingressOptions = new Set<string>([...Object.keys(headerOptions), ...otherOptions, ...v1AuthOptions, ...v1PathOptions]);

/** What the 1.x Ingress annotations ask for. */
export interface V1IngressSettings {
  readonly entryPoints?: readonly string[];
  readonly priority?: number;
  readonly overrides: IngressServiceOverrides;
  /** Middlewares of every router of the Ingress, in 1.x's chain order. */
  readonly middlewares: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

/** `H1:v1||H2:v2` → {H1: v1, H2: v2}; undefined when an entry has no name. */
function headerMap(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const entry of text.split('||')) {
    if (entry.trim() === '') continue;
    const colon = entry.indexOf(':');
    const name = (colon < 0 ? entry : entry.slice(0, colon)).trim();
    if (name === '' || colon < 0) return undefined;
    out[name] = entry.slice(colon + 1).trim();
  }
  return out;
}

/** Reads the 1.x Ingress annotations; middleware names start with `prefix` (`<ns>-<ingress>`). */
export function readV1IngressAnnotations(
  reader: AnnotationReader, snapshot: KubeSnapshot, sink: DiagnosticSink, prefix: string,
): { settings: V1IngressSettings; valid: boolean } {
  const mark = sink.count();
  const object = reader.object;
  const keyOf = (option: string): string | undefined => v1Key(reader.all, option);
  for (const key of Object.keys(reader.all)) {
    const p = v1Prefixes.find((x) => key.startsWith(x));
    if (p === undefined) continue;
    const option = key.slice(p.length);
    if (p === v1Prefixes[0] && (option.startsWith('router.') || option.startsWith('service.'))) continue;
    if (ingressOptions.has(option)) continue;
    if ((v1ServiceOptions as readonly string[]).includes(option)) {
      sink.warn('INGRESS_ANNOTATION_MISPLACED', object, annotationPath(key), `${option} is read on the Service, not on the Ingress (Traefik 1.x); it is ignored here`);
    } else if (p === v1Prefixes[0]) {
      // Other controllers write under the bare ingress.kubernetes.io/ prefix too (ingress-gce's
      // status annotations): only Traefik's own prefix is checked for unknown keys.
      sink.warn('INGRESS_ANNOTATION_UNKNOWN', object, annotationPath(key), 'unknown Traefik annotation; it is ignored');
    }
  }
  const errorPages = keyOf('error-pages');
  if (errorPages !== undefined) {
    sink.warn('INGRESS_ANNOTATION_UNSUPPORTED', object, annotationPath(errorPages),
      'error-pages named Traefik 1.x backends; it is not translated (use an errors middleware through router.middlewares)');
  }

  const middlewares = new Map<string, Readonly<Record<string, unknown>>>();
  const settings: { -readonly [K in keyof V1IngressSettings]: V1IngressSettings[K] } = { overrides: {}, middlewares };
  const overrides: { -readonly [K in keyof IngressServiceOverrides]: IngressServiceOverrides[K] } = {};
  const entryPoints = keyOf('frontend-entry-points');
  if (entryPoints !== undefined) settings.entryPoints = reader.list(entryPoints)!;
  const priorityKey = keyOf('priority');
  if (priorityKey !== undefined) {
    const priority = reader.int(priorityKey);
    if (typeof priority === 'number' && priority > 0) settings.priority = priority;
  }
  const protocolKey = keyOf('protocol');
  if (protocolKey !== undefined) {
    const protocol = reader.string(protocolKey)!;
    if (protocol === 'http' || protocol === 'https' || protocol === 'h2c') overrides.scheme = protocol;
    else reader.invalid(protocolKey, `expected http, https or h2c, got ${JSON.stringify(protocol)} (Traefik 1.x skipped the path)`);
  }
  const preserveKey = keyOf('preserve-host');
  if (preserveKey !== undefined) {
    const preserve = reader.bool(preserveKey);
    if (preserve === false) overrides.passHostHeader = false;
  }
  settings.overrides = overrides;

  // The 1.x frontend struct, its fields named as the 1.x translators expect.
  const bridge = createV1Bridge(object);
  const fields = new Map<string, V1Field>();
  const setField = (name: string, value: unknown, from: string): void => {
    fields.set(name, { key: name, value });
    bridge.from(name, from);
  };
  const boolOf = (key: string): boolean | undefined => {
    const parsed = parseGoBool(reader.string(key)!);
    if (parsed === undefined) reader.invalid(key, `expected true or false, got ${JSON.stringify(reader.string(key))}`);
    return parsed;
  };

  const ranges = keyOf('whitelist-source-range');
  if (ranges !== undefined) {
    const whiteList: Record<string, unknown> = { sourceRange: reader.list(ranges) };
    const xff = keyOf('whitelist-x-forwarded-for');
    if (xff !== undefined) {
      whiteList['useXForwardedFor'] = boolOf(xff) ?? false;
      bridge.from('whiteList.useXForwardedFor', xff);
    }
    setField('whiteList', whiteList, ranges);
  }

  const redirect: Record<string, unknown> = {};
  for (const [option, field] of [['redirect-entry-point', 'entryPoint'], ['redirect-regex', 'regex'], ['redirect-replacement', 'replacement']]) {
    const key = keyOf(option!);
    if (key !== undefined) {
      redirect[field!] = reader.string(key);
      bridge.from(`redirect.${field}`, key);
    }
  }
  const permanentKey = keyOf('redirect-permanent');
  const permanent = permanentKey === undefined ? false : boolOf(permanentKey) ?? false;
  const appRoot = keyOf('app-root');
  if (appRoot !== undefined) {
    const root = reader.string(appRoot)!;
    if (!root.startsWith('/')) reader.invalid(appRoot, `expected a path starting with "/", got ${JSON.stringify(root)}`);
    else middlewares.set(`${prefix}-app-root`, { redirectRegex: { regex: '^(https?://[^/]+)/$', replacement: `$1${root}`, permanent } });
  }
  if (Object.keys(redirect).length > 0) {
    if (permanentKey !== undefined) {
      redirect['permanent'] = permanent;
      bridge.from('redirect.permanent', permanentKey);
    }
    setField('redirect', redirect, keyOf('redirect-entry-point') ?? keyOf('redirect-regex') ?? keyOf('redirect-replacement')!);
  }

  const headers: Record<string, unknown> = {};
  let firstHeaderKey: string | undefined;
  for (const [option, [field, kind]] of Object.entries(headerOptions)) {
    const key = keyOf(option);
    if (key === undefined) continue;
    firstHeaderKey ??= key;
    bridge.from(`headers.${field}`, key);
    const raw = reader.string(key)!;
    if (kind === 'bool') headers[field] = boolOf(key);
    else if (kind === 'int') headers[field] = reader.int(key);
    else if (kind === 'list') headers[field] = reader.list(key);
    else if (kind === 'map') {
      const map = headerMap(raw);
      if (map === undefined) reader.invalid(key, `expected "Header-Name:value||Other-Name:value", got ${JSON.stringify(raw)}`);
      headers[field] = map;
    } else headers[field] = raw;
  }
  if (firstHeaderKey !== undefined) setField('headers', headers, firstHeaderKey);

  const auth = v1AuthSection(reader, snapshot, bridge);
  if (auth !== undefined && auth !== null) fields.set('auth', { key: 'auth', value: auth });

  const passCert = keyOf('pass-tls-cert');
  if (passCert !== undefined) setField('passTLSCert', boolOf(passCert) ?? false, passCert);
  for (const [option, field] of [['pass-client-tls-cert', 'passTLSClientCert'], ['rate-limit', 'rateLimit']] as const) {
    const key = keyOf(option);
    if (key === undefined) continue;
    try {
      setField(field, parseYaml(reader.string(key)!) ?? {}, key);
    } catch (error) {
      reader.invalid(key, `expected YAML, got a value that does not parse: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  if (fields.size > 0 && !sink.errorsSince(mark)) {
    const out: V1MiddlewareSink = new Map();
    const parts = { name: prefix, fields, path: [], backend: undefined, out, ctx: bridge.ctx };
    let translated = true;
    for (const feature of [v1IpAllowList, v1Redirect, v1Headers, v1Auth, v1PassTlsClientCert, v1RateLimits]) {
      if (!feature(parts)) translated = false;
    }
    bridge.flush(sink);
    if (translated) for (const [name, item] of out) middlewares.set(name, item.value);
    else sink.error('INGRESS_ANNOTATION_INVALID', object, 'metadata.annotations', 'the Traefik 1.x annotations above cannot be translated');
  }
  return { settings, valid: !sink.errorsSince(mark) };
}
