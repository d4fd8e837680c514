/**
 * The `node:http` side of the engine seam: wraps IncomingMessage/ServerResponse (or a raw
 * socket, for upgrade requests) into Switchyard's Exchange. Nothing above server/ sees Node's
 * HTTP objects.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type { Exchange, ExchangeLog, RequestHead, ResponseHeadHook, ResponseSink, TlsFacts } from '../lib/exchange.ts';
import { connectionFacts } from './connection-facts.ts';

/** Request head fields, as a class so every request object has the same shape. */
export class NodeRequestHead implements RequestHead {
  method: string;
  path: string;
  query: string;
  headers: string[];
  readonly httpVersion: string;
  readonly host: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  clientIp: string;
  readonly localPort: number;
  readonly tls: TlsFacts | undefined;
  readonly entryPoint: string;

  /**
   * `headers`: the raw pairs as routing sees them (HTTP/2 pseudo-headers already turned into
   * `Host`); `socket`: the connection, whose PROXY protocol and TLS facts are used when recorded.
   */
  constructor(
    method: string, headers: string[], httpVersion: string, socket: Socket | null,
    path: string, query: string, host: string, entryPoint: string,
  ) {
    const facts = connectionFacts(socket);
    this.method = method;
    this.path = path;
    this.query = query;
    this.headers = headers;
    this.httpVersion = httpVersion;
    this.host = host;
    this.remoteAddress = plainAddress(facts?.clientAddress ?? socket?.remoteAddress ?? '');
    this.remotePort = facts?.clientPort ?? socket?.remotePort ?? 0;
    this.clientIp = this.remoteAddress;
    this.localPort = socket?.localPort ?? 0;
    this.tls = facts?.tls;
    this.entryPoint = entryPoint;
  }
}

/** `::ffff:1.2.3.4` (dual-stack listener) is the IPv4 client 1.2.3.4, as Go reports it. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** ResponseSink over a ServerResponse. */
export class ServerResponseSink implements ResponseSink {
  readonly #res: ServerResponse;
  readonly #log: ExchangeLog;
  constructor(res: ServerResponse, log: ExchangeLog) {
    this.#res = res;
    this.#log = log;
  }
  get headSent(): boolean {
    return this.#res.headersSent;
  }
  writeHead(status: number, headers: string[]): void {
    this.#res.writeHead(status, headers);
  }
  write(chunk: Buffer): boolean {
    this.#log.downstreamContentSize += chunk.length;
    return this.#res.write(chunk);
  }
  onDrain(listener: () => void): void {
    this.#res.once('drain', listener);
  }
  end(trailers?: string[]): void {
    // Node sends trailers only on a chunked response (never with a Content-Length or to an
    // HTTP/1.0 client), which is where HTTP/1.1 allows them.
    if (trailers !== undefined && trailers.length > 0) this.#res.addTrailers(pairsToTuples(trailers));
    this.#res.end();
  }
  destroy(err?: Error): void {
    this.#res.destroy(err);
  }
  flush(): void {
    this.#res.flushHeaders();
  }
}

/**
 * ResponseSink straight onto a client socket, for upgrade requests: the head is written by
 * hand. A 101 leaves the socket open for the spliced streams; any other status ends the
 * connection after the body (the client asked to leave HTTP, so no keep-alive).
 */
export class SocketResponseSink implements ResponseSink {
  readonly #socket: Duplex;
  readonly #log: ExchangeLog;
  #headSent = false;
  constructor(socket: Duplex, log: ExchangeLog) {
    this.#socket = socket;
    this.#log = log;
  }
  get headSent(): boolean {
    return this.#headSent;
  }
  writeHead(status: number, headers: string[]): void {
    this.#headSent = true;
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i]!}: ${headers[i + 1]!}\r\n`;
    if (status === 101) head += 'Connection: Upgrade\r\n';
    else head += 'Connection: close\r\n';
    this.#socket.write(`${head}\r\n`);
  }
  write(chunk: Buffer): boolean {
    this.#log.downstreamContentSize += chunk.length;
    return this.#socket.write(chunk);
  }
  onDrain(listener: () => void): void {
    this.#socket.once('drain', listener);
  }
  end(): void {
    this.#socket.end();
  }
  destroy(err?: Error): void {
    this.#socket.destroy(err);
  }
  flush(): void {}
}

/** The Exchange for one request on a `node:http` server. */
export class NodeExchange implements Exchange {
  readonly request: NodeRequestHead;
  readonly body: Readable | null;
  readonly response: ResponseSink;
  readonly upgrade: { readonly socket: Duplex; readonly head: Buffer } | null;
  readonly responseHeadHooks: ResponseHeadHook[] = [];
  readonly log: ExchangeLog;
  #abort: AbortController | null = null;
  #gone = false;
  #goneListener: (() => void) | null = null;

  constructor(
    request: NodeRequestHead, body: Readable | null, response: ResponseSink,
    upgrade: { readonly socket: Duplex; readonly head: Buffer } | null, log: ExchangeLog,
  ) {
    this.request = request;
    this.body = body;
    this.response = response;
    this.upgrade = upgrade;
    this.log = log;
  }

  /** Created on first use: most requests never need one. */
  get signal(): AbortSignal {
    if (this.#abort === null) {
      this.#abort = new AbortController();
      if (this.#gone) this.#abort.abort();
    }
    return this.#abort.signal;
  }

  get clientGone(): boolean {
    return this.#gone;
  }

  onClientGone(listener: (() => void) | null): void {
    this.#goneListener = listener;
  }

  /** Called by the engine when the client went away before the response ended. */
  markClientGone(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#abort?.abort();
    const l = this.#goneListener;
    this.#goneListener = null;
    l?.();
  }
}

/** True when the request has a body (RFC 9112 §6.3: Content-Length or Transfer-Encoding). */
export function hasBody(req: IncomingMessage): boolean {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!;
    if (k.length === 14 && k.toLowerCase() === 'content-length') return raw[i + 1] !== '0';
    if (k.length === 17 && k.toLowerCase() === 'transfer-encoding') return true;
  }
  return false;
}

function pairsToTuples(pairs: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) out.push([pairs[i]!, pairs[i + 1]!]);
  return out;
}

