/**
 * The features of a 1.x frontend that v3 expresses as middlewares: error pages, IP white list,
 * redirect, headers (and their SSL redirect), authentication, client certificate forwarding and
 * rate limits. Each adds `<frontend>-<feature>` middlewares to `out`, in the order 1.x chained
 * them (server/server_middlewares.go), and returns false when the frontend cannot be translated.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import { v1SourceCriterion } from './v1-source-criterion.ts';
import { copyV1Fields, fieldPath, type V1Context, type V1Fields, type V1Item, type V1Shape } from './v1-context.ts';

/** Where a frontend's middlewares go, by name, in chain order. */
export type V1MiddlewareSink = Map<string, V1Item>;

/** What each feature translator sees. */
export interface V1FrontendParts {
  readonly name: string;
  readonly fields: V1Fields;
  readonly path: ConfigPath;
  readonly backend: string | undefined;
  readonly out: V1MiddlewareSink;
  readonly ctx: V1Context;
}

function field(parts: V1FrontendParts, name: string): { value: unknown; path: ConfigPath } | undefined {
  const f = parts.fields.get(name);
  return f === undefined || f.value === null ? undefined : { value: f.value, path: [...parts.path, f.key] };
}

/** `errors.<page>` → one `errors` middleware per page, `<frontend>-errors-<page>`. */
export function v1ErrorPages(parts: V1FrontendParts): boolean {
  const errors = field(parts, 'errors');
  if (errors === undefined) return true;
  const pages = parts.ctx.map(errors.value, errors.path);
  if (pages === undefined) return false;
  for (const [page, raw] of Object.entries(pages)) {
    const pagePath = [...errors.path, page];
    const fields = parts.ctx.fields(raw, ['status', 'backend', 'query'], pagePath);
    if (fields === undefined) return false;
    const backend = fields.get('backend')?.value;
    if (backend === undefined || backend === null || backend === '') {
      parts.ctx.warn('V1_NOT_TRANSLATED', pagePath, 'the error page names no backend; Traefik 1.x ignored it, and so does the translation');
      continue;
    }
    if (backend === parts.backend) {
      parts.ctx.warn('V1_NOT_TRANSLATED', fieldPath(pagePath, fields, 'backend'),
        'the error page backend is the frontend\'s own backend; Traefik 1.x ignored such a page (infinite call risk), and so does the translation');
      continue;
    }
    const middleware: Record<string, unknown> = { service: backend };
    const status = fields.get('status')?.value;
    if (status !== undefined && status !== null) middleware['status'] = status;
    const query = fields.get('query')?.value;
    if (query !== undefined && query !== null) middleware['query'] = query;
    parts.out.set(`${parts.name}-errors-${page}`, { value: { errors: middleware }, origin: pagePath });
  }
  return true;
}

/** `whiteList` (or the deprecated `whitelistSourceRange`) → `ipAllowList`. */
export function v1IpAllowList(parts: V1FrontendParts): boolean {
  const { ctx } = parts;
  const deprecated = field(parts, 'whitelistSourceRange');
  const deprecatedRanges = deprecated === undefined ? [] : ctx.stringList(deprecated.value, deprecated.path);
  if (deprecatedRanges === undefined) return false;
  const whiteList = field(parts, 'whiteList');
  let ranges: string[] = [];
  let origin: ConfigPath = parts.path;
  if (whiteList !== undefined) {
    const fields = ctx.fields(whiteList.value, ['sourceRange', 'useXForwardedFor'], whiteList.path);
    if (fields === undefined) return false;
    const sourceRange = fields.get('sourceRange');
    ranges = sourceRange === undefined ? [] : ctx.stringList(sourceRange.value, [...whiteList.path, sourceRange.key]) ?? [];
    origin = whiteList.path;
    const xff = fields.get('useXForwardedFor');
    if (xff !== undefined && ctx.bool(xff.value, [...whiteList.path, xff.key]) === true) {
      ctx.warn('V1_APPROXIMATED', [...whiteList.path, xff.key],
        'useXForwardedFor let a request through when any X-Forwarded-For address was in range (clients can forge it); '
        + 'the translation checks the client address only, which is stricter. Behind a trusted proxy, write a v3 ipAllowList with ipStrategy.depth');
    }
  }
  if (deprecated !== undefined) {
    ctx.warn('V1_DEPRECATED', deprecated.path, ranges.length > 0
      ? 'whitelistSourceRange is deprecated and, as in Traefik 1.x, ignored because whiteList.sourceRange is set'
      : 'whitelistSourceRange is deprecated; use whiteList.sourceRange');
  }
  // 1.x used whiteList.sourceRange when it was not empty, else whitelistSourceRange.
  if (ranges.length === 0 && deprecatedRanges.length > 0) {
    ranges = deprecatedRanges;
    origin = deprecated!.path;
  }
  if (ranges.length > 0) parts.out.set(`${parts.name}-whitelist`, { value: { ipAllowList: { sourceRange: ranges } }, origin });
  return true;
}

