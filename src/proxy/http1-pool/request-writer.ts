/**
 * Writes one request to a connection: the head, then the body streamed with backpressure (the
 * body is paused while the socket's buffer is full and resumed on `drain`, so at most one body
 * chunk beyond the socket's high-water mark is ever held).
 *
 * Framing follows undici's rules so servers see the same bytes from either engine:
 * - a body of known length (a `content-length` field, or a stream that already ended) is sent
 *   with `content-length`, and must match it exactly (else undici's
 *   RequestContentLengthMismatchError — never a byte beyond the declared length);
 * - a body of unknown length is sent chunked;
 * - no body: `content-length: 0` for methods whose body has a meaning (POST, PUT, PATCH, …),
 *   nothing for the others.
 * The head waits for the body's first bytes (or its end), so head and first chunk leave in one
 * write and a connection that dies while a slow client has sent nothing yet has had nothing
 * written: the pool may then retry the request elsewhere.
 *
 * `expect: 100-continue` (which undici refuses) writes the head at once and the body after the
 * server's 100, or its final response (then the body is not sent and the connection is not
 * reused), or a second without either — Go's ExpectContinueTimeout in Traefik's transport.
 */
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { errors } from 'undici';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import { CRLF, chunkHeader, lastChunk } from '../../http1/serialize.ts';
import type { RequestHead } from './request-head.ts';

/** Traefik's transport waits this long for a 100 Continue before sending the body anyway. */
export const expectContinueTimeoutMs = 1000;

/** A body the raw pool sends. */
export type RequestBody = Readable | Buffer | null;

/** What the writer tells its connection. */
export interface WriterEvents {
  /** The head and every body byte are with the socket. */
  requestSent(): void;
  /** The request cannot be completed (body error, length mismatch): fail it and drop the connection. */
  writeFailed(err: Error): void;
  /** The socket died before the first byte was written; the body is untouched. */
  connectionLost(): void;
}

/**
 * The body for a dispatch: Readable streams as they are, byte strings and arrays as a Buffer,
 * iterables through `Readable.from`. Throws undici's errors for bodies undici also refuses.
 */
export function toRequestBody(body: unknown): RequestBody {
  if (body == null) return null;
  if (body instanceof Readable) return body;
  if (typeof body === 'string') return body.length === 0 ? null : Buffer.from(body);
  if (Buffer.isBuffer(body)) return body.length === 0 ? null : body;
  if (body instanceof Uint8Array) return body.byteLength === 0 ? null : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'object' && (Symbol.asyncIterator in body || Symbol.iterator in body)) {
    return Readable.from(body as AsyncIterable<Buffer | string>, { objectMode: false });
  }
  throw new errors.NotSupportedError('the raw HTTP/1.1 pool sends Readable, iterable, string and byte bodies only');
}

/** The length of a stream that already ended with all its bytes buffered, else null (undici's bodyLength). */
function endedLength(body: Readable): number | null {
  const state = (body as unknown as { _readableState?: { ended?: boolean; objectMode?: boolean; length?: number } })._readableState;
  if (state === undefined || state.objectMode === true || state.ended !== true) return null;
  return Number.isFinite(state.length) ? state.length! : null;
}

type Phase = 'idle' | 'waiting-continue' | 'streaming' | 'done' | 'stopped';

/** One request's writer. */
export class RequestWriter {
  /** True once any byte of this request was handed to the socket. */
  written = false;
  readonly #socket: Socket;
  readonly #head: RequestHead;
  readonly #body: RequestBody;
  readonly #events: WriterEvents;
  readonly #clock: Clock;
  #phase: Phase = 'idle';
  /** Declared or known length; null = chunked. */
  #length: number | null = null;
  #sent = 0;
  #headOut = false;
  #continueTimer: TimerHandle | null = null;
  #streamPaused = false;

  constructor(socket: Socket, head: RequestHead, body: RequestBody, events: WriterEvents, clock: Clock) {
    this.#socket = socket;
    this.#head = head;
    this.#body = body;
    this.#events = events;
    this.#clock = clock;
  }

