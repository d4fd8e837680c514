/**
 * One request sent to one mirror: its own Exchange (a copy of the request head, its own body
 * stream and log, a client that never goes away) and a response sink that discards everything
 * but the facts a comparison needs.
 */
import { createHash, type Hash } from 'node:crypto';
import { Readable, type Duplex } from 'node:stream';
import {
  deleteHeader, newExchangeLog, setHeader,
  type Exchange, type ExchangeLog, type Handler, type RequestHead, type ResponseHeadHook, type ResponseSink,
} from '../../lib/exchange.ts';
import type { BodyBranch } from './body-tee.ts';
import type { ResponseOutcome } from './mirror-stats.ts';

/** The header that marks a mirror request; its value is the mirror's name as written. */
export const mirrorHeader = 'X-Switchyard-Mirror';

/** The largest piece of body handed to a mirror's stream at once (see MirrorFlight.feed). */
const feedSliceBytes = 64 * 1024;

/** How a mirror request ended. */
export type FlightEnd = 'completed' | 'failed' | 'aborted';

export interface MirrorFlightOptions {
  /** The mirror's name as written in the configuration. */
  readonly name: string;
  /** Give the mirror a body stream fed by the tee (mirrorBody with a request body). */
  readonly withBody: boolean;
  /** Bytes the body stream may hold ahead of the mirror's consumption before it is aborted. */
  readonly bufferBytes: number;
  /** Record status and body digest for a comparison. */
  readonly compare: boolean;
  readonly now: () => number;
  /** Called once, when the flight ended; `outcome` only for a completed compare-mode flight. */
  readonly onEnd: (end: FlightEnd, outcome: ResponseOutcome | null) => void;
}

/** The mirror's view of the request: its own copy, so nothing it does reaches the primary. */
function copyHead(source: RequestHead, headers: string[]): RequestHead {
  return {
    method: source.method,
    path: source.path,
    query: source.query,
    headers,
    httpVersion: source.httpVersion,
    host: source.host,
    remoteAddress: source.remoteAddress,
    remotePort: source.remotePort,
    clientIp: source.clientIp,
    localPort: source.localPort,
    tls: source.tls,
    entryPoint: source.entryPoint,
  };
}

/** The Exchange a mirror handler sees. Its client never goes away and takes no upgrade. */
class MirrorExchange implements Exchange {
  readonly request: RequestHead;
  readonly body: Readable | null;
  readonly response: ResponseSink;
  readonly upgrade: { readonly socket: Duplex; readonly head: Buffer } | null = null;
  readonly clientGone = false;
  readonly responseHeadHooks: ResponseHeadHook[] = [];
  readonly log: ExchangeLog;
  #abort: AbortController | null = null;

  constructor(request: RequestHead, body: Readable | null, response: ResponseSink, log: ExchangeLog) {
    this.request = request;
    this.body = body;
    this.response = response;
    this.log = log;
  }

  /** A signal that never fires: the client's disconnect does not cancel a mirror. */
  get signal(): AbortSignal {
    this.#abort ??= new AbortController();
    return this.#abort.signal;
  }

  onClientGone(): void {}
}

/** Discards a mirror's response, keeping what a comparison needs. */
class DiscardingSink implements ResponseSink {
  readonly #flight: MirrorFlight;
  readonly #hash: Hash | null;
  #over = false;
  status = 0;
  headSent = false;

  constructor(flight: MirrorFlight, compare: boolean) {
    this.#flight = flight;
    this.#hash = compare ? createHash('sha256') : null;
  }

  writeHead(status: number): void {
    this.headSent = true;
    this.status = status;
  }

  write(chunk: Buffer): boolean {
    this.#hash?.update(chunk);
    return true;
  }

  onDrain(): void {}