/** `redirect` → `redirectScheme` (to an entry point) or `redirectRegex`. */
export function v1Redirect(parts: V1FrontendParts): boolean {
  const redirect = field(parts, 'redirect');
  if (redirect === undefined) return true;
  const { ctx } = parts;
  const fields = ctx.fields(redirect.value, ['entryPoint', 'regex', 'replacement', 'permanent'], redirect.path);
  if (fields === undefined) return false;
  const permanentField = fields.get('permanent');
  const permanent = permanentField === undefined ? false : ctx.bool(permanentField.value, [...redirect.path, permanentField.key]);
  if (permanent === undefined) return false;
  const entryPoint = fields.get('entryPoint')?.value;
  const name = `${parts.name}-redirect`;
  if (entryPoint !== undefined && entryPoint !== null && entryPoint !== '') {
    // The target entry point's address and TLS are in the static configuration, which a dynamic
    // file does not see: assume the usual http → https redirect on the default port.
    const target = String(entryPoint);
    const scheme = /^(http|web)$/i.test(target) ? 'http' : 'https';
    ctx.warn('V1_APPROXIMATED', fieldPath(redirect.path, fields, 'entryPoint'),
      `redirect to entry point ${JSON.stringify(target)} is translated to redirectScheme ${scheme} on the default port; `
      + 'if that entry point listens on another port, write a v3 redirectScheme with its port');
    if (fields.has('regex') || fields.has('replacement')) {
      ctx.warn('V1_NOT_TRANSLATED', redirect.path, 'regex and replacement are ignored when entryPoint is set, as in Traefik 1.x');
    }
    parts.out.set(name, { value: { redirectScheme: { scheme, permanent } }, origin: redirect.path });
    return true;
  }
  const regex = fields.get('regex')?.value;
  if (regex === undefined || regex === null || regex === '') {
    ctx.warn('V1_NOT_TRANSLATED', redirect.path, 'the redirect has neither entryPoint nor regex; it is ignored');
    return true;
  }
  const replacement = fields.get('replacement')?.value ?? '';
  parts.out.set(name, { value: { redirectRegex: { regex, replacement, permanent } }, origin: redirect.path });
  return true;
}

/** 1.x header fields that v3 `headers` has under the same name. */
const headerFields = [
  'customRequestHeaders', 'customResponseHeaders', 'allowedHosts', 'hostsProxyHeaders', 'sslProxyHeaders', 'stsSeconds',
  'stsIncludeSubdomains', 'stsPreload', 'forceSTSHeader', 'frameDeny', 'customFrameOptionsValue', 'contentTypeNosniff',
  'browserXssFilter', 'customBrowserXSSValue', 'contentSecurityPolicy', 'publicKey', 'referrerPolicy', 'isDevelopment',
];

const sslRedirectFields = ['sslRedirect', 'sslTemporaryRedirect', 'sslHost', 'sslForceHost'];

