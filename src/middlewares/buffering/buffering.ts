/**
 * `buffering` [Traefik pkg/middlewares/buffering on oxy's buffer] (reference §9): reads the whole
 * request body before the service gets the request, and the whole response before the client
 * gets it (sent with a Content-Length).
 *
 *  - A request body over `maxRequestBodyBytes` (0 = no limit) is refused with 413 before the
 *    service sees anything; a declared Content-Length over it is refused without reading.
 *  - A response body over `maxResponseBodyBytes` (0 = no limit) is replaced by a 500.
 *  - `retryExpression` (`IsNetworkError()`, `Attempts()`, `ResponseCode()`) is evaluated after
 *    every attempt, before anything reaches the client; while it holds, the request is sent
 *    again with the body replayed from memory. Like oxy, it is no longer asked once 10 attempts
 *    failed, so a series has at most 11 attempts.
 *
 * Where Switchyard differs from Traefik:
 *  - Bodies are kept in memory whatever their size: `memRequestBodyBytes` and
 *    `memResponseBodyBytes` are accepted but unused (oxy spills past them to temporary files).
 *    `maxRequestBodyBytes`/`maxResponseBodyBytes` still bound what is kept.
 *  - IsNetworkError() is true for a 502/504 the proxy generated because no server answered
 *    (no origin status), like retry and circuitBreaker; oxy's is true for any 502/504, including
 *    one a server sent (`ResponseCode() == 502` still matches those).
 *  - Response trailers are dropped (the buffered response is sent with a Content-Length).
 *  - Upgrade requests (WebSocket) pass through unbuffered.
 */
import type { BufferingMiddleware } from '../../config/dynamic.ts';
import { deleteHeader, sendText, writeHeadThroughHooks, type Exchange, type Handler } from '../../lib/exchange.ts';
import { resetOriginFacts, restoreRequestHead, snapshotRequestHead } from '../../proxy/attempt-exchange.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import { readReplayableBody, replayBody } from '../../proxy/replayable-body.ts';
import { compileExpression, type ExpressionFunctions, type Predicate } from '../circuit-breaker/expression.ts';
import { deriveExchange } from '../../lib/derived-exchange.ts';
import type { Middleware, MiddlewareContext, MiddlewareFactory } from '../middleware.ts';
import { createBufferedResponse } from './buffered-response.ts';

/** What `retryExpression` sees after an attempt. */
export interface RetryFacts {
  /** Attempts made so far (1 after the first). */
  readonly attempts: number;
  readonly responseCode: number;
  readonly networkError: boolean;
}

/** The functions `buffering.retryExpression` may call. */
export const retryExpressionFunctions: ExpressionFunctions<RetryFacts> = {
  IsNetworkError: { arity: 0, returns: 'boolean', build: () => (f) => f.networkError },
  Attempts: { arity: 0, returns: 'int', build: () => (f) => f.attempts },
  ResponseCode: { arity: 0, returns: 'int', build: () => (f) => f.responseCode },
};

/** oxy's cap: the expression is not asked again after this many attempts. */
const maxAskedAttempts = 10;

/** The buffering middleware. */
export const createBuffering: MiddlewareFactory<BufferingMiddleware> = (config: BufferingMiddleware, _context: MiddlewareContext): Middleware => {
  const retry: Predicate<RetryFacts> | null =
    config.retryExpression === undefined || config.retryExpression === '' ? null : compileExpression(config.retryExpression, retryExpressionFunctions, 'retryExpression');
  const { maxRequestBodyBytes, maxResponseBodyBytes } = config;

  const serve = async (exchange: Exchange, next: Handler): Promise<void> => {
    let bytes: Buffer | null = null;
    if (exchange.body !== null) {
      const read = await readReplayableBody(exchange.body, exchange.request.headers, maxRequestBodyBytes > 0 ? maxRequestBodyBytes : -1);
      switch (read.kind) {
        case 'buffered':
          bytes = read.bytes;
          break;
        case 'too-large':
          read.body.resume();
          sendText(exchange, 413, 'Request Entity Too Large');
          return;
        case 'failed':
          sendProxyError(exchange, proxyError(exchange.clientGone ? 'CLIENT_CLOSED' : 'INTERNAL', undefined, read.error));
          return;
        default: {
          const never: never = read;
          throw new Error(`unexpected body read result ${String(never)}`);
        }
      }
    }
    const request = exchange.request;
    if (bytes !== null) {
      // The service gets a body of known length (a chunked request is now complete).
      deleteHeader(request.headers, 'transfer-encoding');
      deleteHeader(request.headers, 'content-length');
      request.headers.push('Content-Length', String(bytes.length));
    }
    const head = retry === null ? null : snapshotRequestHead(request);
    const log = exchange.log;

    for (let attempt = 1; ; attempt++) {
      if (attempt > 1 && head !== null) restoreRequestHead(request, head);
      resetOriginFacts(log);
      const sink = createBufferedResponse(maxResponseBodyBytes);
      await next(deriveExchange(exchange, sink, { body: bytes === null ? null : replayBody(bytes) }));
      const end = await sink.ended;
      if (end.kind === 'destroyed') {
        exchange.response.destroy(end.error);
        return;
      }
      const networkError = (end.status === 502 || end.status === 504) && log.originStatus === 0 && log.originStartNs !== 0n;
      if (retry !== null && attempt <= maxAskedAttempts && !exchange.clientGone && retry({ attempts: attempt, responseCode: end.status, networkError })) {
        log.retryAttempts++;
        continue;
      }
      if (end.tooLarge) {
        sendProxyError(exchange, proxyError('INTERNAL', 'response body over maxResponseBodyBytes'));
        return;
      }
      const headers = end.headers;
      if (request.method !== 'HEAD' && end.status !== 204 && end.status !== 304) {
        deleteHeader(headers, 'transfer-encoding');
        deleteHeader(headers, 'content-length');
        headers.push('Content-Length', String(end.body.length));
      }
      writeHeadThroughHooks(exchange, end.status, headers);
      if (end.body.length > 0) exchange.response.write(end.body);
      exchange.response.end();
      return;
    }
  };

  return (next: Handler): Handler => (exchange: Exchange) => {
    if (exchange.upgrade !== null) return next(exchange);
    return serve(exchange, next).catch((err: unknown) => {
      sendProxyError(exchange, proxyError('INTERNAL', undefined, err));
    });
  };
};
