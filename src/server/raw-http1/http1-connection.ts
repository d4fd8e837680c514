/**
 * One HTTP/1.x connection on the raw-socket engine: bytes from the socket go through the strict
 * parser (src/http1), each request becomes an Exchange built exactly as the node:http engine
 * builds it, and its response goes back through an Http1ResponseSink.
 *
 * One request at a time: the parser pauses at the end of each message, so pipelined requests
 * are answered in order and at most one socket chunk waits unparsed (the socket stops reading
 * meanwhile). Body bytes go to the request's Readable; when it is full the socket stops reading.
 * Every wait has a deadline on the injected clock: the head within readTimeout of its first
 * byte, the whole request (body included) within readTimeout of its start as in Traefik, no
 * body byte for idleTimeout while the consumer wants more, and idleTimeout between requests.
 * A connection that trickles a head byte by byte therefore costs one bounded parser buffer
 * until its read deadline, then it is closed.
 */
import type { Socket } from 'node:net';
import { getHeader, newExchangeLog, type Exchange, type ExchangeLog, type ResponseSink } from '../../lib/exchange.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Http1Limits } from '../../http1/limits.ts';
import type { ParseErrorCode } from '../../http1/parse-error-code.ts';
import { createRequestParser, type RequestHeadEvent, type RequestParser, type RequestParserCallbacks } from '../../http1/request-parser.ts';
import { SocketResponseSink, type NodeExchange } from '../node-exchange.ts';
import { dispatchExchange, prepareExchange, type ExchangeSettings, type InFlightCounter } from '../prepare-exchange.ts';
import { ConnectionDeadline } from './connection-deadline.ts';
import { Http1ResponseSink, type SinkOwner } from './http1-response-sink.ts';
import { codedError, continueResponse, refusalResponse, refusalStatus, type RefusalStatus } from './refusals.ts';
import { RequestBody, type BodyOwner } from './request-body.ts';
import type { RequestFacts } from './response-framing.ts';

/** What every connection of one entry point shares. */
export interface Http1ServerContext {
  readonly settings: ExchangeSettings;
  readonly dispatch: (exchange: Exchange) => void;
  readonly onDone: ((exchange: Exchange, durationNs: bigint) => void) | undefined;
  readonly clock: Clock;
  /** Head, and whole request, deadline from the request's first byte (0: none). */
  readonly readTimeoutMs: number;
  /** Keep-alive wait between requests, and body inactivity (0: none). */
  readonly idleTimeoutMs: number;
  /** How long a closing connection keeps reading (and dropping) so the client sees the last response rather than a reset. */
  readonly lingerMs: number;
  readonly limits: Partial<Http1Limits>;
  readonly inFlight: InFlightCounter;
  /** True once the entry point stops accepting: responses say `Connection: close`. */
  readonly stopping: boolean;
  /** The connection is gone (or upgraded): forget it. */
  released(connection: Http1Connection): void;
  /** The connection became a byte pipe; `socket` is cut by closeAll. */
  upgraded(socket: Socket): void;
}

/** Pause reasons of the socket; it reads only when there is none. */
const pausedForBody = 1;
const pausedForPending = 2;

const chunkedPattern = /(?:^|\W)chunked(?:$|\W)/i;

export class Http1Connection implements RequestParserCallbacks, SinkOwner, BodyOwner {
  readonly socket: Socket;
  readonly #context: Http1ServerContext;
  readonly #parser: RequestParser;
  readonly #deadline: ConnectionDeadline;
  /** Bytes the paused parser has not taken yet (a pipelined request): at most about one socket chunk. */
  #pending: Buffer | null = null;
  #draining = false;
  #pauses = 0;
  /** 'open' → 'closing' (last response written; reading and dropping until the client closes) → 'closed'; or 'upgraded'. */
  #state: 'open' | 'closing' | 'closed' | 'upgraded' = 'open';
  /** Bytes of a next request were taken but its head is not complete yet. */
  #partial = false;
  #requestStartedAt = 0;

