/**
 * The `node:http2` side of the engine seam, next to node-exchange.ts: an HTTP/2 request's
 * header list as routing sees it (pseudo-headers out, `:authority` as `Host`, RFC 9113 §8.3.1)
 * and a ResponseSink over Http2ServerResponse, which drops the connection-specific fields
 * HTTP/2 forbids (RFC 9113 §8.2.2) and sends trailers as a trailing HEADERS frame.
 */
import { constants, type Http2ServerResponse } from 'node:http2';
import type { ExchangeLog, ResponseSink } from '../lib/exchange.ts';

/** Raw pairs of an HTTP/2 request without pseudo-headers; `:authority` becomes `Host` when absent. */
export function h2RequestHeaders(raw: readonly string[]): string[] {
  const out: string[] = [];
  let authority: string | undefined;
  let hasHost = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 58 /* : */) {
      if (name === ':authority') authority = raw[i + 1]!;
      continue;
    }
    if (name.length === 4 && name.toLowerCase() === 'host') hasHost = true;
    out.push(name, raw[i + 1]!);
  }
  if (!hasHost && authority !== undefined) out.unshift('Host', authority);
  return out;
}

/** Fields that belong to one HTTP/1.1 connection and may not appear in HTTP/2. */
const connectionSpecific: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

function h2Fields(headers: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i]!;
    if (connectionSpecific.has(name.toLowerCase())) continue;
    out.push(name, headers[i + 1]!);
  }
  return out;
}

/**
 * ResponseSink over an HTTP/2 stream's compatibility response. The head is held until the first
 * body byte, a flush or the end, so that a response without a body goes out as one HEADERS
 * frame with END_STREAM: gRPC's trailers-only answers (an error status in the head) must, or
 * clients report "call ended without gRPC status".
 */
export class H2ResponseSink implements ResponseSink {
  readonly #res: Http2ServerResponse;
  readonly #log: ExchangeLog;
  #pending: { status: number; fields: string[] } | null = null;
  #headSent = false;
  constructor(res: Http2ServerResponse, log: ExchangeLog) {
    this.#res = res;
    this.#log = log;
  }
  get headSent(): boolean {
    return this.#headSent;
  }
  writeHead(status: number, headers: string[]): void {
    this.#headSent = true;
    this.#pending = { status, fields: h2Fields(headers) };
  }
  #sendHead(): void {
    const p = this.#pending;
    if (p === null) return;
    this.#pending = null;
    this.#res.writeHead(p.status, p.fields);
  }
  write(chunk: Buffer): boolean {
    this.#sendHead();
    this.#log.downstreamContentSize += chunk.length;
    return this.#res.write(chunk);
  }
  onDrain(listener: () => void): void {
    this.#res.once('drain', listener);
  }
  end(trailers?: string[]): void {
    const hasTrailers = trailers !== undefined && trailers.length > 0;
    const p = this.#pending;
    if (p !== null && !hasTrailers && !this.#res.stream.destroyed) {
      this.#pending = null;
      const head: Record<string, string | string[] | number> = { ':status': p.status };
      for (let i = 0; i + 1 < p.fields.length; i += 2) addField(head, p.fields[i]!, p.fields[i + 1]!);
      this.#res.stream.respond(head, { endStream: true });
      return;
    }
    this.#sendHead();
    if (hasTrailers) {
      const fields: Record<string, string | string[] | number> = {};
      const kept = h2Fields(trailers);
      for (let i = 0; i + 1 < kept.length; i += 2) addField(fields, kept[i]!, kept[i + 1]!);
      this.#res.addTrailers(fields as Record<string, string>);
    }
    this.#res.end();
  }
  destroy(): void {
    // RST_STREAM: the client sees the response cut, the connection's other streams go on.
    this.#res.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  }
  flush(): void {
    // HTTP/2 sends each DATA frame as it is written; only a held head needs sending.
    this.#sendHead();
  }
}

/** Adds a field to an HTTP/2 header object: names lower-cased, repeated values kept as a list. */
function addField(into: Record<string, string | string[] | number>, name: string, value: string): void {
  const key = name.toLowerCase();
  const had = into[key];
  if (had === undefined) into[key] = value;
  else if (Array.isArray(had)) had.push(value);
  else into[key] = [String(had), value];
}
