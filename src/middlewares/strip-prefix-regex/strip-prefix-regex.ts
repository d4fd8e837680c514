/**
 * `stripPrefixRegex` [Traefik pkg/middlewares/stripprefixregex]: removes, once, the text the
 * first matching regex (config order) matches, when that text is non-empty and the decoded path
 * starts with it.
 */
import type { StripPrefixRegexMiddleware } from '../../config/dynamic.ts';
import type { Exchange, Handler } from '../../lib/exchange.ts';
import type { UserRegex } from '../../rules/regex.ts';
import { ensureLeadingSlash, escapedLength, unescapePath } from '../escaped-path.ts';
import { compileConfigRegex, type Middleware, type MiddlewareContext } from '../middleware.ts';
import { applyStrippedPath, forwardedPrefixHeader } from '../strip-prefix/strip-prefix.ts';

/**
 * Creates a stripPrefixRegex middleware. Patterns are trimmed and compiled here. Like Traefik,
 * the regex runs on the decoded path (unanchored: the leftmost match counts, and it is used only
 * if the path begins with the matched text), X-Forwarded-Prefix gets the decoded text, and the
 * escaped path is cut by the bytes that text decodes from.
 */
export function createStripPrefixRegex(config: StripPrefixRegexMiddleware, _context: MiddlewareContext): Middleware {
  const regexes: UserRegex[] = config.regex.map((pattern, i) => compileConfigRegex(pattern.trim(), `regex[${i}]`));

  return (next: Handler): Handler => (exchange: Exchange) => {
    const request = exchange.request;
    const escaped = request.path;
    const plain = !escaped.includes('%');
    const decoded = plain ? escaped : unescapePath(escaped);
    if (decoded !== null) {
      for (const regex of regexes) {
        const match = regex.exec(decoded);
        if (match === null) continue;
        const prefix = match.groups[0]!;
        if (prefix === '' || !decoded.startsWith(prefix)) continue;
        request.headers.push(forwardedPrefixHeader, prefix);
        const cut = plain ? prefix.length : escapedLength(escaped, Buffer.byteLength(prefix));
        if (!applyStrippedPath(exchange, ensureLeadingSlash(escaped.slice(cut)))) return;
        break;
      }
    }
    return next(exchange);
  };
}
