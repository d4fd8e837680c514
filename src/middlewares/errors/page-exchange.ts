/**
 * The exchange an error page is fetched on: a GET of its own (new request head, no body) whose
 * response goes to the client with the status the errors middleware decided, whatever status
 * the error service answered (Traefik's code modifier).
 */
import { writeHeadThroughHooks, type Exchange, type RequestHead, type ResponseSink } from '../../lib/exchange.ts';
import { deriveExchange } from '../../lib/derived-exchange.ts';

/** Passes the page response to the client, replacing its status with `status`. */
class ForcedStatusSink implements ResponseSink {
  readonly #parent: Exchange;
  readonly #status: number;
  #headSent = false;

  constructor(parent: Exchange, status: number) {
    this.#parent = parent;
    this.#status = status;
  }

  get headSent(): boolean {
    return this.#headSent;
  }

  writeHead(_status: number, headers: string[]): void {
    if (this.#headSent) return;
    this.#headSent = true;
    // Through the client exchange's hooks: middlewares outside `errors` edit the page's head too.
    writeHeadThroughHooks(this.#parent, this.#status, headers);
  }

  write(chunk: Buffer): boolean {
    return this.#parent.response.write(chunk);
  }

  onDrain(listener: () => void): void {
    this.#parent.response.onDrain(listener);
  }

  end(trailers?: string[]): void {
    this.#headSent = true;
    this.#parent.response.end(trailers);
  }

  destroy(err?: Error): void {
    this.#headSent = true;
    this.#parent.response.destroy(err);
  }

  flush(): void {
    this.#parent.response.flush();
  }
}

/**
 * Creates the exchange for one error-page request of `parent`: `request` is the page's head,
 * `status` the status the client gets.
 */
export function pageExchange(parent: Exchange, request: RequestHead, status: number): Exchange {
  return deriveExchange(parent, new ForcedStatusSink(parent, status), { request, body: null, noUpgrade: true });
}
