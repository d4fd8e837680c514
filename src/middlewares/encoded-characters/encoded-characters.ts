/**
 * `encodedCharacters` [Traefik pkg/middlewares/encodedcharacters]: refuses, with an empty 400,
 * a request whose escaped path contains an encoded character the config does not allow
 * (`%2F` slash, `%5C` backslash, `%00` NUL, `%3B` semicolon, `%25` percent, `%3F` question mark,
 * `%23` hash; either hex case). Every option defaults to false, so an empty config refuses all
 * seven. A `%` without two characters after it is refused too. The query is not looked at.
 */
import type { EncodedCharactersMiddleware } from '../../config/http-middlewares-headers.ts';
import { writeHeadThroughHooks, type Exchange, type Handler } from '../../lib/exchange.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';

/** The escapes (upper-case) each option allows. */
const escapes: readonly [keyof EncodedCharactersMiddleware, string][] = [
  ['allowEncodedSlash', '%2F'],
  ['allowEncodedBackSlash', '%5C'],
  ['allowEncodedNullCharacter', '%00'],
  ['allowEncodedSemicolon', '%3B'],
  ['allowEncodedPercent', '%25'],
  ['allowEncodedQuestionMark', '%3F'],
  ['allowEncodedHash', '%23'],
];

/** The escapes `config` refuses, upper-case. */
export function deniedEscapes(config: EncodedCharactersMiddleware): ReadonlySet<string> {
  return new Set(escapes.filter(([option]) => !config[option]).map(([, escape]) => escape));
}

/** True when `path` (escaped) carries a refused escape or a truncated one. */
export function refusesPath(path: string, denied: ReadonlySet<string>): boolean {
  for (let i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 3)) {
    if (i + 2 >= path.length) return true;
    if (denied.has(path.slice(i, i + 3).toUpperCase())) return true;
  }
  return false;
}

/** Creates an encodedCharacters middleware. */
export function createEncodedCharacters(config: EncodedCharactersMiddleware, _context: MiddlewareContext): Middleware {
  const denied = deniedEscapes(config);
  if (denied.size === 0) return (next) => next;
  return (next: Handler): Handler => (exchange: Exchange) => {
    if (!refusesPath(exchange.request.path, denied)) return next(exchange);
    writeHeadThroughHooks(exchange, 400, ['Content-Length', '0']);
    exchange.response.end();
  };
}
