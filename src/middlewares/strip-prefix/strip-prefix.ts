/**
 * `stripPrefix` [Traefik pkg/middlewares/stripprefix]: removes the first configured prefix
 * (config order) that is a string prefix of the path — `/api` also strips `/apiv2` to `/v2`.
 */
import type { StripPrefixMiddleware } from '../../config/dynamic.ts';
import type { Exchange, Handler } from '../../lib/exchange.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import { ensureLeadingSlash, escapedLength, isCleanPath, unescapePath } from '../escaped-path.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';

/** The header Traefik adds (never replaces) with each stripped prefix. */
export const forwardedPrefixHeader = 'X-Forwarded-Prefix';

interface Prefix {
  /** As configured: Traefik matches the untrimmed value against the decoded path. */
  readonly value: string;
  /** Its UTF-8 length, to cut the escaped path by the bytes the prefix decodes to. */
  readonly bytes: number;
  /** Trimmed, for X-Forwarded-Prefix. */
  readonly header: string;
}

/**
 * Finishes a path rewrite shared by stripPrefix and stripPrefixRegex: an emptied path is sent
 * as `/` (Go's request line for an empty path), and a result that `URL.JoinPath()` would clean
 * (`/api/../admin` stripped to `/../admin`, or `//x`) is refused with 400 so the server never
 * sees a path that names a different resource than the one routed (GHSA-xf64-8mw2-4gr2).
 * Returns false when the request was answered.
 */
export function applyStrippedPath(exchange: Exchange, stripped: string): boolean {
  if (stripped === '') {
    exchange.request.path = '/';
    return true;
  }
  if (!isCleanPath(stripped)) {
    sendProxyError(exchange, proxyError('BAD_REQUEST', `path ${stripped} changes when cleaned after stripping`));
    return false;
  }
  exchange.request.path = stripped;
  return true;
}

/** Creates a stripPrefix middleware. `forceSlash` (deprecated) keeps Traefik's old behaviour. */
export function createStripPrefix(config: StripPrefixMiddleware, _context: MiddlewareContext): Middleware {
  const prefixes: Prefix[] = config.prefixes.map((value) => ({
    value,
    bytes: Buffer.byteLength(value),
    header: value.trim(),
  }));
  const forceSlash = config.forceSlash === true;

  const strip = (escaped: string, cut: number): string => {
    const rest = escaped.slice(cut);
    // forceSlash: always exactly one leading slash, even when the prefix ended with one.
    return forceSlash ? `/${rest.charCodeAt(0) === 0x2f ? rest.slice(1) : rest}` : ensureLeadingSlash(rest);
  };

  return (next: Handler): Handler => (exchange: Exchange) => {
    const request = exchange.request;
    const escaped = request.path;
    const plain = !escaped.includes('%');
    const decoded = plain ? escaped : unescapePath(escaped);
    if (decoded !== null) {
      for (const prefix of prefixes) {
        if (!decoded.startsWith(prefix.value)) continue;
        // Without escapes the decoded and escaped paths are the same string.
        const cut = plain ? prefix.value.length : escapedLength(escaped, prefix.bytes);
        request.headers.push(forwardedPrefixHeader, prefix.header);
        if (!applyStrippedPath(exchange, strip(escaped, cut))) return;
        break;
      }
    }
    return next(exchange);
  };
}