/** `headers` → `headers`, and its SSL redirect fields (gone in v3) → a redirect middleware. */
export function v1Headers(parts: V1FrontendParts): boolean {
  const headers = field(parts, 'headers');
  if (headers === undefined) return true;
  const { ctx } = parts;
  const fields = ctx.fields(headers.value, [...headerFields, ...sslRedirectFields], headers.path);
  if (fields === undefined) return false;
  const copied: Record<string, unknown> = {};
  for (const [canonical, f] of fields) {
    if (headerFields.includes(canonical) && f.value !== null && f.value !== undefined) copied[canonical] = f.value;
  }
  if (Object.keys(copied).length > 0) parts.out.set(`${parts.name}-headers`, { value: { headers: copied }, origin: headers.path });

  const flag = (name: string): boolean | undefined => {
    const f = fields.get(name);
    return f === undefined || f.value === null ? false : ctx.bool(f.value, [...headers.path, f.key]);
  };
  const [redirect, temporary, forceHost, development] = [flag('sslRedirect'), flag('sslTemporaryRedirect'), flag('sslForceHost'), flag('isDevelopment')];
  if (redirect === undefined || temporary === undefined || forceHost === undefined || development === undefined) return false;
  const sslHost = fields.get('sslHost')?.value;
  const hasHost = sslHost !== undefined && sslHost !== null && sslHost !== '';
  if (!redirect && !temporary) {
    if (hasHost || forceHost) {
      ctx.warn('V1_NOT_TRANSLATED', fieldPath(headers.path, fields, hasHost ? 'sslHost' : 'sslForceHost'),
        'sslHost and sslForceHost only take effect with sslRedirect or sslTemporaryRedirect; ignored, as in Traefik 1.x');
    }
    return true;
  }
  if (development) {
    ctx.warn('V1_NOT_TRANSLATED', fieldPath(headers.path, fields, 'sslRedirect'), 'isDevelopment turned the SSL redirect off in Traefik 1.x; it is not translated');
    return true;
  }
  // unrolled/secure answered 302 for sslTemporaryRedirect, else 301.
  const permanent = !temporary;
  const origin = fieldPath(headers.path, fields, temporary ? 'sslTemporaryRedirect' : 'sslRedirect');
  const name = `${parts.name}-sslredirect`;
  if (hasHost) {
    // Without sslForceHost only plain-HTTP requests were redirected; with it, HTTPS requests to
    // another host too. redirectRegex redirects only when the URL changes.
    const regex = forceHost ? '^https?://[^/]+(.*)$' : '^http://[^/]+(.*)$';
    parts.out.set(name, { value: { redirectRegex: { regex, replacement: `https://${String(sslHost)}$1`, permanent } }, origin });
  } else {
    parts.out.set(name, { value: { redirectScheme: { scheme: 'https', permanent } }, origin });
  }
  return true;
}

const basicShape: V1Shape = { users: 'users', usersFile: 'usersFile', removeHeader: 'removeHeader' };
const forwardShape: V1Shape = {
  address: 'address',
  trustForwardHeader: 'trustForwardHeader',
  authResponseHeaders: 'authResponseHeaders',
  tls: { to: 'tls', shape: { ca: 'ca', caOptional: 'caOptional', cert: 'cert', key: 'key', insecureSkipVerify: 'insecureSkipVerify' } },
};

/** `auth.basic|digest|forward` (first present wins, as in 1.x) or the deprecated `basicAuth` list. */
export function v1Auth(parts: V1FrontendParts): boolean {
  const { ctx } = parts;
  const auth = field(parts, 'auth');
  const basicAuth = field(parts, 'basicAuth');
  const name = `${parts.name}-auth`;
  if (auth === undefined) {
    if (basicAuth === undefined) return true;
    const users = ctx.stringList(basicAuth.value, basicAuth.path);
    if (users === undefined) return false;
    if (users.length === 0) return true;
    ctx.warn('V1_DEPRECATED', basicAuth.path, 'basicAuth is deprecated; use auth.basic.users');
    parts.out.set(name, { value: { basicAuth: { users } }, origin: basicAuth.path });
    return true;
  }
  if (basicAuth !== undefined) {
    ctx.warn('V1_DEPRECATED', basicAuth.path, 'basicAuth is deprecated and ignored because auth is set');
  }
  const fields = ctx.fields(auth.value, ['basic', 'digest', 'forward', 'headerField'], auth.path);
  if (fields === undefined) return false;
  const kinds = [['basic', 'basicAuth', basicShape], ['digest', 'digestAuth', basicShape], ['forward', 'forwardAuth', forwardShape]] as const;
  const present = kinds.filter(([key]) => fields.get(key) !== undefined);
  const first = present[0];
  if (first === undefined) {
    ctx.warn('V1_NOT_TRANSLATED', auth.path, 'auth has no basic, digest or forward section; nothing to translate');
    return true;
  }
  const [key, kind, shape] = first;
  for (const [other] of present.slice(1)) {
    ctx.warn('V1_NOT_TRANSLATED', fieldPath(auth.path, fields, other), `auth.${other} is ignored: Traefik 1.x used only auth.${key}`);
  }
  const config = copyV1Fields(fields.get(key)!.value, shape, fieldPath(auth.path, fields, key), ctx);
  if (config === undefined) return false;
  const headerField = fields.get('headerField')?.value;
  if (headerField !== undefined && headerField !== null && headerField !== '') config['headerField'] = headerField;
  parts.out.set(name, { value: { [kind]: config }, origin: auth.path });
  return true;
}

