/**
 * One dispatched request of the raw pool, as its handler sees it: the undici handler callbacks in
 * undici's order and with undici's guarantees (at most one of onResponseEnd, onResponseError and
 * onRequestUpgrade; nothing after it; a handler that throws aborts the request), whatever
 * connection — or connections, after a retry — it ran on.
 *
 * The request body belongs to the request: when the request fails, or ends before its body was
 * all sent, the body is destroyed (as undici does, without touching an IncomingMessage's socket,
 * so the client still gets its 502); a body error fails the request.
 */
import { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { headersObject, PoolController, type ControlledRequest } from './pool-controller.ts';
import type { RequestHead } from './request-head.ts';
import type { RequestBody } from './request-writer.ts';

/** The connection a request is on, as the request needs it. */
export interface RequestConnection {
  /** Read the socket again (the handler resumed). */
  resumeReading(): void;
  /** The request is over on the handler's side: drop the connection. */
  abandon(reason: Error): void;
}

type Phase = 'pending' | 'response' | 'done';

export class PoolRequest implements ControlledRequest {
  readonly head: RequestHead;
  readonly body: RequestBody;
  readonly controller: PoolController;
  /** Per-request override of the pool's response header timeout (undici's `headersTimeout`). */
  readonly headersTimeoutMs: number | null;
  readonly #handler: Dispatcher.DispatchHandler;
  #connection: RequestConnection | null = null;
  #phase: Phase = 'pending';

  constructor(head: RequestHead, body: RequestBody, handler: Dispatcher.DispatchHandler, headersTimeoutMs: number | null) {
    this.head = head;
    this.body = body;
    this.#handler = handler;
    this.headersTimeoutMs = headersTimeoutMs;
    this.controller = new PoolController(this);
    if (body instanceof Readable) body.on('error', this.#onBodyError);
  }

  /** True once the handler got its last callback. */
  get done(): boolean {
    return this.#phase === 'done';
  }

  /** True once a response head reached the handler. */
  get responding(): boolean {
    return this.#phase === 'response';
  }

  /** Hands the handler its controller. Returns false when the handler aborted at once. */
  start(): boolean {
    try {
      this.#handler.onRequestStart?.(this.controller, null);
    } catch (err) {
      this.fail(err as Error);
    }
    return this.#phase !== 'done';
  }

  /** The request now runs on `connection`. */
  attach(connection: RequestConnection | null): void {
    this.#connection = connection;
  }

  requestSent(): void {
    if (this.#phase === 'done') return;
    try {
      this.#handler.onRequestSent?.();
    } catch (err) {
      this.abort(err as Error);
    }
  }

  /** A 1xx head other than 100 and 101 (undici reports those to the handler; forward ignores them). */
  informational(status: number, pairs: string[], statusText: string): void {
    this.#callStart(status, pairs, statusText);
  }

  /** The final response head. */
  responseStart(status: number, pairs: string[], statusText: string): void {
    this.#phase = 'response';
    this.#callStart(status, pairs, statusText);
  }

  /** A body chunk; returns false when the handler paused (or aborted). */
  responseData(chunk: Buffer): boolean {
    if (this.#phase === 'done') return false;
    try {
      this.#handler.onResponseData?.(this.controller, chunk);
    } catch (err) {
      this.abort(err as Error);
      return false;
    }
    return !this.controller.paused && !this.done;
  }

  /** The response ended; `trailers` are raw pairs (empty when none). */
  responseEnd(trailers: string[]): void {
    if (this.#phase === 'done') return;
    this.#finish(false);
    this.controller.rawTrailers = trailers;
    try {
      this.#handler.onResponseEnd?.(this.controller, headersObject(trailers));
    } catch (err) {
      this.#callError(err as Error);
    }
  }

  /** The server switched protocols: the socket is the handler's now. */
  upgrade(status: number, pairs: string[], socket: Duplex): void {
    if (this.#phase === 'done') {
      socket.destroy();
      return;
    }
    this.#finish(false);
    this.controller.rawHeaders = pairs;
    try {
      this.#handler.onRequestUpgrade?.(this.controller, status, headersObject(pairs), socket);
    } catch (err) {
      socket.destroy(err as Error);
      this.#callError(err as Error);
    }
  }

  /** The request failed (connection, timeout, protocol or body error). */
  fail(err: Error): void {
    if (this.#phase === 'done') return;
    this.#finish(true);
    this.#callError(err);
  }

  /** From the controller: the handler gave up. */
  abort(reason: Error): void {
    if (this.#phase === 'done') return;
    const connection = this.#connection;
    this.fail(reason);
    connection?.abandon(reason);
  }

  /** From the controller. */
  resumeResponse(): void {
    if (this.#phase !== 'done') this.#connection?.resumeReading();
  }

  #callStart(status: number, pairs: string[], statusText: string): void {
    this.controller.rawHeaders = pairs;
    try {
      this.#handler.onResponseStart?.(this.controller, status, headersObject(pairs), statusText);
    } catch (err) {
      this.abort(err as Error);
    }
  }

  #callError(err: Error): void {
    this.#handler.onResponseError?.(this.controller, err);
  }

  /** Last callback coming: release the body (destroyed unless it was sent in full). */
  #finish(failed: boolean): void {
    this.#phase = 'done';
    this.#connection = null;
    const body = this.body;
    if (!(body instanceof Readable)) return;
    body.off('error', this.#onBodyError);
    if (body.destroyed || (body.readableEnded && !failed)) return;
    // undici's util.destroy: an IncomingMessage is destroyed without its socket, which still
    // carries the response to the client.
    if (Object.getPrototypeOf(body) === IncomingMessage.prototype) (body as unknown as { socket: null }).socket = null;
    // Without an error: nobody listens for one any more.
    body.destroy();
  }

  readonly #onBodyError = (err: Error): void => {
    this.abort(err);
  };
}
