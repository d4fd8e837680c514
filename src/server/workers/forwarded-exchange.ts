/**
 * The control plane's side of a request a worker forwarded (internal-forwarder.ts): an
 * Exchange made from the shipped head and body whose response goes back over the channel in
 * parts. The handlers that run on it (the API, the metrics endpoint, ACME's HTTP-01 answers)
 * are the same as in a single process.
 */
import { Readable } from 'node:stream';
import { newExchangeLog, type Exchange, type ExchangeLog, type RequestHead, type ResponseHeadHook, type ResponseSink } from '../../lib/exchange.ts';
import { asBuffer, type ForwardedHead, type ResponsePart } from './worker-messages.ts';

/** An exchange whose client is a worker's; `cancel` when the worker's client went away. */
export class ForwardedExchange implements Exchange {
  readonly request: RequestHead;
  readonly body: Readable | null;
  readonly response: ResponseSink;
  readonly upgrade = null;
  readonly responseHeadHooks: ResponseHeadHook[] = [];
  readonly log: ExchangeLog;
  readonly #abort = new AbortController();
  #goneListener: (() => void) | null = null;

  constructor(head: ForwardedHead, body: Uint8Array | null, send: (part: ResponsePart) => void) {
    this.request = {
      method: head.method, path: head.path, query: head.query, headers: [...head.headers], httpVersion: head.httpVersion,
      host: head.host, remoteAddress: head.remoteAddress, remotePort: head.remotePort, clientIp: head.clientIp,
      localPort: head.localPort, tls: head.tls ?? undefined, entryPoint: head.entryPoint,
    };
    this.body = body === null ? null : Readable.from([asBuffer(body)]);
    this.log = newExchangeLog(process.hrtime.bigint(), head.path, head.query);
    let headSent = false;
    let ended = false;
    const post = (part: ResponsePart): void => {
      if (!ended && !this.#abort.signal.aborted) send(part);
    };
    this.response = {
      get headSent() {
        return headSent;
      },
      writeHead(status, headers) {
        headSent = true;
        post({ kind: 'head', status, headers });
      },
      write(chunk) {
        post({ kind: 'data', chunk });
        return true;
      },
      onDrain: () => undefined,
      end(trailers) {
        post({ kind: 'end', trailers: trailers ?? null });
        ended = true;
      },
      destroy(err) {
        post({ kind: 'error', message: err?.message ?? 'response aborted' });
        ended = true;
      },
      flush() {
        post({ kind: 'flush' });
      },
    };
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get clientGone(): boolean {
    return this.#abort.signal.aborted;
  }

  onClientGone(listener: (() => void) | null): void {
    this.#goneListener = listener;
  }

  /** The worker's client went away: nothing more is sent, the handler is told. */
  cancel(): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    const listener = this.#goneListener;
    this.#goneListener = null;
    listener?.();
  }
}
