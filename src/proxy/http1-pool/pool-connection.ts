/**
 * One connection of the raw pool: a socket, a response parser, and at most one request at a time.
 *
 * Reading: socket bytes go through the response parser; body pieces go to the handler. When the
 * handler pauses, the socket is paused at once (net.Socket stops reading from the kernel), and
 * the body pieces the parser still finds in the bytes already read are held — at most one
 * socket read — until it resumes. The server then feels the backpressure through TCP.
 *
 * Reuse: a connection goes back to its pool only when the response was read completely with
 * nothing after it, the request was written completely, and both sides allow keep-alive (the
 * server's `Connection`, HTTP/1.0 rules, no close-delimited body; not after HEAD, an upgrade
 * attempt, or a 204/304 that announced a body — undici's rules).
 *
 * Upgrade: after a 101 the socket leaves the pool, paused, with the bytes that followed the head
 * put back in front of it; its new owner resumes it (forward pipes it).
 *
 * Failures: a reused connection that dies before any byte of its request was written hands the
 * request back to the pool for a retry; anything else fails the request with undici's error
 * (socket errors as Node gives them, a FIN as UND_ERR_SOCKET "other side closed", the response
 * header timeout as UND_ERR_HEADERS_TIMEOUT, a malformed response as HTTPParserError, an
 * oversized head as UND_ERR_HEADERS_OVERFLOW).
 */
import type { Socket } from 'node:net';
import { errors } from 'undici';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { Http1Limits } from '../../http1/limits.ts';
import type { ParseErrorCode } from '../../http1/parse-error-code.ts';
import { createResponseParser, type ResponseHeadEvent, type ResponseParser } from '../../http1/response-parser.ts';
import type { PoolRequest, RequestConnection } from './pool-request.ts';
import { RequestWriter, type WriterEvents } from './request-writer.ts';

/** What a connection tells its pool. */
export interface ConnectionOwner {
  /** The request is done and the connection may serve another until `keepAliveUntil` (clock time; Infinity = no hint). */
  connectionIdle(connection: PoolConnection, keepAliveUntil: number): void;
  /** The connection is closed, or was handed to an upgrade. */
  connectionGone(connection: PoolConnection): void;
  /** The request's reused connection died before any of it was written: run it on a fresh one. */
  retry(request: PoolRequest): void;
}

export interface ConnectionOptions {
  readonly clock: Clock;
  readonly responseHeaderTimeoutMs: number;
  readonly limits?: Partial<Http1Limits>;
}

type State = 'idle' | 'validating' | 'active' | 'gone';

/**
 * A reused connection idle at least this long is checked for a close before the request is
 * written (see `run`). Servers close idle connections after seconds (node:http 5 s, Apache 5 s,
 * nginx 75 s), so a connection that served a response within the last second is written at once:
 * under load the check would only add an event-loop turn to every request.
 */
export const staleCheckAfterMs = 1000;

const keepAliveTimeout = /timeout=(\d+)/i;

export class PoolConnection implements RequestConnection, WriterEvents {
  /** When an idle connection stops being worth reusing (clock time), set by the pool. */
  idleDeadline = Infinity;
  /** When the connection last went idle (clock time), set by the pool. */
  idleSince = 0;
  readonly socket: Socket;
  readonly #owner: ConnectionOwner;
  readonly #options: ConnectionOptions;
  readonly #parser: ResponseParser;
  #state: State = 'idle';
  /** The request in progress took this connection from the idle ones: a death before writing is the stale keep-alive race. */
  #reused = false;
  #request: PoolRequest | null = null;
  #writer: RequestWriter | null = null;
  #headersTimer: TimerHandle | null = null;
  #socketError: Error | null = null;
  #executing = false;
  // The response in progress.
  #status = 0;
  #reusable = true;
  #keepAliveUntil = Infinity;
  #trailers: string[] = [];
  #ended = false;
  #upgrade: { status: number; headers: string[] } | null = null;
  /** Body pieces parsed while the handler was paused (views of one socket read at most). */
  #held: Buffer[] = [];
  #readingPaused = false;
  #delivering = false;

