/**
 * `GET /api/explain?url=…&method=…&header=…&clientIP=…&entryPoint=…`: which router would take
 * a request and why, its middlewares, and where its service tree would send it, without sending
 * anything (docs/explain.md). This file parses and checks the query; the answer comes from the
 * ExplainView server/ implements over the live routing state.
 */
import { isIP } from 'node:net';
import type { ExplainInput, ExplainView } from '../config/explain-view.ts';
import { nearestName } from '../config/nearest-name.ts';
import type { Handler } from '../lib/exchange.ts';
import { sendJson, sendJsonError } from './json-response.ts';

const parameters = ['url', 'method', 'header', 'clientIP', 'entryPoint'];
/** RFC 9110 token: what a method and a header name are made of. */
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field values may not hold CR, LF or NUL (RFC 9110 §5.5). */
const badValueChar = /[\r\n\0]/;

/** The parsed query, or the message of a 400 naming the parameter at fault. */
export function parseExplainQuery(query: string): ExplainInput | { message: string } {
  const params = new URLSearchParams(query);
  for (const key of new Set(params.keys())) {
    if (parameters.includes(key)) continue;
    const near = nearestName(key, parameters);
    return { message: `unknown parameter "${key}"${near !== undefined ? ` (did you mean "${near}"?)` : ''}; parameters: ${parameters.join(', ')}` };
  }
  for (const single of ['url', 'method', 'clientIP', 'entryPoint']) {
    if (params.getAll(single).length > 1) return { message: `${single}: give it once` };
  }

  const rawUrl = params.get('url');
  if (rawUrl === null || rawUrl === '') return { message: 'url: required, an absolute http:// or https:// URL' };
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { message: `url: ${JSON.stringify(rawUrl)} is not an absolute URL (e.g. http://example.com/path)` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { message: `url: the scheme must be http or https, not ${url.protocol.slice(0, -1)}` };
  }
  if (url.hostname === '') return { message: `url: ${JSON.stringify(rawUrl)} has no host` };

  const method = params.get('method') ?? 'GET';
  if (!token.test(method)) return { message: `method: ${JSON.stringify(method)} is not an HTTP method` };

  const headers: [string, string][] = [];
  for (const line of params.getAll('header')) {
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim();
    const value = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (!token.test(name) || badValueChar.test(value)) {
      return { message: `header: ${JSON.stringify(line)} is not a header line "Name: value"` };
    }
    headers.push([name, value]);
  }

  const clientIP = params.get('clientIP') ?? '127.0.0.1';
  if (isIP(clientIP) === 0) return { message: `clientIP: ${JSON.stringify(clientIP)} is not an IPv4 or IPv6 address` };

  const entryPoint = params.get('entryPoint');
  if (entryPoint === '') return { message: 'entryPoint: empty; leave it out to choose by the URL\'s port' };

  const tls = url.protocol === 'https:';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    tls,
    host: hostname,
    port: url.port === '' ? (tls ? 443 : 80) : Number(url.port),
    authority: url.host,
    path: url.pathname === '' ? '/' : url.pathname,
    query: url.search.startsWith('?') ? url.search.slice(1) : url.search,
    method,
    headers,
    clientIP,
    ...(entryPoint !== null ? { entryPoint } : {}),
  };
}

/** The handler of `/api/explain` (GET-only is enforced by the API handler before this runs). */
export function createExplainHandler(view: ExplainView): Handler {
  return (exchange) => {
    const input = parseExplainQuery(exchange.request.query);
    if ('message' in input) {
      sendJsonError(exchange, 400, input.message);
      return;
    }
    const result = view.explain(input);
    if (!result.ok) {
      sendJsonError(exchange, 400, result.message);
      return;
    }
    sendJson(exchange, 200, result.answer);
  };
}
