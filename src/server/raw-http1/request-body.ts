/**
 * A request body on the raw-socket engine: a Readable fed by the parser, because everything that
 * consumes bodies (undici's dispatch, the mirroring tee, buffering, forward-auth, retry) takes a
 * Readable. Backpressure goes to the socket: when the stream's buffer is full the connection
 * stops reading, and the consumer's next read starts it again.
 */
import { Readable } from 'node:stream';
import type { ExchangeLog } from '../../lib/exchange.ts';

/** What the body tells its connection. */
export interface BodyOwner {
  /** The consumer reads: send `100 Continue` if owed, and read from the socket again. */
  bodyWanted(): void;
  /** The consumer let go of the body before its end (destroyed it): discard the rest. */
  bodyAbandoned(): void;
}

export class RequestBody extends Readable {
  readonly #owner: BodyOwner;
  #log: ExchangeLog | null = null;
  #read = false;
  #complete = false;

  constructor(owner: BodyOwner) {
    super();
    this.#owner = owner;
  }

  /** The exchange's log, which counts the bytes (the body exists before the exchange). */
  attach(log: ExchangeLog): void {
    this.#log = log;
  }

  /** True once a consumer asked for data (node:http's `_consuming`). */
  get consumed(): boolean {
    return this.#read;
  }

  /** True once every byte was delivered. */
  get complete(): boolean {
    return this.#complete;
  }

  /** Hands received bytes to the consumer; false when its buffer is full (stop reading). */
  deliver(chunk: Buffer): boolean {
    // Counted on arrival, whoever reads (or never reads) them: the access log's RequestContentSize.
    if (this.#log !== null) this.#log.requestContentSize += chunk.length;
    return this.push(chunk);
  }

  /** The message ended: the consumer sees the end of the stream. */
  finish(): void {
    this.#complete = true;
    this.push(null);
  }

  override _read(): void {
    this.#read = true;
    this.#owner.bodyWanted();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#complete) this.#owner.bodyAbandoned();
    // As node:http's IncomingMessage: the error is emitted only to someone listening, so an
    // aborted body nobody reads never becomes an uncaught 'error'.
    callback(this.listenerCount('error') > 0 ? err : null);
  }
}