  constructor(socket: Socket, owner: ConnectionOwner, options: ConnectionOptions) {
    this.socket = socket;
    this.#owner = owner;
    this.#options = options;
    this.#parser = createResponseParser({
      onInformational: (status, headers) => this.#onInformational(status, headers),
      onHead: (head) => this.#onHead(head),
      onBody: (chunk) => this.#onBody(chunk),
      onTrailers: (pairs) => {
        this.#trailers = pairs;
      },
      onMessageComplete: () => {
        this.#ended = true;
        // Stop at the end of this response: bytes after it are not ours to parse.
        this.#parser.pause();
      },
      onError: (code, message) => this.#fail(parseError(code, message)),
    }, options.limits);
    socket
      .on('data', this.#onData)
      .on('end', this.#onEnd)
      .on('error', this.#onError)
      .on('close', this.#onClose)
      .on('drain', this.#onDrain);
  }

  /** An idle connection that still looks open. */
  get usable(): boolean {
    const s = this.socket;
    return this.#state === 'idle' && !s.destroyed && s.readable && s.writable;
  }

  /** Runs `request`; `reused` when this connection served one before. */
  run(request: PoolRequest, reused: boolean): void {
    const check = reused && this.#options.clock.now() - this.idleSince >= staleCheckAfterMs;
    this.#state = check ? 'validating' : 'active';
    this.#reused = reused;
    this.#request = request;
    request.attach(this);
    this.#status = 0;
    this.#reusable = !request.head.close;
    this.#keepAliveUntil = Infinity;
    this.#trailers = [];
    this.#ended = false;
    this.#upgrade = null;
    this.socket.ref();
    this.#parser.resume();
    this.#parser.expect(request.head.method);
    if (!check) {
      this.#begin();
      return;
    }
    // Let the event loop poll the socket once before writing, so a close (or stray bytes) the
    // server sent while the connection sat idle is seen first and the request goes elsewhere.
    // Two hops: an immediate set from inside the poll phase runs before the next poll.
    setImmediate(() => setImmediate(this.#checked));
  }

  readonly #checked = (): void => {
    if (this.#state !== 'validating') return;
    const s = this.socket;
    if (s.destroyed || !s.readable || !s.writable) this.connectionLost();
    else this.#begin();
  };

  #begin(): void {
    this.#state = 'active';
    const request = this.#request!;
    this.#writer = new RequestWriter(this.socket, request.head, request.body, this, this.#options.clock);
    this.#writer.start();
  }

  /** Closes the connection; a request on it fails with `err` (a plain close when null). */
  destroy(err: Error | null): void {
    if (this.#state === 'gone') return;
    if (this.#request !== null) {
      this.#fail(err ?? new errors.ClientDestroyedError());
      return;
    }
    this.#close();
  }

  // --- WriterEvents ---

  requestSent(): void {
    const request = this.#request;
    if (request === null) return;
    request.requestSent();
    if (this.#status !== 0 || this.#ended || this.#request !== request) return;
    const timeout = request.headersTimeoutMs ?? this.#options.responseHeaderTimeoutMs;
    if (timeout > 0) {
      this.#headersTimer = this.#options.clock.setTimeout(() => {
        this.#headersTimer = null;
        this.#fail(new errors.HeadersTimeoutError('Headers Timeout Error'));
      }, timeout);
    }
  }

  writeFailed(err: Error): void {
    this.#fail(err);
  }

  /** Nothing of the request was written and the socket is gone (or going). */
  connectionLost(): void {
    const request = this.#request;
    if (request === null || this.#state === 'gone') return;
    this.#request = null;
    this.#writer?.stop();
    const reused = this.#reused;
    this.#close();
    if (request.done) return;
    if (reused) this.#owner.retry(request);
    else request.fail(this.#socketError ?? new errors.SocketError('other side closed'));
  }

  // --- RequestConnection (from the request's controller) ---

  resumeReading(): void {
    if (!this.#executing && this.#request !== null) this.#deliver();
  }

  abandon(_reason: Error): void {
    if (this.#state === 'gone') return;
    this.#request = null;
    this.#writer?.stop();
    this.#close();
  }

  // --- socket events ---

  readonly #onData = (chunk: Buffer): void => {
    const request = this.#request;
    if (this.#state !== 'active' || request === null || this.#writer === null || !this.#writer.written) {
      // Bytes nobody asked for: the connection is out of step with the server.
      if (this.#state === 'validating' || (this.#state === 'active' && this.#writer?.written !== true)) this.connectionLost();
      else this.#close();
      return;
    }
    if (this.#ended || this.#upgrade !== null) {
      this.#reusable = false;
      return;
    }
    this.#executing = true;
    let consumed: number;
    try {
      consumed = this.#parser.execute(chunk);
    } finally {
      this.#executing = false;
    }
    if (this.#request !== request) return;
    if (this.#upgrade !== null) {
      this.#handOver(chunk.subarray(consumed));
      return;
    }
    if (this.#ended && consumed < chunk.length) this.#reusable = false;
    this.#deliver();
  };

  readonly #onEnd = (): void => {
    this.#reusable = false;
    if (this.#state === 'idle') return this.#close();
    this.#connectionEnded(new errors.SocketError('other side closed'));
  };

  readonly #onError = (err: Error): void => {
    this.#socketError ??= err;
  };

  readonly #onClose = (): void => {
    this.#reusable = false;
    if (this.#state === 'gone') return;
    if (this.#state === 'idle') return this.#close();
    this.#connectionEnded(this.#socketError ?? new errors.SocketError('closed'));
  };

  readonly #onDrain = (): void => {
    this.#writer?.onDrain();
  };

  /** The server closed (FIN or reset) with a request on this connection. */
  #connectionEnded(err: Error): void {
    if (this.#request === null) return;
    if (this.#state === 'validating' || this.#writer?.written !== true) {
      this.connectionLost();
      return;
    }
    if (this.#ended) return; // delivered when the handler resumes
    if (this.#status >= 200) {
      // A close-delimited body ends here (RFC 9112 §6.3); anything else was cut short.
      this.#executing = true;
      let outcome: ReturnType<ResponseParser['finish']>;
      try {
        outcome = this.#parser.finish();
      } finally {
        this.#executing = false;
      }
      if (outcome === null && this.#ended) {
        this.#deliver();
        return;
      }
    }
    this.#fail(err);
  }

  // --- parser events ---

  #onInformational(status: number, headers: string[]): void {
    const request = this.#request;
    if (request === null) return;
    if (status === 100) {
      // The go-ahead for a body held back by Expect: 100-continue; otherwise nothing to relay
      // (RFC 9110 §15.2: a client must accept a 1xx it did not expect).
      this.#writer?.proceed();
      return;
    }
    request.informational(status, headers, '');
  }

  #onHead(head: ResponseHeadEvent): void {
    const request = this.#request;
    if (request === null) return;
    this.#clearHeadersTimer();
    this.#status = head.status;
    if (this.#writer?.awaitingContinue === true) {
      // A final answer before the body was sent: the body is never sent, the connection is spent.
      this.#writer.stop();
      this.#reusable = false;
    }
    if (head.status === 101) {
      if (request.head.upgrade === null) {
        this.#fail(new errors.SocketError('bad upgrade'));
        return;
      }
      this.#upgrade = { status: head.status, headers: head.headers };
      return;
    }
    if (!head.keepAlive || head.body === 'close') this.#reusable = false;
    if (this.#reusable) this.#readKeepAlive(head);
    request.responseStart(head.status, head.headers, head.reason);
  }

  #onBody(chunk: Buffer): void {
    const request = this.#request;
    if (request === null || request.done) return;
    if (this.#held.length > 0 || request.controller.paused) {
      this.#held.push(chunk);
      this.#pauseReading();
      return;
    }
    if (!request.responseData(chunk) && !request.done) this.#pauseReading();
  }

  /**
   * Delivers held body pieces while the handler accepts them, then the end of the response if
   * it came, else reads the socket again (unless the handler is paused).
   */
  #deliver(): void {
    const request = this.#request;
    // A handler resuming from inside onResponseData lands here again: the outer call goes on.
    if (request === null || this.#delivering) return;
    const held = this.#held;
    this.#delivering = true;
    try {
      while (held.length > 0) {
        if (request.controller.paused) return this.#pauseReading();
        const chunk = held.shift()!;
        if (!request.responseData(chunk)) {
          if (!request.done) this.#pauseReading();
          return;
        }
      }
    } finally {
      this.#delivering = false;
    }
    if (this.#request !== request) return;
    if (this.#ended) return this.#complete();
    if (request.controller.paused) return this.#pauseReading();
    if (this.#readingPaused) {
      this.#readingPaused = false;
      if (!this.socket.destroyed) this.socket.resume();
    }
  }

  #pauseReading(): void {
    if (this.#readingPaused) return;
    this.#readingPaused = true;
    this.socket.pause();
  }

  /** The response was read in full: the handler gets its end, the connection goes back or closes. */
  #complete(): void {
    const request = this.#request!;
    const writer = this.#writer;
    this.#request = null;
    this.#writer = null;
    const writeDone = writer !== null && writer.done;
    if (!writeDone) writer?.stop();
    const trailers = this.#trailers;
    this.#trailers = [];
    const s = this.socket;
    const reuse = this.#reusable && writeDone && !s.destroyed && s.readable && s.writable && this.#held.length === 0;
    this.#state = reuse ? 'idle' : 'gone';
    if (reuse) {
      if (this.#readingPaused) {
        this.#readingPaused = false;
        s.resume();
      }
    }
    request.responseEnd(trailers);
    if (reuse && this.#state === 'idle') this.#owner.connectionIdle(this, this.#keepAliveUntil);
    else if (!reuse) this.#close();
  }

  /** The server switched protocols: the socket leaves the pool with the bytes after the 101 head. */
  #handOver(rest: Buffer): void {
    const request = this.#request!;
    const { status, headers } = this.#upgrade!;
    this.#request = null;
    this.#writer?.stop();
    this.#writer = null;
    this.#state = 'gone';
    const s = this.socket;
    // Paused first: a flowing socket without a 'data' listener would drop bytes.
    s.pause();
    s.off('data', this.#onData).off('end', this.#onEnd).off('error', this.#onError).off('close', this.#onClose).off('drain', this.#onDrain);
    if (rest.length > 0) s.unshift(rest);
    this.#owner.connectionGone(this);
    request.upgrade(status, headers, s);
  }

  /** Server's `Keep-Alive: timeout=N` (seconds), which undici honours: the pool closes before the server does. */
  #readKeepAlive(head: ResponseHeadEvent): void {
    const h = head.headers;
    for (let i = 0; i < h.length; i += 2) {
      if (h[i]!.length !== 10 || h[i]!.toLowerCase() !== 'keep-alive') continue;
      const m = keepAliveTimeout.exec(h[i + 1]!);
      if (m !== null) this.#keepAliveUntil = this.#options.clock.now() + Number(m[1]) * 1000;
    }
    if ((head.status === 204 || head.status === 304) && announcesBody(h)) this.#reusable = false;
  }

  #fail(err: Error): void {
    if (this.#state === 'gone') return;
    const request = this.#request;
    this.#request = null;
    this.#writer?.stop();
    this.#close();
    request?.fail(err);
  }

  #close(): void {
    if (this.#state === 'gone' && this.socket.destroyed) {
      this.#owner.connectionGone(this);
      return;
    }
    this.#state = 'gone';
    this.#clearHeadersTimer();
    this.#writer = null;
    this.#held = [];
    this.socket.destroy();
    this.#owner.connectionGone(this);
  }

  #clearHeadersTimer(): void {
    if (this.#headersTimer === null) return;
    this.#options.clock.clearTimeout(this.#headersTimer);
    this.#headersTimer = null;
  }
}

/** A 204/304 with a non-zero Content-Length or a Transfer-Encoding may have sent a body anyway (undici's rule). */
function announcesBody(headers: readonly string[]): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!.toLowerCase();
    if (name === 'transfer-encoding') return true;
    if (name === 'content-length' && headers[i + 1] !== '0') return true;
  }
  return false;
}

/** The codec's refusal as undici reports a bad response: an oversized head is a headers overflow. */
function parseError(code: ParseErrorCode, message: string): Error {
  if (code === 'HEAD_TOO_LARGE' || code === 'TOO_MANY_HEADERS') return new errors.HeadersOverflowError(message);
  const err = new errors.HTTPParserError(`Parse Error: ${message}`);
  err.code = `HPE_${code}`;
  return err;
}
