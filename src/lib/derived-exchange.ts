/**
 * An exchange a middleware (or a retry attempt) hands to the handlers after it with its own response sink (and,
 * when given, its own request head or body), sharing the client connection, the client-gone
 * signal and the access-log facts with the exchange it came from. Handlers after the
 * middleware register their response-head hooks on it; the sink decides when and how the head
 * reaches the parent (usually through `writeHeadThroughHooks(parent, …)`, so the hooks of
 * middlewares before it still run).
 */
import type { Duplex, Readable } from 'node:stream';
import type { Exchange, ExchangeLog, RequestHead, ResponseHeadHook, ResponseSink } from './exchange.ts';

/** What a derived exchange replaces besides the response sink. */
export interface ExchangeOverrides {
  readonly request?: RequestHead;
  readonly body?: Readable | null;
  /** Drop the upgrade (a request of the middleware's own, like an error page, is never one). */
  readonly noUpgrade?: boolean;
}

class DerivedExchange implements Exchange {
  readonly request: RequestHead;
  readonly body: Readable | null;
  readonly response: ResponseSink;
  readonly upgrade: { readonly socket: Duplex; readonly head: Buffer } | null;
  readonly responseHeadHooks: ResponseHeadHook[] = [];
  readonly log: ExchangeLog;
  readonly #parent: Exchange;

  constructor(parent: Exchange, response: ResponseSink, overrides: ExchangeOverrides) {
    this.#parent = parent;
    this.request = overrides.request ?? parent.request;
    this.body = overrides.body === undefined ? parent.body : overrides.body;
    this.response = response;
    this.upgrade = overrides.noUpgrade === true ? null : parent.upgrade;
    this.log = parent.log;
  }

  get signal(): AbortSignal {
    return this.#parent.signal;
  }

  get clientGone(): boolean {
    return this.#parent.clientGone;
  }

  onClientGone(listener: (() => void) | null): void {
    this.#parent.onClientGone(listener);
  }
}

/** Derives an exchange from `parent` whose responses go to `response`. */
export function deriveExchange(parent: Exchange, response: ResponseSink, overrides: ExchangeOverrides = {}): Exchange {
  return new DerivedExchange(parent, response, overrides);
}