  end(): void {
    if (this.#over) return;
    this.#over = true;
    this.#flight.responseEnded(this.status, this.#hash === null ? '' : this.#hash.digest('hex'));
  }

  destroy(): void {
    if (this.#over) return;
    this.#over = true;
    this.#flight.responseFailed();
  }

  flush(): void {}
}

/** See the module comment. A flight is also its mirror's branch of the body tee. */
export class MirrorFlight implements BodyBranch {
  readonly exchange: Exchange;
  readonly #body: Readable | null;
  readonly #bufferBytes: number;
  readonly #compare: boolean;
  readonly #now: () => number;
  readonly #onEnd: (end: FlightEnd, outcome: ResponseOutcome | null) => void;
  #bodyOpen: boolean;
  #ended = false;

  constructor(source: Exchange, options: MirrorFlightOptions) {
    const headers = source.request.headers.slice();
    if (!options.withBody) {
      // No body goes to the mirror, so nothing may announce one.
      deleteHeader(headers, 'content-length');
      deleteHeader(headers, 'transfer-encoding');
    }
    setHeader(headers, mirrorHeader, options.name);
    this.#body = options.withBody ? new Readable({ read() {} }) : null;
    // A mirror handler may never touch its body (answered without reading it): aborting it
    // must not become an uncaught error. Consumers that read it add their own listener.
    this.#body?.on('error', ignoreError);
    this.#bodyOpen = options.withBody;
    this.#bufferBytes = options.bufferBytes;
    this.#compare = options.compare;
    this.#now = options.now;
    this.#onEnd = options.onEnd;
    const log = newExchangeLog(process.hrtime.bigint(), source.log.originalPath, source.log.originalQuery);
    log.routerName = source.log.routerName;
    const sink = new DiscardingSink(this, options.compare);
    this.exchange = new MirrorExchange(copyHead(source.request, headers), this.#body, sink, log);
  }

  /** Runs the mirror's handler; a throw or a rejection counts as a failed mirror request. */
  start(handler: Handler): void {
    try {
      const result = handler(this.exchange);
      if (result instanceof Promise) result.then(undefined, () => this.responseFailed());
    } catch {
      this.responseFailed();
    }
  }

  get wantsBody(): boolean {
    return this.#bodyOpen;
  }

  feed(chunk: Buffer): void {
    const body = this.#body;
    if (!this.#bodyOpen || body === null) return;
    // What the mirror has not consumed yet stays in the stream's buffer; while the mirror keeps
    // up, chunks pass straight through and this stays near zero. A chunk handed over whole
    // would sit in the socket's write buffer instead, out of sight of this bound, so large
    // chunks go in slices (views, not copies): once the socket is full the rest waits here.
    for (let offset = 0; offset < chunk.length; offset += feedSliceBytes) {
      body.push(offset === 0 && chunk.length <= feedSliceBytes ? chunk : chunk.subarray(offset, offset + feedSliceBytes));
      if (body.readableLength > this.#bufferBytes) {
        this.abort('mirror fell behind its body buffer');
        return;
      }
    }
  }

  end(): void {
    if (!this.#bodyOpen) return;
    this.#bodyOpen = false;
    this.#body?.push(null);
  }

  abort(reason: string): void {
    if (!this.#bodyOpen) return;
    this.#settle('aborted', null);
    // Destroying the body with an error makes the proxy reset the mirror's upstream request:
    // its server never sees a body that looks complete but is not. The error response the
    // proxy then writes to the sink is ignored (the flight is already settled).
    this.#bodyOpen = false;
    this.#body?.destroy(new Error(reason));
  }

  /** The mirror's response ended: completed when a server answered, failed when Switchyard did. */
  responseEnded(status: number, digest: string): void {
    // A proxy error response (server down, reset) has no origin status.
    if (this.exchange.log.originStatus === 0) {
      this.responseFailed();
      return;
    }
    this.#settle('completed', this.#compare ? { status, digest, endedAt: this.#now() } : null);
    this.#dropBody();
  }

  /** The mirror's response was torn down or its handler failed. */
  responseFailed(): void {
    this.#settle('failed', null);
    this.#dropBody();
  }

  #settle(end: FlightEnd, outcome: ResponseOutcome | null): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd(end, outcome);
  }

  /** A mirror that is over needs no more body; feeding it would only fill memory. */
  #dropBody(): void {
    if (!this.#bodyOpen) return;
    this.#bodyOpen = false;
    this.#body?.destroy();
  }
}

function ignoreError(): void {}