  // The request in progress (one at a time).
  #active = false;
  #exchange: NodeExchange | null = null;
  #sink: Http1ResponseSink | null = null;
  #body: RequestBody | null = null;
  #dispatchPending = false;
  #messageComplete = false;
  #responseEnded = false;
  /** onDone and the in-flight count are settled for this request. */
  #settled = true;
  #discardBody = false;
  #closeAfterResponse = false;
  #continue: 'none' | 'owed' | 'sent' = 'none';
  readonly #facts: { headRequest: boolean; versionMinor: 0 | 1; keepAlive: boolean; chunkedAccepted: boolean } =
    { headRequest: false, versionMinor: 1, keepAlive: false, chunkedAccepted: false };
  #upgrade: { socket: Socket; head: Buffer } | null = null;

  constructor(socket: Socket, context: Http1ServerContext) {
    this.socket = socket;
    this.#context = context;
    this.#parser = createRequestParser(this, context.limits);
    this.#deadline = new ConnectionDeadline(context.clock, () => this.#expired());
  }

  /** Starts reading. The first request has readTimeout (else idleTimeout) from now. */
  start(): void {
    const socket = this.socket;
    // No Nagle, as node:http (noDelay: true) and undici's upstream sockets: a response that
    // leaves in several writes (a body relayed as the upstream's reads arrive) must not wait
    // for the client's delayed ACK of the previous segment (up to 40 ms).
    socket.setNoDelay(true);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.once('close', this.#onClose);
    socket.on('error', this.#onError);
    this.#requestStartedAt = this.#context.clock.now();
    this.#deadline.in(this.#context.readTimeoutMs > 0 ? this.#context.readTimeoutMs : this.#context.idleTimeoutMs);
  }

  /** The entry point stops accepting: an idle connection closes now, a busy one after its response. */
  stop(): void {
    if (this.#state === 'open' && !this.#active && !this.#partial && this.#pending === null) this.#closeGracefully();
  }

  /** Cuts the connection. */
  destroy(): void {
    this.socket.destroy();
  }

  // --- socket events -------------------------------------------------------------------------

  readonly #onData = (chunk: Buffer): void => {
    if (this.#state !== 'open') return; // closing: read and drop, so closing never resets the client
    const pending = this.#pending;
    this.#pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
    this.#drain();
  };

  readonly #onEnd = (): void => {
    if (this.#state === 'closing') {
      this.socket.destroy();
      return;
    }
    if (this.#state !== 'open') return;
    const failure = this.#parser.finish();
    if (failure !== null && this.#body !== null && !this.#body.complete) this.#body.destroy(codedError('aborted', 'ECONNRESET'));
    // node:http (httpAllowHalfOpen off) and Go both take a client that stops sending while its
    // request is served as gone.
    if (this.#active && !this.#responseEnded) this.#clientGone();
    this.#closeGracefully();
  };

  readonly #onClose = (): void => {
    const was = this.#state;
    this.#state = 'closed';
    this.#deadline.dispose();
    if (was === 'upgraded') {
      this.#clientGone();
      return;
    }
    if (this.#active && !this.#responseEnded) this.#clientGone();
    if (this.#body !== null && !this.#body.complete) this.#body.destroy(codedError('aborted', 'ECONNRESET'));
    this.#context.released(this);
  };

  readonly #onError = (): void => {
    this.socket.destroy();
  };

  // --- parsing -------------------------------------------------------------------------------

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#pending !== null && this.#state === 'open' && !(this.#active && this.#messageComplete)) {
        const chunk = this.#pending;
        this.#pending = null;
        if (!this.#active && !this.#partial) this.#requestStartedAt = this.#context.clock.now();
        const consumed = this.#parser.execute(chunk);
        if (this.#state !== 'open') return;
        if (!this.#active) this.#partial = this.#parser.messageInProgress;
        if (this.#upgrade !== null) {
          this.#handOver(chunk.subarray(consumed));
          return;
        }
        if (consumed < chunk.length) this.#pending = chunk.subarray(consumed);
        if (this.#dispatchPending) {
          this.#dispatchPending = false;
          const ex = this.#exchange;
          if (ex !== null) dispatchExchange(this.#context.dispatch, ex);
        }
        // Answered (perhaps at once, by the dispatch above) and fully read: the next request.
        if (this.#state === 'open' && this.#active && this.#messageComplete && this.#responseEnded) this.#nextRequest();
      }
    } finally {
      this.#draining = false;
    }
    if (this.#state !== 'open') return;
    this.#setPause(pausedForPending, this.#pending !== null);
    this.#armDeadline();
  }

  onHead(head: RequestHeadEvent): void {
    this.#parser.pause(); // after this message: one request at a time, answered in order
    this.#active = true;
    this.#partial = false;
    this.#messageComplete = false;
    this.#responseEnded = false;
    this.#discardBody = false;
    this.#closeAfterResponse = false;
    this.#settled = false;
    this.#exchange = null;
    this.#sink = null;
    this.#body = null;
    const versionMinor = head.versionMinor;
    const facts = this.#facts;
    facts.headRequest = head.method === 'HEAD';
    facts.versionMinor = versionMinor;
    facts.keepAlive = head.keepAlive;
    facts.chunkedAccepted = versionMinor === 0 && chunkedPattern.test(getHeader(head.headers, 'te') ?? '');
    this.#continue = 'none';
    const context = this.#context;
    context.inFlight.started();
    if (versionMinor === 1) {
      if (head.expectContinue) this.#continue = 'owed';
      else if (getHeader(head.headers, 'expect') !== undefined) {
        // node:http answers any other expectation 417 without calling the handler.
        this.#answerWithoutExchange(417);
        return;
      }
    }
    if (head.method === 'CONNECT') {
      // Tunnels are for TCP routers; node:http without a 'connect' listener drops the connection.
      this.#settled = true;
      context.inFlight.finished();
      this.#refuse(400);
      return;
    }
    const request = { method: head.method, target: head.target, headers: head.headers, httpVersion: versionMinor === 1 ? '1.1' : '1.0', socket: this.socket };
    if (head.upgrade) {
      const upgrade = { socket: this.socket, head: Buffer.alloc(0) };
      this.#upgrade = upgrade;
      this.#exchange = prepareExchange(context.settings, request, (log) => new SocketResponseSink(this.socket, log), null, upgrade);
      return;
    }
    const body = head.body === 'chunked' || (head.body === 'length' && head.contentLength > 0) ? new RequestBody(this) : null;
    this.#body = body;
    this.#exchange = prepareExchange(context.settings, request, (log) => this.#makeSink(log, body), body, null);
    this.#dispatchPending = this.#exchange !== null;
  }

  onBody(chunk: Buffer): void {
    const body = this.#body;
    if (body === null || this.#discardBody || body.destroyed) return;
    if (!body.deliver(chunk)) this.#setPause(pausedForBody, true);
  }

  onTrailers(): void {
    // Request trailers have nowhere to go: the seam's body is a byte stream (node:http keeps
    // them on the IncomingMessage, where nothing in Switchyard reads them either).
  }

  onMessageComplete(): void {
    this.#messageComplete = true;
    const body = this.#body;
    if (body !== null && !body.destroyed && !this.#discardBody) body.finish();
    // Always inside execute(): #drain takes the next request once the parser has returned.
  }

  onError(code: ParseErrorCode, message: string): void {
    const status = refusalStatus(code);
    if (!this.#active) {
      this.#refuse(status);
      return;
    }
    // A broken body. Not routed yet (it came with its head): refused like a broken head.
    if (this.#dispatchPending) {
      this.#dispatchPending = false;
      this.#exchange = null;
      this.#settle(false);
      this.#refuse(status);
      return;
    }
    // The handler is running: its body stream fails, and it is treated as a client gone (it
    // stops, the proxy aborts the server request). node:http answers 400 on the socket itself
    // too, unless the response has begun, when only closing is left.
    const sink = this.#sink;
    this.#body?.destroy(codedError(message, `HPE_${code}`));
    this.#clientGone();
    if (sink !== null && !sink.headSent) {
      sink.takeOver();
      this.#refuse(status);
    } else {
      this.socket.destroy();
    }
  }

  // --- the response --------------------------------------------------------------------------

  get keepAliveTimeoutMs(): number {
    return this.#context.idleTimeoutMs;
  }

  responseFacts(): RequestFacts {
    const f = this.#facts;
    // An unanswered `Expect: 100-continue` whose body never came: the client may still send it,
    // so the connection cannot carry another request (node:http does the same).
    const owedBody = this.#continue === 'owed' && !this.#messageComplete;
    return {
      headRequest: f.headRequest,
      versionMinor: f.versionMinor,
      keepAlive: f.keepAlive && !owedBody && !this.#closeAfterResponse && !this.#context.stopping,
      chunkedAccepted: f.chunkedAccepted,
    };
  }

  responseEnded(keepAlive: boolean): void {
    if (this.#responseEnded) return;
    this.#responseEnded = true;
    this.#settle(false);
    if (this.#state !== 'open') return;
    if (!keepAlive || this.#closeAfterResponse || this.#context.stopping) {
      this.#closeGracefully();
      return;
    }
    if (this.#messageComplete) {
      // Inside #drain (the handler answered at once) the loop takes the next request itself.
      if (!this.#draining) this.#nextRequest();
      return;
    }
    // The response is over before the body: node:http reads and drops a body nobody started
    // reading, and lets a consumer that did (a mirror) finish.
    const body = this.#body;
    if (body === null || !body.consumed || body.destroyed) {
      this.#discardBody = true;
      this.#setPause(pausedForBody, false);
      this.#armDeadline();
    }
  }

  responseDestroyed(): void {
    // As node:http's res.destroy(): the exchange ends as one whose client went away, and
    // nothing more is read or answered on this connection.
    this.#clientGone();
    if (this.#state === 'open') this.#state = 'closed';
    this.socket.destroy();
  }

  // --- the body ------------------------------------------------------------------------------

  bodyWanted(): void {
    if (this.#continue === 'owed' && this.#state === 'open' && this.#sink !== null && !this.#sink.headSent) {
      this.#continue = 'sent';
      this.socket.write(continueResponse, 'latin1');
    }
    this.#setPause(pausedForBody, false);
    this.#armDeadline();
  }

  bodyAbandoned(): void {
    if (!this.#active || this.#messageComplete) return;
    this.#discardBody = true;
    this.#setPause(pausedForBody, false);
  }

  // --- internals -----------------------------------------------------------------------------

  #makeSink(log: ExchangeLog, body: RequestBody | null): ResponseSink {
    body?.attach(log);
    const sink = new Http1ResponseSink(this, log);
    this.#sink = sink;
    return sink;
  }

  /** Answers without routing (a 417): the head goes through the same framing as any response. */
  #answerWithoutExchange(status: 417): void {
    const sink = new Http1ResponseSink(this, newExchangeLog(0n, '', ''));
    this.#sink = sink;
    this.#settled = true;
    this.#context.inFlight.finished();
    sink.writeHead(status, []);
    sink.end();
  }

  /** The request is over on both sides: take the next one. */
  #nextRequest(): void {
    this.#active = false;
    this.#partial = false;
    this.#exchange = null;
    this.#sink = null;
    this.#body = null;
    this.#continue = 'none';
    this.#parser.resume();
    this.#setPause(pausedForBody, false);
    if (this.#context.stopping && this.#pending === null) {
      this.#closeGracefully();
      return;
    }
    this.#armDeadline();
    this.#drain();
  }

  /** onDone and the in-flight count, once per request. */
  #settle(clientGone: boolean): void {
    if (this.#settled) return;
    this.#settled = true;
    const ex = this.#exchange;
    if (ex !== null) {
      if (clientGone) ex.markClientGone();
      this.#context.onDone?.(ex, process.hrtime.bigint() - ex.log.startNs);
    }
    this.#context.inFlight.finished();
  }

  #clientGone(): void {
    this.#responseEnded = true;
    this.#settle(true);
  }

  /** Hands the socket to the upgrade: the proxy writes the 101 and splices it to the server. */
  #handOver(rest: Buffer): void {
    const upgrade = this.#upgrade!;
    upgrade.head = rest;
    this.#state = 'upgraded';
    this.#deadline.dispose();
    const socket = this.socket;
    socket.off('data', this.#onData);
    socket.off('end', this.#onEnd);
    // Until the proxy pipes it, nothing may flow: bytes would be read with no one to take them.
    socket.pause();
    this.#context.upgraded(socket);
    this.#context.released(this);
    const ex = this.#exchange;
    if (ex !== null) dispatchExchange(this.#context.dispatch, ex);
  }

  /** A request the parser refused: 400 (431 for the limits), then close. */
  #refuse(status: RefusalStatus): void {
    if (this.#state !== 'open') return;
    this.socket.write(refusalResponse(status), 'latin1');
    this.#closeGracefully();
  }

  /**
   * Ends our side after the last response and keeps reading (dropping) until the client closes,
   * or until `lingerMs` after everything written was handed to the kernel, as Go does: closing
   * with unread bytes would reset the connection and could destroy the response in flight.
   */
  #closeGracefully(): void {
    if (this.#state !== 'open') return;
    this.#state = 'closing';
    this.#pending = null;
    if (this.#body !== null && !this.#body.complete) this.#body.destroy(codedError('aborted', 'ECONNRESET'));
    this.#pauses = 0;
    this.#deadline.clear(); // a slow reader of the last response is not cut (no writeTimeout)
    const socket = this.socket;
    socket.resume();
    socket.end();
    socket.once('finish', this.#linger);
  }

  readonly #linger = (): void => {
    if (this.#state !== 'closing') return;
    if (this.#context.lingerMs > 0) this.#deadline.in(this.#context.lingerMs);
    else this.socket.destroy();
  };

  #setPause(reason: number, on: boolean): void {
    const before = this.#pauses;
    const after = on ? before | reason : before & ~reason;
    if (after === before) return;
    this.#pauses = after;
    if (this.#state !== 'open') return;
    if (after !== 0 && before === 0) this.socket.pause();
    else if (after === 0) this.socket.resume();
  }

  /** Sets the deadline the current phase calls for. */
  #armDeadline(): void {
    const context = this.#context;
    const read = context.readTimeoutMs;
    const idle = context.idleTimeoutMs;
    if (!this.#active) {
      if (this.#partial && read > 0) this.#deadline.at(this.#requestStartedAt + read);
      else this.#deadline.in(idle);
      return;
    }
    if (this.#messageComplete) {
      this.#deadline.clear(); // the handler's turn: no deadline on the client
      return;
    }
    // Reading the body: the whole request within readTimeout (Traefik's ReadTimeout), and no
    // silence longer than idleTimeout while the consumer wants bytes.
    const whole = read > 0 ? this.#requestStartedAt + read : Number.POSITIVE_INFINITY;
    const silent = idle > 0 && (this.#pauses & pausedForBody) === 0 ? context.clock.now() + idle : Number.POSITIVE_INFINITY;
    const at = Math.min(whole, silent);
    if (at === Number.POSITIVE_INFINITY) this.#deadline.clear();
    else this.#deadline.at(at);
  }

  #expired(): void {
    switch (this.#state) {
      case 'closing':
        this.socket.destroy();
        return;
      case 'open':
        break;
      case 'closed':
      case 'upgraded':
        return;
      default:
        this.#state satisfies never;
        return;
    }
    if (!this.#active) {
      if (this.#partial) this.#refuse(408);
      else this.#closeGracefully();
      return;
    }
    if (this.#messageComplete) return;
    // The body stalled or the request outlived readTimeout: the consumer sees the error.
    this.#body?.destroy(codedError('request body timed out', 'ERR_HTTP_REQUEST_TIMEOUT'));
    this.socket.destroy();
  }
}
