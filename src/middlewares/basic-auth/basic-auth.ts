/**
 * `basicAuth` [Traefik pkg/middlewares/auth/basic_auth.go]: lets through requests whose
 * `Authorization: Basic` credentials match a user line; answers 401 with a Basic challenge
 * otherwise.
 */
import type { BasicAuthMiddleware } from '../../config/http-middlewares-auth.ts';
import { deleteHeader, getHeader, setHeader, type Exchange, type Handler } from '../../lib/exchange.ts';
import { invalidUserLine, readUserLines } from '../htpasswd/user-lines.ts';
import { parsePasswordHash, verifyPassword, type PasswordHash } from '../htpasswd/password-hash.ts';
import { effectiveRealm, sendUnauthorized } from '../htpasswd/unauthorized.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';


const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const colon = 0x3a;

/** The credentials of an `Authorization: Basic` header, or null (Go's Request.BasicAuth). */
export function parseBasicCredentials(authorization: string | undefined): { user: string; password: Buffer } | null {
  if (authorization === undefined || authorization.length < 6) return null;
  // The scheme is compared case-insensitively; the rest is strict padded base64.
  if (authorization.slice(0, 6).toLowerCase() !== 'basic ') return null;
  const encoded = authorization.slice(6);
  if (!base64Pattern.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64');
  const split = decoded.indexOf(colon);
  if (split < 0) return null;
  return { user: decoded.subarray(0, split).toString('utf8'), password: decoded.subarray(split + 1) };
}

/** Parses `name:hash` lines into a map; a later line for a name replaces an earlier one. */
function basicUsers(config: BasicAuthMiddleware): Map<string, PasswordHash> {
  const users = new Map<string, PasswordHash>();
  for (const line of readUserLines(config)) {
    const parts = line.text.split(':');
    if (parts.length !== 2) invalidUserLine(line, 'expected "name:hash" with exactly one ":"');
    const [name, secret] = parts as [string, string];
    const hash = parsePasswordHash(secret);
    if (hash === null) {
      invalidUserLine(line, `user ${JSON.stringify(name)} has a password hash in an unsupported format (use htpasswd's MD5 "$apr1$", SHA1 "{SHA}" or bcrypt "$2y$")`);
    }
    users.set(name, hash);
  }
  return users;
}

/**
 * Creates a basicAuth middleware. Users are read (and `usersFile` loaded) here, once; a line
 * that is malformed or whose hash no password can match throws MIDDLEWARE_INVALID_USERS.
 */
export function createBasicAuth(config: BasicAuthMiddleware, _context: MiddlewareContext): Middleware {
  const users = basicUsers(config);
  const realm = effectiveRealm(config.realm);
  const challenge = `Basic realm="${realm}"`;
  const headerField = config.headerField ?? '';
  const removeHeader = config.removeHeader;
  return (next: Handler): Handler => async (exchange: Exchange): Promise<void> => {
    const request = exchange.request;
    const credentials = parseBasicCredentials(getHeader(request.headers, 'authorization'));
    let ok = false;
    if (credentials !== null) {
      const hash = users.get(credentials.user);
      if (hash !== undefined) ok = await verifyPassword(hash, credentials.password);
      // Traefik logs the user name a client tried, whether or not it was accepted.
      exchange.log.clientUsername = credentials.user;
    }
    if (!ok || credentials === null) {
      sendUnauthorized(exchange, challenge);
      return;
    }
    if (headerField !== '') setHeader(request.headers, headerField, credentials.user);
    if (removeHeader) deleteHeader(request.headers, 'authorization');
    await next(exchange);
  };
}
