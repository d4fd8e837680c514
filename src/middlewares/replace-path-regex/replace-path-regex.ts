/**
 * `replacePathRegex` [Traefik pkg/middlewares/replacepathregex]: regex replacement on the
 * escaped path, the previous path kept in `X-Replaced-Path`.
 */
import type { ReplacePathRegexMiddleware } from '../../config/dynamic.ts';
import type { Exchange, Handler } from '../../lib/exchange.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import { escapedPathFromRaw, isCleanPath } from '../escaped-path.ts';
import { compileConfigRegex, type Middleware, type MiddlewareContext } from '../middleware.ts';
import { replacedPathHeader } from '../replace-path/replace-path.ts';

/**
 * Creates a replacePathRegex middleware; regex and replacement are trimmed as Traefik does, and
 * the regex compiled here. An empty replacement leaves every path as it is (Traefik's check). Every match is replaced (Go's `ReplaceAllString`, `$1` expansion).
 * The result is refused with 500 when it is not a valid escaped path, and with 400 when Go's
 * `URL.JoinPath()` would clean it (`..`, `.`, `//`), so the server never gets a path that names
 * another resource than the one the rewrite produced.
 */
export function createReplacePathRegex(config: ReplacePathRegexMiddleware, context: MiddlewareContext): Middleware {
  const regex = compileConfigRegex(config.regex.trim(), 'regex');
  const replacement = config.replacement.trim();

  return (next: Handler): Handler => (exchange: Exchange) => {
    const request = exchange.request;
    const current = request.path;
    // Traefik leaves the request alone when the replacement is empty.
    if (replacement === '' || !regex.test(current)) return next(exchange);
    request.headers.push(replacedPathHeader, current);
    const escaped = escapedPathFromRaw(regex.replace(current, replacement));
    if (escaped === null) {
      sendProxyError(exchange, proxyError('INTERNAL', `middleware ${context.name}: replacement produced an invalid URL escape`));
      return;
    }
    if (escaped !== '' && !isCleanPath(escaped)) {
      sendProxyError(exchange, proxyError('BAD_REQUEST', `middleware ${context.name}: path ${escaped} changes when cleaned`));
      return;
    }
    // Go sends an empty path as `/`; a relative result gets the leading `/` a request line needs.
    request.path = escaped === '' ? '/' : escaped.charCodeAt(0) === 0x2f ? escaped : `/${escaped}`;
    return next(exchange);
  };
}
