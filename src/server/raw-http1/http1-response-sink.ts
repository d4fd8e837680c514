/**
 * The ResponseSink of the raw-socket engine: writes one response onto the client socket. The
 * head is framed by `frameResponse` (the same bytes as node:http) and held until the first body
 * byte, the end or a flush, so a small response leaves in one write; the body is written as the
 * framing says (passed through, chunked, or close-delimited); writes report the socket's
 * backpressure. A body that does not match the Content-Length it announced cuts the connection
 * rather than desynchronise it.
 */
import type { Socket } from 'node:net';
import type { ExchangeLog, ResponseSink } from '../../lib/exchange.ts';
import { httpDate } from './http-date.ts';
import { lastChunk } from '../../http1/serialize.ts';
import { frameResponse, type BodyFraming, type RequestFacts } from './response-framing.ts';

/** The connection a response belongs to. */
export interface SinkOwner {
  readonly socket: Socket;
  /** The idle timeout announced in `Keep-Alive: timeout=` (0: none). */
  readonly keepAliveTimeoutMs: number;
  /** The request's facts as they stand when the head is written (keep-alive may have been withdrawn). */
  responseFacts(): RequestFacts;
  /** The response was written completely; `keepAlive`: the connection may carry the next request. */
  responseEnded(keepAlive: boolean): void;
  /** The response was torn down: the connection must close. */
  responseDestroyed(err?: Error): void;
}

const crlf = '\r\n';

export class Http1ResponseSink implements ResponseSink {
  readonly #owner: SinkOwner;
  readonly #log: ExchangeLog;
  #head: string | null = null;
  #headSent = false;
  #framing: BodyFraming = 'none';
  #keepAlive = false;
  #ended = false;
  /** Body bytes still owed under the head's Content-Length (-1: not held to a length). */
  #remaining = -1;

  constructor(owner: SinkOwner, log: ExchangeLog) {
    this.#owner = owner;
    this.#log = log;
  }

  get headSent(): boolean {
    return this.#headSent;
  }

  /** True once the response ended or was destroyed. */
  get ended(): boolean {
    return this.#ended;
  }

  writeHead(status: number, headers: string[]): void {
    if (this.#ended) return; // taken over by the connection, or destroyed
    if (this.#headSent) {
      const err = new Error('Cannot write headers after they are sent to the client');
      (err as Error & { code: string }).code = 'ERR_HTTP_HEADERS_SENT';
      throw err;
    }
    const framing = frameResponse(status, headers, this.#owner.responseFacts(), this.#owner.keepAliveTimeoutMs, httpDate());
    this.#headSent = true;
    this.#head = framing.head;
    this.#framing = framing.body;
    this.#keepAlive = framing.keepAlive;
    this.#remaining = framing.contentLength;
  }

  write(chunk: Buffer): boolean {
    this.#log.downstreamContentSize += chunk.length;
    const socket = this.#owner.socket;
    if (this.#ended || socket.destroyed) return false;
    // Like node:http, a body without a head gets an implicit 200.
    if (!this.#headSent) this.writeHead(200, []);
    if (this.#framing === 'none' || chunk.length === 0) {
      this.#sendHead(socket);
      return !socket.writableNeedDrain;
    }
    if (this.#framing === 'chunked') {
      socket.cork();
      this.#sendHead(socket);
      socket.write(`${chunk.length.toString(16)}${crlf}`, 'latin1');
      socket.write(chunk);
      const ok = socket.write(crlf, 'latin1');
      socket.uncork();
      return ok;
    }
    if (this.#remaining >= 0) {
      if (chunk.length > this.#remaining) {
        // More than the head announced: the extra bytes would be read as the next response.
        this.destroy(new Error(`response body exceeds its Content-Length by ${chunk.length - this.#remaining} bytes`));
        return false;
      }
      this.#remaining -= chunk.length;
    }
    if (this.#head === null) return socket.write(chunk);
    socket.cork();
    this.#sendHead(socket);
    const ok = socket.write(chunk);
    socket.uncork();
    return ok;
  }

  onDrain(listener: () => void): void {
    this.#owner.socket.once('drain', listener);
  }

  end(trailers?: string[]): void {
    if (this.#ended) return;
    const socket = this.#owner.socket;
    if (!this.#headSent) this.writeHead(200, []);
    if (this.#remaining > 0) {
      // Fewer bytes than announced: the client would wait for the rest, or read the next
      // response as this one's end. Cut it, as a server that stopped mid-body looks.
      this.destroy(new Error(`response body ended ${this.#remaining} bytes short of its Content-Length`));
      return;
    }
    this.#ended = true;
    if (!socket.destroyed) {
      // Node sends trailers only with chunked framing, the only one where HTTP/1.1 has them.
      if (this.#framing === 'chunked') {
        let tail: Buffer;
        try {
          tail = lastChunk(trailers);
        } catch {
          // A trailer that would split the message cannot be sent; the body itself is complete.
          tail = lastChunk();
        }
        socket.cork();
        this.#sendHead(socket);
        socket.write(tail);
        socket.uncork();
      } else {
        this.#sendHead(socket);
      }
    }
    this.#owner.responseEnded(this.#keepAlive);
  }

  destroy(err?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#owner.responseDestroyed(err);
  }

  flush(): void {
    if (this.#ended) return;
    const socket = this.#owner.socket;
    if (!socket.destroyed) this.#sendHead(socket);
  }

  /** The connection answers in the handler's place (a broken request body): later calls do nothing. */
  takeOver(): void {
    this.#ended = true;
    this.#head = null;
  }

  #sendHead(socket: Socket): void {
    const head = this.#head;
    if (head === null) return;
    this.#head = null;
    socket.write(head, 'latin1');
  }
}