  /** Starts writing. */
  start(): void {
    const body = this.#body;
    const head = this.#head;
    if (body === null) {
      this.#phase = 'done';
      if (!this.#writeFirst(head.expectsPayload ? `${head.lines}content-length: 0\r\n\r\n` : `${head.lines}\r\n`, null)) return;
      this.#events.requestSent();
      return;
    }
    if (Buffer.isBuffer(body)) {
      if (head.contentLength !== null && head.contentLength !== body.length) return this.#fail(new errors.RequestContentLengthMismatchError());
      this.#length = body.length;
    } else {
      const known = endedLength(body);
      if (known !== null && head.contentLength !== null && known !== head.contentLength && known > 0) {
        return this.#fail(new errors.RequestContentLengthMismatchError());
      }
      this.#length = known ?? head.contentLength;
      if (this.#length === 0 && !head.expectsPayload) this.#length = null;
    }
    if (head.expectContinue) {
      const framing = this.#length !== null ? `content-length: ${this.#length}\r\n` : 'transfer-encoding: chunked\r\n';
      if (!this.#writeFirst(`${head.lines}${framing}expect: 100-continue\r\n\r\n`, null)) return;
      this.#headOut = true;
      this.#phase = 'waiting-continue';
      this.#continueTimer = this.#clock.setTimeout(() => {
        this.#continueTimer = null;
        this.proceed();
      }, expectContinueTimeoutMs);
      return;
    }
    this.#sendBody();
  }

  /** The server said 100 Continue (or it is time to stop waiting): send the body. */
  proceed(): void {
    if (this.#phase !== 'waiting-continue') return;
    this.#clearContinueTimer();
    this.#sendBody();
  }

  /** True while the head is out and the body waits for the server's 100 Continue. */
  get awaitingContinue(): boolean {
    return this.#phase === 'waiting-continue';
  }

  /** True once the whole request is written. */
  get done(): boolean {
    return this.#phase === 'done';
  }

  /**
   * Stops writing: the response ended first, or the request failed. The body is paused and
   * left as it is (the caller decides whether to destroy it).
   */
  stop(): void {
    if (this.#phase === 'done' || this.#phase === 'stopped') {
      this.#phase = 'stopped';
      return;
    }
    this.#phase = 'stopped';
    this.#clearContinueTimer();
    this.#detach();
  }

  /** The socket's buffer drained. */
  onDrain(): void {
    if (this.#streamPaused && this.#phase === 'streaming') {
      this.#streamPaused = false;
      (this.#body as Readable).resume();
    }
  }

  #sendBody(): void {
    const body = this.#body!;
    this.#phase = 'streaming';
    if (Buffer.isBuffer(body)) {
      if (!this.#writeChunk(body)) return;
      this.#finish();
      return;
    }
    body.on('data', this.#onData).on('end', this.#onEnd).on('error', this.#onError).on('close', this.#onClose);
    body.resume();
  }

  readonly #onData = (chunk: Buffer | string): void => {
    if (this.#phase !== 'streaming') return;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (buf.length === 0) return;
    if (!this.#writeChunk(buf)) return;
    if (this.#socket.writableNeedDrain) {
      this.#streamPaused = true;
      (this.#body as Readable).pause();
    }
  };

  readonly #onEnd = (): void => {
    if (this.#phase !== 'streaming') return;
    this.#detach();
    this.#finish();
  };

  readonly #onError = (err: Error): void => {
    if (this.#phase !== 'streaming' && this.#phase !== 'waiting-continue') return;
    this.#fail(err);
  };

  readonly #onClose = (): void => {
    // 'close' can come before 'error' for broken streams; let the error win (undici does too).
    queueMicrotask(() => {
      if (this.#phase === 'streaming') this.#fail(new errors.RequestAbortedError());
    });
  };

  /** Writes one body chunk with its framing; false when the request ended (failed or lost). */
  #writeChunk(chunk: Buffer): boolean {
    const length = this.#length;
    if (length !== null && this.#sent + chunk.length > length) {
      this.#fail(new errors.RequestContentLengthMismatchError());
      return false;
    }
    this.#sent += chunk.length;
    const socket = this.#socket;
    if (!this.#headOut) {
      const framing = length !== null ? `content-length: ${length}\r\n\r\n` : 'transfer-encoding: chunked\r\n\r\n';
      if (!this.#writeFirst(`${this.#head.lines}${framing}`, chunk)) return false;
      this.#headOut = true;
      return true;
    }
    if (socket.destroyed) return false;
    if (length === null) {
      socket.cork();
      socket.write(chunkHeader(chunk.length));
      socket.write(chunk);
      socket.write(CRLF);
      socket.uncork();
    } else {
      socket.write(chunk);
    }
    return true;
  }

  /** The body ended: close the framing, check the length. */
  #finish(): void {
    const socket = this.#socket;
    if (!this.#headOut) {
      if (this.#length !== null && this.#length !== 0) return this.#fail(new errors.RequestContentLengthMismatchError());
      const head = this.#head;
      if (!this.#writeFirst(head.expectsPayload ? `${head.lines}content-length: 0\r\n\r\n` : `${head.lines}\r\n`, null)) return;
    } else if (this.#length === null) {
      if (socket.destroyed) return;
      socket.write(lastChunk());
    } else if (this.#sent !== this.#length) {
      return this.#fail(new errors.RequestContentLengthMismatchError());
    }
    this.#phase = 'done';
    this.#events.requestSent();
  }

  /**
   * The request's first write: the head (and the first chunk, framed). A socket that is gone by
   * now has had nothing of this request: the connection is told, and the chunk is put back at
   * the front of the body for the next attempt.
   */
  #writeFirst(head: string, chunk: Buffer | null): boolean {
    const socket = this.#socket;
    if (socket.destroyed || !socket.writable) {
      if (chunk !== null && this.#body instanceof Readable) {
        this.#sent -= chunk.length;
        this.#body.pause();
        this.#body.unshift(chunk);
      }
      this.#phase = 'stopped';
      this.#detach();
      this.#events.connectionLost();
      return false;
    }
    this.written = true;
    if (chunk === null) {
      socket.write(head, 'latin1');
      return true;
    }
    socket.cork();
    if (this.#length === null) {
      socket.write(head, 'latin1');
      socket.write(chunkHeader(chunk.length));
      socket.write(chunk);
      socket.write(CRLF);
    } else {
      socket.write(head, 'latin1');
      socket.write(chunk);
    }
    socket.uncork();
    return true;
  }

  #fail(err: Error): void {
    this.#phase = 'stopped';
    this.#clearContinueTimer();
    this.#detach();
    this.#events.writeFailed(err);
  }

  #detach(): void {
    const body = this.#body;
    if (!(body instanceof Readable)) return;
    // Pause before the listeners go: a flowing stream without a 'data' listener drops data.
    body.pause();
    this.#streamPaused = false;
    body.off('data', this.#onData).off('end', this.#onEnd).off('error', this.#onError).off('close', this.#onClose);
  }

  #clearContinueTimer(): void {
    if (this.#continueTimer === null) return;
    this.#clock.clearTimeout(this.#continueTimer);
    this.#continueTimer = null;
  }
}
