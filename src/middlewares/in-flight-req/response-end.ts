/**
 * A derived exchange that reports, exactly once, when the request stops being in flight: its
 * response ended or was torn down, the client went away, or — for an upgrade that got its 101 —
 * the upgraded connection closed. The proxy's `forward` returns before the response is over,
 * so watching the response sink is the only reliable signal.
 */
import type { Duplex, Readable } from 'node:stream';
import type { Exchange, ExchangeLog, RequestHead, ResponseHeadHook, ResponseSink } from '../../lib/exchange.ts';

class WatchedSink implements ResponseSink {
  readonly #inner: ResponseSink;
  readonly #done: () => void;
  /** A 101 keeps the request in flight until the upgraded connection closes. */
  upgraded = false;
  constructor(inner: ResponseSink, done: () => void) {
    this.#inner = inner;
    this.#done = done;
  }
  get headSent(): boolean {
    return this.#inner.headSent;
  }
  writeHead(status: number, headers: string[]): void {
    if (status === 101) this.upgraded = true;
    this.#inner.writeHead(status, headers);
  }
  write(chunk: Buffer): boolean {
    return this.#inner.write(chunk);
  }
  onDrain(listener: () => void): void {
    this.#inner.onDrain(listener);
  }
  end(trailers?: string[]): void {
    this.#inner.end(trailers);
    if (!this.upgraded) this.#done();
  }
  destroy(err?: Error): void {
    this.#inner.destroy(err);
    this.#done();
  }
  flush(): void {
    this.#inner.flush();
  }
}

class WatchedExchange implements Exchange {
  readonly request: RequestHead;
  readonly body: Readable | null;
  readonly response: ResponseSink;
  readonly upgrade: { readonly socket: Duplex; readonly head: Buffer } | null;
  /** The parent's hooks, shared: heads written here go straight to the parent's sink. */
  readonly responseHeadHooks: ResponseHeadHook[];
  readonly log: ExchangeLog;
  readonly #parent: Exchange;
  #listener: (() => void) | null = null;

  constructor(parent: Exchange, response: ResponseSink) {
    this.#parent = parent;
    this.request = parent.request;
    this.body = parent.body;
    this.response = response;
    this.upgrade = parent.upgrade;
    this.responseHeadHooks = parent.responseHeadHooks;
    this.log = parent.log;
  }

  get signal(): AbortSignal {
    return this.#parent.signal;
  }

  get clientGone(): boolean {
    return this.#parent.clientGone;
  }

  /** Kept here: the parent's single listener slot is ours, and we pass the event on. */
  onClientGone(listener: (() => void) | null): void {
    this.#listener = listener;
  }

  clientWentAway(): void {
    const listener = this.#listener;
    this.#listener = null;
    listener?.();
  }
}

/**
 * Returns an exchange to hand to the next handler in place of `parent`, and calls `done` once
 * when the request is over (see the file comment). `done` may run synchronously inside the
 * next handler (a response answered at once).
 */
export function watchResponseEnd(parent: Exchange, done: () => void): Exchange {
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    if (!parent.clientGone) parent.onClientGone(null);
    done();
  };
  const sink = new WatchedSink(parent.response, finish);
  const exchange = new WatchedExchange(parent, sink);
  parent.onClientGone(() => {
    finish();
    exchange.clientWentAway();
  });
  const socket = parent.upgrade?.socket;
  if (socket !== undefined) socket.once('close', finish);
  return exchange;
}
