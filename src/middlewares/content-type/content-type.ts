/**
 * `contentType` [Traefik pkg/middlewares/contenttype]: turns Content-Type detection back on.
 *
 * Traefik v3 never guesses a response's Content-Type; behind this middleware it lets Go's
 * server do it: a response that reaches the client without a Content-Type header, with a status
 * that allows a body, gets the type `detectContentType` finds in its first bytes (the first
 * chunk written, at most 512 bytes). An empty body gets none. The response head is held until
 * that first chunk (or the end) arrives, then goes out through the outer middlewares' hooks.
 *
 * The deprecated `autoDetect: false` makes the middleware do nothing (Traefik: "disable
 * detection", which v3 already does); `autoDetect: true` or absent enables detection.
 */
import type { ContentTypeMiddleware } from '../../config/http-middlewares-headers.ts';
import { getHeader, writeHeadThroughHooks, type Exchange, type Handler, type ResponseSink } from '../../lib/exchange.ts';
import { deriveExchange } from '../../lib/derived-exchange.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';
import { detectContentType } from './detect-content-type.ts';

/** Go's bodyAllowedForStatus. */
function bodyAllowed(status: number): boolean {
  return !(status >= 100 && status <= 199) && status !== 204 && status !== 304;
}

/** Holds a head without Content-Type until the first body bytes tell its type. */
class SniffingSink implements ResponseSink {
  readonly #parent: Exchange;
  #held: { status: number; headers: string[] } | null = null;
  #headSent = false;

  constructor(parent: Exchange) {
    this.#parent = parent;
  }

  get headSent(): boolean {
    return this.#headSent;
  }

  writeHead(status: number, headers: string[]): void {
    if (this.#headSent) return;
    this.#headSent = true;
    if (!bodyAllowed(status) || getHeader(headers, 'content-type') !== undefined) {
      writeHeadThroughHooks(this.#parent, status, headers);
    } else {
      this.#held = { status, headers };
    }
  }

  #release(first: Buffer | null): void {
    const held = this.#held;
    if (held === null) return;
    this.#held = null;
    if (first !== null && first.length > 0) held.headers.push('Content-Type', detectContentType(first));
    writeHeadThroughHooks(this.#parent, held.status, held.headers);
  }

  write(chunk: Buffer): boolean {
    this.#release(chunk);
    return this.#parent.response.write(chunk);
  }

  onDrain(listener: () => void): void {
    this.#parent.response.onDrain(listener);
  }

  end(trailers?: string[]): void {
    this.#release(null);
    this.#headSent = true;
    this.#parent.response.end(trailers);
  }

  destroy(err?: Error): void {
    this.#held = null;
    this.#headSent = true;
    this.#parent.response.destroy(err);
  }

  flush(): void {
    // Go sends the head on a flush before any body: nothing to sniff then.
    this.#release(null);
    this.#parent.response.flush();
  }
}

/** Creates a contentType middleware. */
export function createContentType(config: ContentTypeMiddleware, _context: MiddlewareContext): Middleware {
  if (config.autoDetect === false) return (next) => next;
  return (next: Handler): Handler => (exchange: Exchange) => {
    if (exchange.upgrade !== null) return next(exchange);
    return next(deriveExchange(exchange, new SniffingSink(exchange)));
  };
}