const certPartsShape: V1Shape = {
  country: 'country', province: 'province', locality: 'locality', organization: 'organization',
  commonName: 'commonName', serialNumber: 'serialNumber', domainComponent: 'domainComponent',
};

/** `passTLSClientCert` (or the deprecated `passTLSCert = true`) → `passTLSClientCert`. */
export function v1PassTlsClientCert(parts: V1FrontendParts): boolean {
  const { ctx } = parts;
  const name = `${parts.name}-passtlsclientcert`;
  const modern = field(parts, 'passTLSClientCert');
  const legacy = field(parts, 'passTLSCert');
  const legacyOn = legacy === undefined ? false : ctx.bool(legacy.value, legacy.path);
  if (legacyOn === undefined) return false;
  if (legacyOn) ctx.warn('V1_DEPRECATED', legacy!.path, 'passTLSCert is deprecated; use passTLSClientCert.pem');
  if (modern !== undefined) {
    const config = copyV1Fields(modern.value, {
      pem: 'pem',
      infos: { to: 'info', shape: {
        notAfter: 'notAfter', notBefore: 'notBefore', sans: 'sans',
        subject: { to: 'subject', shape: certPartsShape }, issuer: { to: 'issuer', shape: certPartsShape },
      } },
    }, modern.path, ctx);
    if (config === undefined) return false;
    parts.out.set(name, { value: { passTLSClientCert: config }, origin: modern.path });
  } else if (legacyOn) {
    parts.out.set(name, { value: { passTLSClientCert: { pem: true } }, origin: legacy!.path });
  }
  return true;
}

/** `ratelimit.rateset.<name>` → one `rateLimit` per rate (all apply, as in 1.x), `<frontend>-ratelimit-<name>`. */
export function v1RateLimits(parts: V1FrontendParts): boolean {
  const rateLimit = field(parts, 'rateLimit');
  if (rateLimit === undefined) return true;
  const { ctx } = parts;
  const fields = ctx.fields(rateLimit.value, ['extractorFunc', 'rateSet'], rateLimit.path);
  if (fields === undefined) return false;
  const rateSetPath = fieldPath(rateLimit.path, fields, 'rateSet');
  const rates = ctx.map(fields.get('rateSet')?.value, rateSetPath);
  if (rates === undefined) return false;
  if (Object.keys(rates).length === 0) {
    ctx.warn('V1_NOT_TRANSLATED', rateLimit.path, 'ratelimit has no rateset; Traefik 1.x applied no limit, and neither does the translation');
    return true;
  }
  const criterion = v1SourceCriterion(fields.get('extractorFunc')?.value, fieldPath(rateLimit.path, fields, 'extractorFunc'), ctx);
  if (criterion === undefined) return false;
  for (const [rateName, raw] of Object.entries(rates)) {
    const ratePath = [...rateSetPath, rateName];
    const rate = copyV1Fields(raw, { period: 'period', average: 'average', burst: 'burst' }, ratePath, ctx);
    if (rate === undefined) return false;
    parts.out.set(`${parts.name}-ratelimit-${rateName}`, { value: { rateLimit: { ...rate, sourceCriterion: criterion } }, origin: ratePath });
  }
  return true;
}
