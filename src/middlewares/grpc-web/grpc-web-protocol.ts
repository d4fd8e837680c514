/**
 * The gRPC-Web ⇄ gRPC translation as pure functions (gRPC's PROTOCOL-WEB.md, as the
 * improbable-eng wrapper Traefik uses implements it):
 *
 *  - a gRPC-Web request is a POST whose Content-Type starts with `application/grpc-web`;
 *    `application/grpc-web-text…` bodies are base64 (possibly several padded segments);
 *  - the request goes on as `application/grpc…` (the suffix, e.g. `+proto`, kept) with the
 *    length-prefixed message frames unchanged;
 *  - the response goes back as `application/grpc-web…` (or `-text…`), its frames unchanged,
 *    followed by the trailers as one more frame: flag byte 0x80, a 4-byte big-endian length,
 *    then `name: value\r\n` lines with lower-case names; in text mode everything is base64.
 */

/** Content-Type prefixes. */
const GRPC = 'application/grpc';
const GRPC_WEB = 'application/grpc-web';
const GRPC_WEB_TEXT = 'application/grpc-web-text';

/** Flag of the frame that carries trailers (the most significant bit). */
export const TRAILER_FRAME_FLAG = 0x80;

/** True for a request the wrapper translates. */
export function isGrpcWebRequest(method: string, contentType: string | undefined): boolean {
  return method === 'POST' && contentType !== undefined && contentType.startsWith(GRPC_WEB);
}

/** True for a CORS preflight announcing a gRPC-Web request (`x-grpc-web` among the headers). */
export function isGrpcWebPreflight(method: string, requestHeaders: string | undefined): boolean {
  return method === 'OPTIONS' && requestHeaders !== undefined && requestHeaders.toLowerCase().includes('x-grpc-web');
}

/** The gRPC Content-Type for a gRPC-Web one, and whether the body is base64 text. */
export function toGrpcContentType(contentType: string): { readonly contentType: string; readonly text: boolean } {
  if (contentType.startsWith(GRPC_WEB_TEXT)) return { contentType: GRPC + contentType.slice(GRPC_WEB_TEXT.length), text: true };
  return { contentType: contentType.replace(GRPC_WEB, GRPC), text: false };
}

/** The gRPC-Web Content-Type for the server's gRPC one. */
export function toGrpcWebContentType(contentType: string, text: boolean): string {
  return contentType.replace(GRPC, text ? GRPC_WEB_TEXT : GRPC_WEB);
}

/** The trailer frame for raw trailer pairs `[name, value, …]` (names lower-cased, sorted like Go). */
export function encodeTrailerFrame(trailers: readonly string[]): Buffer {
  const lines: [string, string][] = [];
  for (let i = 0; i < trailers.length; i += 2) lines.push([trailers[i]!.toLowerCase(), trailers[i + 1]!]);
  lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const payload = Buffer.from(lines.map(([k, v]) => `${k}: ${v}\r\n`).join(''), 'latin1');
  const frame = Buffer.allocUnsafe(5 + payload.length);
  frame[0] = TRAILER_FRAME_FLAG;
  frame.writeUInt32BE(payload.length, 1);
  payload.copy(frame, 5);
  return frame;
}

/** One length-prefixed frame read back (tests and diagnostics). */
export interface GrpcFrame {
  readonly flag: number;
  readonly payload: Buffer;
}

