/**
 * The exchange the main service sees when a request is mirrored: the original exchange with the
 * tee's body stream in place of the client's, and a response sink that notices when the
 * primary response is over (and, for a comparison, hashes it on the way through). Nothing here
 * waits for a mirror.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Duplex, Readable } from 'node:stream';
import type { Exchange, ExchangeLog, RequestHead, ResponseHeadHook, ResponseSink } from '../../lib/exchange.ts';
import type { ResponseOutcome } from './mirror-stats.ts';

/**
 * Passes everything to the client's sink unchanged and reports once how the response ended
 * (`outcome` null when it was torn down). The digest is computed only when `hash` is set.
 */
export class PrimarySink implements ResponseSink {
  readonly #inner: ResponseSink;
  readonly #hash: Hash | null;
  readonly #now: () => number;
  readonly #onEnd: (outcome: ResponseOutcome | null) => void;
  #status = 0;
  #ended = false;

  constructor(inner: ResponseSink, hash: boolean, now: () => number, onEnd: (outcome: ResponseOutcome | null) => void) {
    this.#inner = inner;
    this.#hash = hash ? createHash('sha256') : null;
    this.#now = now;
    this.#onEnd = onEnd;
  }

  get headSent(): boolean {
    return this.#inner.headSent;
  }

  writeHead(status: number, headers: string[]): void {
    this.#status = status;
    this.#inner.writeHead(status, headers);
  }

  write(chunk: Buffer): boolean {
    this.#hash?.update(chunk);
    return this.#inner.write(chunk);
  }

  onDrain(listener: () => void): void {
    this.#inner.onDrain(listener);
  }

  end(trailers?: string[]): void {
    // The client gets its response first; the bookkeeping follows.
    this.#inner.end(trailers);
    if (this.#ended) return;
    this.#report({ status: this.#status, digest: this.#hash === null ? '' : this.#hash.digest('hex'), endedAt: this.#now() });
  }

  destroy(err?: Error): void {
    this.#inner.destroy(err);
    this.#report(null);
  }

  flush(): void {
    this.#inner.flush();
  }

  #report(outcome: ResponseOutcome | null): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd(outcome);
  }
}

/** The original exchange with another body and response sink; everything else is delegated. */
export class PrimaryExchange implements Exchange {
  readonly #inner: Exchange;
  readonly body: Readable | null;
  readonly response: ResponseSink;

  constructor(inner: Exchange, body: Readable | null, response: ResponseSink) {
    this.#inner = inner;
    this.body = body;
    this.response = response;
  }

  get request(): RequestHead {
    return this.#inner.request;
  }

  get upgrade(): { readonly socket: Duplex; readonly head: Buffer } | null {
    return this.#inner.upgrade;
  }

  get signal(): AbortSignal {
    return this.#inner.signal;
  }

  get clientGone(): boolean {
    return this.#inner.clientGone;
  }

  onClientGone(listener: (() => void) | null): void {
    this.#inner.onClientGone(listener);
  }

  get responseHeadHooks(): ResponseHeadHook[] {
    return this.#inner.responseHeadHooks;
  }

  get log(): ExchangeLog {
    return this.#inner.log;
  }
}
