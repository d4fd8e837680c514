/**
 * `forwardAuth`: asks an auth server whether a request may pass (reference §9,
 * pkg/middlewares/auth/forward.go).
 *
 * Per request: an auth request (GET unless `preserveRequestMethod`) goes to `address` with the
 * client's headers (auth-request-headers.ts) and, with `forwardBody`, its body. A 2xx answer lets
 * the request continue with the chosen auth response headers copied onto it and, with
 * `addAuthCookiesToResponse`, the auth server's cookies put on the final response. Any other
 * answer (redirects are not followed) goes to the client: status, headers and body. When no
 * answer comes (unreachable, timeout, body over `maxResponseBodySize`) the client gets an empty
 * 500, or 499 when it went away itself. A body over `maxBodySize` is refused with an empty 401.
 *
 * `authSigninURL` (set by Traefik's ingress-nginx provider for `auth-signin`): a 401 from the
 * auth server becomes a 302 to that URL.
 */
import type { Readable } from 'node:stream';
import type { ForwardAuthMiddleware } from '../../config/http-middlewares-auth.ts';
import { getHeader, getHeaderValues, writeHeadThroughHooks, type Exchange, type Handler } from '../../lib/exchange.ts';
import { readReplayableBody, replayBody } from '../../proxy/replayable-body.ts';
import { compileConfigRegex, MiddlewareConfigError, type Middleware, type MiddlewareFactory } from '../middleware.ts';
import { authRequestHeaderOptions, authRequestHeaders } from './auth-request-headers.ts';
import { authCookieHook, copyGrantedHeaders, deniedResponseHeaders, setCookieName, type GrantedHeaderRules } from './auth-response-headers.ts';
import { acquireAuthPool, callAuthServer, type AuthAnswer } from './auth-server.ts';

/** Builds a forwardAuth middleware; the auth server's pool is held until the routing state is disposed. */
export const createForwardAuth: MiddlewareFactory<ForwardAuthMiddleware> = (config, context): Middleware => {
  const target = parseAddress(config.address);
  const granted: GrantedHeaderRules = {
    names: config.authResponseHeaders.map((name) => name.toLowerCase()),
    regex: config.authResponseHeadersRegex !== undefined && config.authResponseHeadersRegex !== ''
      ? compileConfigRegex(config.authResponseHeadersRegex, 'authResponseHeadersRegex')
      : null,
  };
  const requestHeaderOptions = authRequestHeaderOptions(config.trustForwardHeader, config.authRequestHeaders);
  const cookieNames: ReadonlySet<string> = new Set(config.addAuthCookiesToResponse);
  const headerField = config.headerField !== undefined && config.headerField !== '' ? config.headerField.toLowerCase() : null;
  const signinUrl = config.authSigninURL !== undefined && config.authSigninURL !== '' ? config.authSigninURL : null;
  const { pool, release } = acquireAuthPool(target.origin, config.tls, context.pools);
  context.onDispose(release);
  const clock = context.clock;

  return (next: Handler): Handler => async (exchange: Exchange): Promise<void> => {
    let bytes: Buffer | null = null;
    let downstream = exchange;
    if (config.forwardBody && exchange.body !== null && exchange.upgrade === null) {
      const read = await readReplayableBody(exchange.body, exchange.request.headers, config.maxBodySize);
      switch (read.kind) {
        case 'buffered':
          bytes = read.bytes;
          downstream = withBody(exchange, replayBody(bytes));
          break;
        case 'too-large':
          // The rest of the body is left to the entry point (destroying it would take the
          // client's socket, and the 401 with it).
          return sendEmpty(exchange, 401);
        case 'failed':
          return sendEmpty(exchange, 500);
        default: {
          const never: never = read;
          throw new Error(`unexpected body read result ${String(never)}`);
        }
      }
    }

    const headers = authRequestHeaders(exchange.request, requestHeaderOptions);
    // Go's client sends the address's user info as Basic credentials unless a header is set.
    if (target.authorization !== null && getHeader(headers, 'authorization') === undefined) headers.push('Authorization', target.authorization);

    const cancel = new AbortController();
    if (exchange.clientGone) cancel.abort();
    else exchange.onClientGone(() => cancel.abort());
    const answer = await callAuthServer({
      pool,
      method: config.preserveRequestMethod ? exchange.request.method : 'GET',
      path: target.path,
      headers,
      body: bytes !== null && bytes.length > 0 ? bytes : null,
      maxResponseBodySize: config.maxResponseBodySize,
      clock,
      signal: cancel.signal,
    });
    exchange.onClientGone(null);
    if (answer === 'client-gone') return sendEmpty(exchange, 499);
    if (answer === 'failed' || answer === 'response-too-large') return sendEmpty(exchange, 500);

    if (headerField !== null) {
      const user = getHeader(answer.headers, headerField);
      if (user !== undefined) exchange.log.clientUsername = user;
    }

    if (answer.status < 200 || answer.status >= 300) return deny(exchange, answer);

    copyGrantedHeaders(exchange.request.headers, answer.headers, granted);
    if (cookieNames.size > 0) {
      const cookies = getHeaderValues(answer.headers, 'set-cookie').filter((value) => cookieNames.has(setCookieName(value)));
      if (cookies.length > 0) exchange.responseHeadHooks.push(authCookieHook(cookieNames, cookies));
    }
    await next(downstream);
  };

  function deny(exchange: Exchange, answer: AuthAnswer): void {
    if (signinUrl !== null && answer.status === 401) {
      writeHeadThroughHooks(exchange, 302, ['Location', signinUrl, 'Content-Length', '0']);
      exchange.response.end();
      return;
    }
    let head: string[];
    try {
      head = deniedResponseHeaders(answer.headers, answer.body.length, config.address, config.preserveLocationHeader);
    } catch {
      // A Location that does not resolve: Traefik answers 500.
      sendEmpty(exchange, 500);
      return;
    }
    writeHeadThroughHooks(exchange, answer.status, head);
    if (exchange.request.method !== 'HEAD' && answer.body.length > 0) exchange.response.write(answer.body);
    exchange.response.end();
  }
};

/** The parts of `address` an auth call needs. */
interface AuthAddress {
  readonly origin: string;
  readonly path: string;
  /** `Basic …` from the address's user info, or null. */
  readonly authorization: string | null;
}

/**
 * Parses `address` once. Traefik fails every request (500) for an address Go cannot request;
 * here it is a configuration error, so the routers using it are disabled with a diagnostic.
 */
function parseAddress(address: string): AuthAddress {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_VALUE', 'address', `address ${JSON.stringify(address)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_VALUE', 'address', `address ${JSON.stringify(address)} is not an http or https URL`);
  }
  const authorization = url.username !== '' || url.password !== ''
    ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    : null;
  return { origin: url.origin, path: `${url.pathname}${url.search}`, authorization };
}

/** Traefik's bare WriteHeader: the status and no body. */
function sendEmpty(exchange: Exchange, status: number): void {
  if (exchange.response.headSent) return;
  writeHeadThroughHooks(exchange, status, ['Content-Length', '0']);
  exchange.response.end();
}

/** The same exchange with the body replayed from memory (the original was read for the auth server). */
function withBody(exchange: Exchange, body: Readable): Exchange {
  return {
    request: exchange.request,
    body,
    response: exchange.response,
    upgrade: exchange.upgrade,
    get signal() {
      return exchange.signal;
    },
    get clientGone() {
      return exchange.clientGone;
    },
    onClientGone: (listener) => exchange.onClientGone(listener),
    responseHeadHooks: exchange.responseHeadHooks,
    log: exchange.log,
  };
}
