/**
 * `grpcWeb` [Traefik pkg/middlewares/grpcweb, which wraps improbable-eng's grpcweb]: lets
 * browsers call gRPC services. A gRPC-Web request (POST, `application/grpc-web…`) goes on as
 * gRPC (grpc-web-protocol.ts): Content-Type rewritten, a `-text` body base64-decoded (its
 * Content-Length dropped). Its response comes back as gRPC-Web: Content-Type rewritten, the
 * `Trailer` announcement and Content-Length dropped, the trailers appended to the body as the
 * final 0x80 frame, everything base64 in text mode, `Access-Control-Expose-Headers` listing the
 * response's header names. A CORS preflight naming `x-grpc-web` is answered 204 here; other
 * requests pass untouched.
 *
 * `allowOrigins` decides which `Origin` gets CORS headers (`*` = any), on preflights and on the
 * translated requests; a request from another origin is still translated, without them (as
 * rs/cors does).
 *
 * Until Switchyard speaks HTTP/2 to servers this cannot work end to end: gRPC servers accept
 * gRPC only over HTTP/2 (with `te: trailers`), and their trailers arrive only over HTTP/2 (or
 * HTTP/1.1 chunked trailers, which gRPC servers do not send). The translation itself is
 * complete and tested.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { GrpcWebMiddleware } from '../../config/http-middlewares-headers.ts';
import {
  deleteHeader, getHeader, setHeader, writeHeadThroughHooks, type Exchange, type Handler, type ResponseSink,
} from '../../lib/exchange.ts';
import { deriveExchange } from '../../lib/derived-exchange.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';
import {
  actualRequestCorsHeaders, Base64Decoder, Base64Encoder, encodeTrailerFrame, exposeHeaders, isGrpcWebPreflight,
  isGrpcWebRequest, preflightHeaders, toGrpcContentType, toGrpcWebContentType,
} from './grpc-web-protocol.ts';

/** Decodes a grpc-web-text request body on its way to the server. */
function base64DecodingStream(): Transform {
  const decoder = new Base64Decoder();
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      try {
        const out = decoder.push(chunk);
        callback(null, out.length > 0 ? out : undefined);
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback: TransformCallback): void {
      try {
        decoder.end();
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}

/** Turns the server's gRPC response into gRPC-Web on its way to the client. */
class GrpcWebSink implements ResponseSink {
  readonly #parent: Exchange;
  readonly #encoder: Base64Encoder | null;
  readonly #cors: readonly string[];
  #headSent = false;

  constructor(parent: Exchange, text: boolean, cors: readonly string[]) {
    this.#parent = parent;
    this.#encoder = text ? new Base64Encoder() : null;
    this.#cors = cors;
  }

  get headSent(): boolean {
    return this.#headSent;
  }

  writeHead(status: number, headers: string[]): void {
    if (this.#headSent) return;
    this.#headSent = true;
    deleteHeader(headers, 'trailer');
    // The body grows by the trailer frame (and by base64): its length is no longer known.
    deleteHeader(headers, 'content-length');
    const contentType = getHeader(headers, 'content-type');
    if (contentType !== undefined) setHeader(headers, 'Content-Type', toGrpcWebContentType(contentType, this.#encoder !== null));
    headers.push(...this.#cors);
    headers.push('Access-Control-Expose-Headers', exposeHeaders(headers));
    writeHeadThroughHooks(this.#parent, status, headers);
  }

  write(chunk: Buffer): boolean {
    const out = this.#encoder === null ? chunk : this.#encoder.push(chunk);
    return out.length === 0 ? true : this.#parent.response.write(out);
  }

  onDrain(listener: () => void): void {
    this.#parent.response.onDrain(listener);
  }

  end(trailers?: string[]): void {
    if (!this.#headSent) {
      this.#parent.response.end();
      return;
    }
    const frame = encodeTrailerFrame(trailers ?? []);
    if (this.#encoder === null) {
      this.#parent.response.write(frame);
    } else {
      const rest = this.#encoder.end();
      if (rest.length > 0) this.#parent.response.write(rest);
      this.#parent.response.write(Buffer.from(frame.toString('base64'), 'latin1'));
    }
    this.#parent.response.end();
  }

  destroy(err?: Error): void {
    this.#headSent = true;
    this.#parent.response.destroy(err);
  }

  flush(): void {
    this.#parent.response.flush();
  }
}

/** Creates a grpcWeb middleware. */
export function createGrpcWeb(config: GrpcWebMiddleware, _context: MiddlewareContext): Middleware {
  const origins = config.allowOrigins ?? [];
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  const originAllowed = (origin: string | undefined): boolean => origin !== undefined && (anyOrigin || allowed.has(origin));

  return (next: Handler): Handler => (exchange: Exchange) => {
    const request = exchange.request;
    const headers = request.headers;
    if (isGrpcWebPreflight(request.method, getHeader(headers, 'access-control-request-headers'))) {
      const method = getHeader(headers, 'access-control-request-method');
      // Without Access-Control-Request-Method it is no preflight to rs/cors: it goes on below.
      if (method !== undefined) {
        const origin = getHeader(headers, 'origin');
        const answer = preflightHeaders({ origin, method, headers: getHeader(headers, 'access-control-request-headers') }, originAllowed(origin));
        answer.push('Content-Length', '0');
        writeHeadThroughHooks(exchange, 204, answer);
        exchange.response.end();
        return;
      }
    }
    const contentType = getHeader(headers, 'content-type');
    if (!isGrpcWebRequest(request.method, contentType)) return next(exchange);

    const grpc = toGrpcContentType(contentType!);
    setHeader(headers, 'Content-Type', grpc.contentType);
    let body: Readable | null = exchange.body;
    if (grpc.text) {
      deleteHeader(headers, 'content-length');
      if (body !== null) {
        const decoded = base64DecodingStream();
        body.on('error', (err) => decoded.destroy(err));
        body = body.pipe(decoded);
      }
    }
    const origin = getHeader(headers, 'origin');
    const sink = new GrpcWebSink(exchange, grpc.text, actualRequestCorsHeaders(origin, originAllowed(origin)));
    return next(deriveExchange(exchange, sink, { body }));
  };
}
