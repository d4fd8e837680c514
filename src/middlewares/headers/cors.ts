/**
 * The CORS part of the headers middleware [Traefik pkg/middlewares/headers/header.go]:
 * preflight requests answered directly, and the Access-Control-* response headers.
 */
import type { HeadersMiddleware } from '../../config/dynamic.ts';
import { getHeader, writeHeadThroughHooks, type Exchange, type RequestHead } from '../../lib/exchange.ts';
import type { UserRegex } from '../../rules/regex.ts';
import { compileConfigRegex } from '../middleware.ts';
import { putHeader } from './header-edits.ts';

/** CORS behaviour built once from a headers config. */
export interface Cors {
  /** Traefik's preflight: OPTIONS with non-empty `Origin` and `Access-Control-Request-Method`. */
  isPreflight(request: RequestHead): boolean;
  /** Answers a preflight with 200 and `Content-Length: 0`; the next handler is not called. */
  answerPreflight(exchange: Exchange): void;
  /** Adds the CORS headers to a response head from the next handler. */
  applyToResponse(headers: string[], request: RequestHead): void;
}

/** True when any CORS option is set (Traefik's `HasCorsHeadersDefined`). */
export function hasCorsOptions(config: HeadersMiddleware): boolean {
  return config.accessControlAllowCredentials
    || (config.accessControlAllowHeaders?.length ?? 0) > 0
    || (config.accessControlAllowMethods?.length ?? 0) > 0
    || (config.accessControlAllowOriginList?.length ?? 0) > 0
    || (config.accessControlAllowOriginListRegex?.length ?? 0) > 0
    || (config.accessControlExposeHeaders?.length ?? 0) > 0
    || config.accessControlMaxAge !== 0
    || config.addVaryHeader;
}

/** Builds the CORS behaviour; origin regexes are compiled here (Go RE2, unanchored). */
export function createCors(config: HeadersMiddleware): Cors {
  const credentials = config.accessControlAllowCredentials;
  const originList = config.accessControlAllowOriginList ?? [];
  const originRegexes: UserRegex[] = (config.accessControlAllowOriginListRegex ?? [])
    .map((pattern, i) => compileConfigRegex(pattern, `accessControlAllowOriginListRegex[${i}]`));
  const allowHeaders = config.accessControlAllowHeaders ?? [];
  const allowMethods = config.accessControlAllowMethods ?? [];
  const exposeHeaders = config.accessControlExposeHeaders ?? [];
  // With credentials a `*` cannot be sent, so Traefik echoes what the request asked for.
  const echoRequestHeaders = credentials && allowHeaders.includes('*');
  const echoRequestMethod = credentials && allowMethods.includes('*');
  const allowHeadersValue = allowHeaders.join(',');
  const allowMethodsValue = allowMethods.join(',');
  const exposeValue = exposeHeaders.length > 0 && !(credentials && exposeHeaders.includes('*')) ? exposeHeaders.join(',') : '';
  const maxAge = config.accessControlMaxAge === 0 ? '' : String(config.accessControlMaxAge);
  const addVary = config.addVaryHeader;

  /** The Access-Control-Allow-Origin value for `origin`, or undefined when it is not allowed. */
  const matchOrigin = (origin: string): string | undefined => {
    for (const item of originList) {
      if (item === origin) return item;
      if (item === '*') return credentials ? origin : item;
    }
    for (const regex of originRegexes) if (regex.test(origin)) return origin;
    return undefined;
  };

  return {
    isPreflight(request) {
      if (request.method !== 'OPTIONS') return false;
      const method = getHeader(request.headers, 'access-control-request-method');
      const origin = getHeader(request.headers, 'origin');
      return method !== undefined && method !== '' && origin !== undefined && origin !== '';
    },

    answerPreflight(exchange) {
      const requestHeaders = exchange.request.headers;
      const headers: string[] = [];
      if (credentials) headers.push('Access-Control-Allow-Credentials', 'true');
      if (echoRequestHeaders) {
        const asked = getHeader(requestHeaders, 'access-control-request-headers');
        if (asked !== undefined && asked !== '') headers.push('Access-Control-Allow-Headers', asked);
      } else if (allowHeadersValue !== '') {
        headers.push('Access-Control-Allow-Headers', allowHeadersValue);
      }
      if (echoRequestMethod) {
        headers.push('Access-Control-Allow-Methods', getHeader(requestHeaders, 'access-control-request-method')!);
      } else if (allowMethodsValue !== '') {
        headers.push('Access-Control-Allow-Methods', allowMethodsValue);
      }
      const allowed = matchOrigin(getHeader(requestHeaders, 'origin')!);
      if (allowed !== undefined) headers.push('Access-Control-Allow-Origin', allowed);
      if (maxAge !== '') headers.push('Access-Control-Max-Age', maxAge);
      if (exposeValue !== '') headers.push('Access-Control-Expose-Headers', exposeValue);
      headers.push('Content-Length', '0');
      writeHeadThroughHooks(exchange, 200, headers);
      exchange.response.end();
    },

    applyToResponse(headers, request) {
      const allowed = matchOrigin(getHeader(request.headers, 'origin') ?? '');
      if (allowed !== undefined) putHeader(headers, 'Access-Control-Allow-Origin', 'access-control-allow-origin', allowed);
      if (credentials) putHeader(headers, 'Access-Control-Allow-Credentials', 'access-control-allow-credentials', 'true');
      if (exposeValue !== '') putHeader(headers, 'Access-Control-Expose-Headers', 'access-control-expose-headers', exposeValue);
      if (!addVary) return;
      const vary = getHeader(headers, 'vary');
      if (vary === 'Origin') return;
      putHeader(headers, 'Vary', 'vary', vary === undefined || vary === '' ? 'Origin' : `${vary},Origin`);
    },
  };
}