/** Splits a complete body into frames; null when it does not end on a frame boundary. */
export function decodeFrames(body: Buffer): GrpcFrame[] | null {
  const frames: GrpcFrame[] = [];
  let at = 0;
  while (at < body.length) {
    if (body.length - at < 5) return null;
    const length = body.readUInt32BE(at + 1);
    if (body.length - at - 5 < length) return null;
    frames.push({ flag: body[at]!, payload: body.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return frames;
}

const BASE64_CHAR = /[A-Za-z0-9+/=]/;

/**
 * Streaming base64 decoder for grpc-web-text request bodies: decodes whole 4-character groups
 * as they arrive (a padded group may end one segment and another segment follow), ignores
 * whitespace, and refuses any other character.
 */
export class Base64Decoder {
  #pending = '';

  /** Decodes what `chunk` completes; throws on a character that is not base64. */
  push(chunk: Buffer): Buffer {
    let text = this.#pending;
    for (const c of chunk.toString('latin1')) {
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
      if (!BASE64_CHAR.test(c)) throw new Error('grpc-web-text body is not base64');
      text += c;
    }
    const whole = text.length - (text.length % 4);
    this.#pending = text.slice(whole);
    if (whole === 0) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    // Group by group only where padding ends a segment inside the chunk; otherwise in one go.
    let from = 0;
    for (let i = 3; i < whole; i += 4) {
      if (text[i] === '=' && i + 1 < whole) {
        parts.push(Buffer.from(text.slice(from, i + 1), 'base64'));
        from = i + 1;
      }
    }
    parts.push(Buffer.from(text.slice(from, whole), 'base64'));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Throws when the body ended inside a 4-character group. */
  end(): void {
    if (this.#pending !== '') throw new Error('grpc-web-text body ends inside a base64 group');
  }
}

/** Streaming base64 encoder for text responses: whole 3-byte groups now, the rest (padded) at the end. */
export class Base64Encoder {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer {
    const data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const whole = data.length - (data.length % 3);
    this.#pending = data.subarray(whole);
    return Buffer.from(data.subarray(0, whole).toString('base64'), 'latin1');
  }

  /** The padded rest: a segment of its own, so what follows starts a new one. */
  end(): Buffer {
    const rest = this.#pending;
    this.#pending = Buffer.alloc(0);
    return Buffer.from(rest.toString('base64'), 'latin1');
  }
}

/** What CORS answers: the allowed-origin decision is the caller's (allowOrigins). */
export interface PreflightRequest {
  readonly origin: string | undefined;
  readonly method: string | undefined;
  readonly headers: string | undefined;
}

/** Methods a gRPC-Web preflight may ask for (rs/cors' defaults, as the wrapper leaves them). */
const allowedMethods: ReadonlySet<string> = new Set(['GET', 'POST', 'HEAD']);

/** Canonical MIME header form (`x-grpc-web` → `X-Grpc-Web`), as rs/cors echoes names. */
function canonicalHeader(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m: string, dash: string, c: string) => dash + c.toUpperCase());
}

/**
 * The headers of the 204 preflight answer: `Vary` always; the allow headers only for an
 * allowed origin and a GET/POST/HEAD method. Credentials are always allowed and preflights
 * cached 600 s, every requested header allowed (the wrapper's settings).
 */
export function preflightHeaders(request: PreflightRequest, originAllowed: boolean): string[] {
  const out = ['Vary', 'Origin', 'Vary', 'Access-Control-Request-Method', 'Vary', 'Access-Control-Request-Headers'];
  if (request.origin === undefined || request.origin === '' || !originAllowed) return out;
  const method = (request.method ?? '').toUpperCase();
  if (!allowedMethods.has(method)) return out;
  out.push('Access-Control-Allow-Origin', request.origin, 'Access-Control-Allow-Methods', method);
  const asked = (request.headers ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (asked.length > 0) out.push('Access-Control-Allow-Headers', asked.map(canonicalHeader).join(', '));
  out.push('Access-Control-Allow-Credentials', 'true', 'Access-Control-Max-Age', '600');
  return out;
}

/** CORS headers added to a translated response for the request's `Origin`. */
export function actualRequestCorsHeaders(origin: string | undefined, originAllowed: boolean): string[] {
  if (origin === undefined || origin === '' || !originAllowed) return ['Vary', 'Origin'];
  return ['Vary', 'Origin', 'Access-Control-Allow-Origin', origin, 'Access-Control-Allow-Credentials', 'true'];
}

/** `Access-Control-Expose-Headers` for a response head: every header name it carries. */
export function exposeHeaders(headers: readonly string[]): string {
  const names: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < headers.length; i += 2) {
    const name = canonicalHeader(headers[i]!);
    if (seen.has(name)) continue;
    seen.add(name);
    names.push(name);
  }
  return names.join(', ');
}
