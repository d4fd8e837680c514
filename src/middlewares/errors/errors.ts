/**
 * `errors` [Traefik pkg/middlewares/customerrors] (reference §9): when the service answers a
 * status in `status`, the client gets a page from the error `service` instead, with the
 * service's status (or the one `statusRewrites` maps it to).
 *
 * The response head is held until its status is known (proxy/attempt-exchange.ts). Any other
 * status streams through untouched. A caught response is read to its end and dropped (its
 * headers too); then a GET for `query` goes to the error service, carrying the request's
 * headers (only `errorRequestHeaders` when set) and its Host, without a body, and the page's
 * headers and body go to the client with the caught (or rewritten) status, whatever status the
 * error service answered — so an error service that is down yields its proxy error body (e.g.
 * "Bad Gateway") under the caught status, as in Traefik.
 *
 * Where Switchyard differs from Traefik:
 *  - `{url}` and the page request's headers are taken as the request reached this middleware;
 *    Traefik reads them after the inner handlers ran, so edits made by middlewares after
 *    `errors` in the chain (a stripped prefix, added request headers) show there.
 *  - 1xx statuses (a WebSocket's 101 included) are never caught.
 */
import type { ErrorsMiddleware } from '../../config/dynamic.ts';
import { deleteHeader, sendText, type Exchange, type Handler, type RequestHead } from '../../lib/exchange.ts';
import { qualifyName } from '../../lib/qualified-name.ts';
import { httpCodeRangesContain, parseHttpCodeRanges, type HttpCodeRanges } from '../../observability/http-code-ranges.ts';
import { startAttempt, type HeadDecision } from '../../proxy/attempt-exchange.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import { STATUS_CODES } from 'node:http';
import { MiddlewareConfigError, type Middleware, type MiddlewareContext } from '../middleware.ts';
import { errorPageTarget, requestTarget } from './error-page-target.ts';
import { pageExchange } from './page-exchange.ts';

/** One `statusRewrites` entry: statuses in `from` are sent as `to`. */
export interface StatusRewrite {
  readonly from: HttpCodeRanges;
  readonly to: number;
}

/** Headers Go never sends from a header map on a GET without body. */
const bodyFraming: readonly string[] = ['content-length', 'transfer-encoding', 'trailer'];

/** Parses status ranges of the config (whitespace around numbers allowed, as the schema allows). */
function ranges(blocks: readonly string[], field: string): HttpCodeRanges {
  const parsed = parseHttpCodeRanges(blocks.map((b) => b.replace(/\s+/g, '')));
  if ('error' in parsed) throw new MiddlewareConfigError('MIDDLEWARE_INVALID_VALUE', field, parsed.error);
  return parsed.ranges;
}

/**
 * Parses `statusRewrites`. Overlapping entries are ambiguous in Traefik (a Go map); here a
 * single status is looked at before ranges (JavaScript orders integer keys first), then ranges
 * in configuration order, and the first entry that contains the status wins.
 */
export function parseStatusRewrites(config: Readonly<Record<string, number>> | undefined): StatusRewrite[] {
  if (config === undefined) return [];
  return Object.entries(config).map(([from, to]) => ({ from: ranges([from], `statusRewrites.${from}`), to }));
}

/** The status the client gets for a caught `status`. */
export function rewriteStatus(rewrites: readonly StatusRewrite[], status: number): number {
  for (const rewrite of rewrites) if (httpCodeRangesContain(rewrite.from, status)) return rewrite.to;
  return status;
}

/** Copies the headers the page request carries: all, or only `allowed` (lower-case), plus Host. */
function pageHeaders(headers: readonly string[], allowed: ReadonlySet<string> | null): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const lower = name.toLowerCase();
    if (lower !== 'host' && allowed !== null && !allowed.has(lower)) continue;
    out.push(name, headers[i + 1]!);
  }
  for (const name of bodyFraming) deleteHeader(out, name);
  return out;
}

/** Creates an errors middleware; the error service must exist (MIDDLEWARE_SERVICE_UNAVAILABLE). */
export function createErrors(config: ErrorsMiddleware, context: MiddlewareContext): Middleware {
  const caught = ranges(config.status, 'status');
  const rewrites = parseStatusRewrites(config.statusRewrites);
  const serviceName = qualifyName(config.service, context.provider);
  const page = context.service(serviceName);
  if (page === null) {
    throw new MiddlewareConfigError('MIDDLEWARE_SERVICE_UNAVAILABLE', 'service', `error page service ${serviceName} does not exist or is not available`);
  }
  const query = config.query ?? '';
  const allowed = config.errorRequestHeaders === undefined ? null : new Set(config.errorRequestHeaders.map((h) => h.toLowerCase()));
  const decide: HeadDecision = (status) => status < 200 || !httpCodeRangesContain(caught, status);

  const servePage = async (exchange: Exchange, url: string, headers: readonly string[], originalStatus: number): Promise<void> => {
    const status = rewriteStatus(rewrites, originalStatus);
    const target = errorPageTarget(query, { status, originalStatus, url });
    if (target === null) {
      // Traefik answers with the status text when the page URL does not parse.
      sendText(exchange, status, `${STATUS_CODES[status] ?? ''}\n`);
      return;
    }
    const head: RequestHead = { ...exchange.request, method: 'GET', path: target.path, query: target.query, headers: pageHeaders(headers, allowed) };
    await page(pageExchange(exchange, head, status));
  };

  return (next: Handler): Handler => async (exchange: Exchange) => {
    if (exchange.upgrade !== null) return next(exchange);
    const request = exchange.request;
    const url = requestTarget(request.path, request.query);
    const headers = [...request.headers];
    let originalStatus = 0;
    const attempt = startAttempt(exchange, exchange.body, (status, head) => {
      originalStatus = status;
      return decide(status, head);
    });
    try {
      await next(attempt.exchange);
      if (await attempt.outcome === 'released') return;
      if (exchange.clientGone) {
        sendProxyError(exchange, proxyError('CLIENT_CLOSED'));
        return;
      }
      await servePage(exchange, url, headers, originalStatus);
    } catch (err) {
      // A bug below: answer it like the entry point answers a synchronous one.
      sendProxyError(exchange, proxyError('INTERNAL', undefined, err));
    }
  };
}
