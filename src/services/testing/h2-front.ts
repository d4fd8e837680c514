/**
 * Test support only (never imported by production code): a tiny `node:http2` server that turns
 * each stream into an Exchange and hands it to a handler (a load balancer, say), so real HTTP/2
 * clients (gRPC ones) can drive the proxy path below the entry point.
 *
 * It plays the downstream HTTP/2 side the way an entry point must for gRPC: pseudo-headers out
 * of the header list (`:authority` as Host), the response head held back until the first body
 * byte or the end, so that a response without a body — a gRPC trailers-only error — leaves as
 * one HEADERS frame with END_STREAM (a gRPC client reads its status there; a HEADERS frame
 * followed by an empty DATA frame ends the call "without gRPC status"), and trailers as a
 * trailing HEADERS frame.
 */
import { constants, createSecureServer, createServer, type Http2Server, type Http2SecureServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { newExchangeLog, type Exchange, type ExchangeLog, type Handler, type RequestHead, type ResponseHeadHook, type ResponseSink } from '../../lib/exchange.ts';

/** Fields HTTP/2 forbids (RFC 9113 §8.2.2). */
const connectionSpecific: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

function h2Fields(pairs: readonly string[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const name = pairs[i]!.toLowerCase();
    if (connectionSpecific.has(name)) continue;
    const prev = out[name];
    if (prev === undefined) out[name] = pairs[i + 1]!;
    else if (name === 'set-cookie') out[name] = [...(Array.isArray(prev) ? prev : [String(prev)]), pairs[i + 1]!];
    else out[name] = `${String(prev)}, ${pairs[i + 1]!}`;
  }
  return out;
}

class StreamSink implements ResponseSink {
  readonly #stream: ServerHttp2Stream;
  readonly #log: ExchangeLog;
  readonly #finished: () => void;
  #status = 0;
  #headers: OutgoingHttpHeaders = {};
  #headSent = false;
  #responded = false;

  constructor(stream: ServerHttp2Stream, log: ExchangeLog, finished: () => void) {
    this.#stream = stream;
    this.#log = log;
    this.#finished = finished;
  }
  get headSent(): boolean {
    return this.#headSent;
  }
  writeHead(status: number, headers: string[]): void {
    if (this.#headSent) throw new Error('writeHead called twice');
    this.#headSent = true;
    this.#status = status;
    this.#headers = h2Fields(headers);
  }
  #respond(options: { endStream?: boolean; waitForTrailers?: boolean }): void {
    if (this.#responded || this.#stream.destroyed) return;
    this.#responded = true;
    this.#stream.respond({ ...this.#headers, ':status': this.#status }, options);
  }
  write(chunk: Buffer): boolean {
    this.#log.downstreamContentSize += chunk.length;
    this.#respond({ waitForTrailers: true });
    if (this.#stream.destroyed) return true;
    return this.#stream.write(chunk);
  }
  onDrain(listener: () => void): void {
    this.#stream.once('drain', listener);
  }
  end(trailers?: string[]): void {
    this.#finished();
    if (this.#stream.destroyed) return;
    const fields = trailers !== undefined && trailers.length > 0 ? h2Fields(trailers) : null;
    if (!this.#responded) {
      if (fields === null) {
        // Head only: one HEADERS frame with END_STREAM (a gRPC trailers-only response).
        this.#respond({ endStream: true });
        return;
      }
      this.#respond({ waitForTrailers: true });
    }
    this.#stream.once('wantTrailers', () => this.#stream.sendTrailers(fields ?? {}));
    this.#stream.end();
  }
  destroy(): void {
    this.#finished();
    if (!this.#stream.destroyed) this.#stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  }
  flush(): void {
    this.#respond({ waitForTrailers: true });
  }
}

class StreamExchange implements Exchange {
  readonly request: RequestHead;
  readonly body: Readable | null;
  readonly response: ResponseSink;
  readonly upgrade = null;
  readonly responseHeadHooks: ResponseHeadHook[] = [];
  readonly log: ExchangeLog;
  readonly #abort = new AbortController();
  clientGone = false;
  #listener: (() => void) | null = null;

  constructor(request: RequestHead, body: Readable | null, stream: ServerHttp2Stream) {
    this.request = request;
    this.body = body;
    this.log = newExchangeLog(process.hrtime.bigint(), request.path, request.query);
    let ended = false;
    this.response = new StreamSink(stream, this.log, () => {
      ended = true;
    });
    stream.once('close', () => {
      if (!ended) this.markClientGone();
    });
  }
  get signal(): AbortSignal {
    return this.#abort.signal;
  }
  onClientGone(listener: (() => void) | null): void {
    this.#listener = listener;
  }
  markClientGone(): void {
    if (this.clientGone) return;
    this.clientGone = true;
    this.#abort.abort();
    const l = this.#listener;
    this.#listener = null;
    l?.();
  }
}

/** The Exchange for one HTTP/2 stream. */
function exchangeFor(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, rawHeaders: readonly string[]): StreamExchange {
  const target = String(headers[':path'] ?? '/');
  const q = target.indexOf('?');
  const pairs: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (!rawHeaders[i]!.startsWith(':')) pairs.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  const authority = String(headers[':authority'] ?? headers['host'] ?? '');
  if (headers['host'] === undefined && authority !== '') pairs.unshift('host', authority);
  const socket = stream.session!.socket;
  const head: RequestHead = {
    method: String(headers[':method'] ?? 'GET'),
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers: pairs,
    httpVersion: '2.0',
    host: authority.replace(/:\d+$/, '').toLowerCase(),
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    clientIp: socket.remoteAddress ?? '',
    localPort: socket.localPort ?? 0,
    tls: undefined,
    entryPoint: 'h2-front',
  };
  // The request body: the stream's readable side, behind a PassThrough so that a proxy tearing
  // its body down does not tear the response stream down with it.
  let body: Readable | null = null;
  if ((flags & constants.NGHTTP2_FLAG_END_STREAM) === 0) {
    const pass = new PassThrough();
    stream.pipe(pass);
    body = pass;
  }
  return new StreamExchange(head, body, stream);
}

export interface H2Front {
  /** `127.0.0.1:port`, what a gRPC client dials. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts an HTTP/2 server (cleartext, prior knowledge, unless `tls` is given) on 127.0.0.1
 * port 0 that serves every stream with `handler`.
 */
export async function startH2Front(handler: Handler, tls?: { readonly cert: string; readonly key: string }): Promise<H2Front> {
  const server: Http2Server | Http2SecureServer = tls === undefined ? createServer() : createSecureServer({ cert: tls.cert, key: tls.key });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, rawHeaders: string[]) => {
    const exchange = exchangeFor(stream, headers, flags, rawHeaders);
    stream.on('error', () => undefined);
    void Promise.resolve(handler(exchange)).catch((err: unknown) => stream.destroy(err as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sessions = new Set<{ destroy(): void }>();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  return {
    address: `127.0.0.1:${port}`,
    port,
    close() {
      for (const s of sessions) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
