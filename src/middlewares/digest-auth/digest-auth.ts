/**
 * `digestAuth` [Traefik pkg/middlewares/auth/digest_auth.go, go-http-auth digest.go]: HTTP
 * Digest authentication (RFC 2617) with MD5 and `qop=auth`. User lines are `name:realm:HA1`
 * where HA1 = MD5(name:realm:password); only lines of the configured realm can match.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { DigestAuthMiddleware } from '../../config/http-middlewares-auth.ts';
import { deleteHeader, getHeader, setHeader, type Exchange, type Handler, type RequestHead } from '../../lib/exchange.ts';
import { unescapePath } from '../escaped-path.ts';
import { invalidUserLine, readUserLines } from '../htpasswd/user-lines.ts';
import { effectiveRealm, sendUnauthorized } from '../htpasswd/unauthorized.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';
import { parseDigestParams } from './digest-params.ts';
import { NonceStore, randomKey } from './nonce-store.ts';

const ha1Pattern = /^[0-9a-f]{32}$/;
const hexPattern = /^[0-9a-fA-F]+$/;
const maxUint64 = 0xffff_ffff_ffff_ffffn;
const absoluteUriPattern = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/;

/** Lower-case hex MD5 of a string (the `H` of RFC 2617). */
function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** Parses `name:realm:HA1` lines into `name:realm` → HA1; a later line replaces an earlier one. */
function digestUsers(config: DigestAuthMiddleware): Map<string, string> {
  const users = new Map<string, string>();
  for (const line of readUserLines(config)) {
    const parts = line.text.split(':');
    if (parts.length !== 3) invalidUserLine(line, 'expected "name:realm:hash" with exactly two ":"');
    const [name, realm, ha1] = parts as [string, string, string];
    // The HA1 enters the response digest verbatim, so anything but lower-case hex MD5 never matches.
    if (!ha1Pattern.test(ha1)) invalidUserLine(line, `user ${JSON.stringify(name)} has a hash that is not 32 lower-case hex digits (MD5 of "name:realm:password")`);
    users.set(`${name}:${realm}`, ha1);
  }
  return users;
}

/** A hex nonce count as Go's ParseUint(s, 16, 64), or null. */
function parseNonceCount(nc: string): bigint | null {
  if (!hexPattern.test(nc)) return null;
  const value = BigInt(`0x${nc}`);
  return value > maxUint64 ? null : value;
}

/**
 * Whether the `uri` parameter names the request: the request target exactly, or (go-http-auth
 * keeps this for compatibility) a URI whose decoded path is a prefix of the request's path.
 */
function uriMatches(uri: string, request: RequestHead): boolean {
  const target = request.query === '' ? request.path : `${request.path}?${request.query}`;
  if (uri === target) return true;
  let rest = uri;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  const absolute = absoluteUriPattern.exec(rest);
  if (absolute !== null) rest = rest.slice(absolute[0].length);
  const uriPath = unescapePath(rest);
  const requestPath = unescapePath(request.path);
  if (uriPath === null || requestPath === null) return false;
  return uriPath.length <= requestPath.length && requestPath.startsWith(uriPath);
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What checking a request's Digest credentials gave. */
type DigestCheck =
  | { readonly result: 'ok'; readonly user: string }
  | { readonly result: 'stale' | 'denied' };

/**
 * Creates a digestAuth middleware. Each instance has its own opaque value and nonce store, so
 * nonces are valid only on the router that issued them (as in Traefik, where each router builds
 * its own middleware).
 */
export function createDigestAuth(config: DigestAuthMiddleware, context: MiddlewareContext): Middleware {
  const users = digestUsers(config);
  const realm = effectiveRealm(config.realm);
  const headerField = config.headerField ?? '';
  const removeHeader = config.removeHeader;
  const opaque = randomKey();
  const nonces = new NonceStore(context.clock);
  const challengePrefix = `Digest realm="${realm}", nonce="`;
  const challengeSuffix = `", opaque="${opaque}", algorithm="MD5", qop="auth"`;

  function check(params: Map<string, string>, request: RequestHead): DigestCheck {
    // Clients that omit `algorithm` mean MD5 (RFC 2617 §3.2.1).
    const algorithm = params.get('algorithm') ?? 'MD5';
    if (params.get('opaque') !== opaque || algorithm !== 'MD5' || params.get('qop') !== 'auth') return { result: 'denied' };
    const uri = params.get('uri') ?? '';
    if (!uriMatches(uri, request)) return { result: 'denied' };
    const user = params.get('username') ?? '';
    const ha1 = users.get(`${user}:${realm}`);
    // An unknown user is refused outright (go-http-auth would hash an empty HA1 instead).
    if (ha1 === undefined) return { result: 'denied' };
    const nonce = params.get('nonce') ?? '';
    const nc = params.get('nc') ?? '';
    const cnonce = params.get('cnonce') ?? '';
    const ha2 = md5Hex(`${request.method}:${uri}`);
    const expected = md5Hex(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
    if (!constantTimeEqual(expected, params.get('response') ?? '')) return { result: 'denied' };
    // The client knows the password; what remains is whether its nonce is still good.
    const count = parseNonceCount(nc);
    if (count === null) return { result: 'denied' };
    const use = nonces.use(nonce, count);
    switch (use) {
      case 'ok':
        return { result: 'ok', user };
      // Traefik answers stale to a lower count (out-of-order requests) and treats the same count
      // again as a replay. A nonce this instance does not know (never issued, or dropped from the
      // bounded store) is stale here too, as RFC 2617 suggests; Traefik refuses it plainly.
      case 'behind':
      case 'unknown':
        return { result: 'stale' };
      case 'replayed':
        return { result: 'denied' };
      default: {
        const unreachable: never = use;
        return unreachable;
      }
    }
  }

  return (next: Handler): Handler => (exchange: Exchange) => {
    const request = exchange.request;
    const params = parseDigestParams(getHeader(request.headers, 'authorization'));
    const outcome: DigestCheck = params === null ? { result: 'denied' } : check(params, request);
    if (outcome.result !== 'ok') {
      const tried = params?.get('username') ?? '';
      if (tried !== '') exchange.log.clientUsername = tried;
      // stale=true tells the client its credentials were right and only the nonce was not, so
      // it retries with the new nonce without asking the user again (RFC 2617 §3.2.1).
      const stale = outcome.result === 'stale' ? ', stale=true' : '';
      sendUnauthorized(exchange, `${challengePrefix}${nonces.issue()}${challengeSuffix}${stale}`);
      return;
    }
    exchange.log.clientUsername = outcome.user;
    if (headerField !== '') setHeader(request.headers, headerField, outcome.user);
    if (removeHeader) deleteHeader(request.headers, 'authorization');
    return next(exchange);
  };
}
