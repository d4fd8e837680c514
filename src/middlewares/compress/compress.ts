/**
 * `compress` [Traefik pkg/middlewares/compress] (reference §9): encodes responses with gzip,
 * Brotli or Zstandard as the client's Accept-Encoding asks.
 *
 *  - The encoding is the acceptable one (q > 0) with the highest q, ties broken by the order of
 *    `encodings` (D gzip, br, zstd); `*` means `defaultEncoding` (or the first of `encodings`);
 *    no Accept-Encoding header means `defaultEncoding` (or no compression); an empty one means
 *    no compression.
 *  - Not compressed: HEAD requests, Range requests, upgrades, gRPC (`application/grpc` request
 *    or response, always excluded), requests or responses whose media type (parameters
 *    ignored, case-insensitive) is in `excludedContentTypes` or, with `includedContentTypes`,
 *    responses whose media type is not in it; responses that already have a Content-Encoding,
 *    a Content-Range, a 1xx/204/206/304 status, a Content-Length under
 *    `minResponseBodyBytes` (D 1024), or a body that turns out shorter than it.
 *  - Bytes held back (by the encoder or while waiting for `minResponseBodyBytes`) are flushed
 *    at most 100 ms after they were written, as Traefik's response forwarding does.
 *  - Once an encoding was negotiated, the response gets `Vary: Accept-Encoding` (merged with an
 *    existing Vary) whether or not it ends up compressed. A compressed response loses
 *    Content-Length and Accept-Ranges and gets Content-Encoding. ETag is left as the server
 *    sent it. `minResponseBodyBytes: 0` means the default, as in Traefik.
 *
 * Where Switchyard differs from Traefik:
 *  - A response with `Cache-Control: no-transform`, a Content-Range or a 206 is not compressed
 *    (RFC 9110 §7.7), nor is the answer to a request with a Range header or an upgrade.
 *  - Content types are compared without parameters, also when the configured entry has some
 *    (Traefik then requires the same parameters); `application/grpc+…` counts as gRPC.
 *  - A response without a Content-Type is not sniffed (Traefik's gzip path sniffs one).
 *  - A flush before `minResponseBodyBytes` were written starts compression for every encoding
 *    (Traefik's gzip path does; its br/zstd paths keep waiting).
 */
import type { CompressMiddleware } from '../../config/dynamic.ts';
import { getHeader, getHeaderValues, type Exchange, type Handler } from '../../lib/exchange.ts';
import { deriveExchange } from '../../lib/derived-exchange.ts';
import type { Middleware, MiddlewareContext, MiddlewareFactory } from '../middleware.ts';
import { mediaType, negotiateEncoding, type CompressEncoding } from './accept-encoding.ts';
import { CompressingSink, type HeadFilter } from './compressing-sink.ts';

/** Always excluded, whatever the config says (Traefik does the same). */
const grpcType = 'application/grpc';
/** Traefik's default minResponseBodyBytes. */
const defaultMinBytes = 1024;
/** `no-transform` as a Cache-Control directive. */
const noTransform = /(?:^|,)\s*no-transform\s*(?:,|$)/i;

/** The compress middleware. */
export const createCompress: MiddlewareFactory<CompressMiddleware> = (config: CompressMiddleware, context: MiddlewareContext): Middleware => {
  const encodings: readonly CompressEncoding[] = config.encodings;
  const defaultEncoding: CompressEncoding | undefined = config.defaultEncoding;
  // Traefik reads 0 as "not set": the default applies.
  const minBytes = config.minResponseBodyBytes > 0 ? config.minResponseBodyBytes : defaultMinBytes;
  const clock = context.clock;
  const excluded = new Set((config.excludedContentTypes ?? []).map(mediaType));
  excluded.add(grpcType);
  const included = (config.includedContentTypes?.length ?? 0) > 0 ? new Set(config.includedContentTypes!.map(mediaType)) : null;

  const typeAllowed = (contentType: string | undefined): boolean => {
    const type = contentType === undefined ? '' : mediaType(contentType);
    // Like Traefik, a response without a Content-Type is judged by its size alone.
    if (type === '') return true;
    if (type.startsWith(grpcType)) return false;
    if (excluded.has(type)) return false;
    return included === null || included.has(type);
  };

  const accepts: HeadFilter = (status, headers) => {
    if (status < 200 || status === 204 || status === 206 || status === 304) return false;
    if (getHeader(headers, 'content-encoding') !== undefined) return false;
    if (getHeader(headers, 'content-range') !== undefined) return false;
    const cacheControl = getHeader(headers, 'cache-control');
    if (cacheControl !== undefined && noTransform.test(cacheControl)) return false;
    if (!typeAllowed(getHeader(headers, 'content-type'))) return false;
    const length = getHeader(headers, 'content-length');
    if (length !== undefined && Number(length) < minBytes) return false;
    return true;
  };

  return (next: Handler): Handler => (exchange: Exchange) => {
    const request = exchange.request;
    const headers = request.headers;
    if (request.method === 'HEAD' || exchange.upgrade !== null || getHeader(headers, 'range') !== undefined) return next(exchange);
    const requestType = getHeader(headers, 'content-type');
    if (requestType !== undefined) {
      const type = mediaType(requestType);
      if (type.startsWith(grpcType) || excluded.has(type)) return next(exchange);
    }
    const acceptEncoding = getHeaderValues(headers, 'accept-encoding');
    const encoding = negotiateEncoding(acceptEncoding.length === 0 ? undefined : acceptEncoding.join(','), encodings, defaultEncoding);
    if (encoding === null) return next(exchange);
    return next(deriveExchange(exchange, new CompressingSink(exchange, encoding, minBytes, accepts, clock)));
  };
};
