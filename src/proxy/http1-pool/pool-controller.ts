/**
 * The controller a raw-pool request hands its handler (undici's `DispatchController`): the
 * handler pauses and resumes the response body (backpressure toward the server) and aborts the
 * request; `rawHeaders`/`rawTrailers` carry the server's fields as name/value pairs.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** What the controller drives: one request in a pool. */
export interface ControlledRequest {
  /** The handler resumed: deliver what was held back and read the socket again. */
  resumeResponse(): void;
  /** The handler gave up: fail the request with `reason` and drop its connection. */
  abort(reason: Error): void;
}

/** undici's controller contract, for one request of the raw pool. */
export class PoolController implements Dispatcher.DispatchController {
  rawHeaders: string[] | null = null;
  rawTrailers: string[] | null = null;
  readonly #request: ControlledRequest;
  #paused = false;
  #aborted = false;
  #reason: Error | null = null;

  constructor(request: ControlledRequest) {
    this.#request = request;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#request.resumeResponse();
  }

  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#request.abort(reason);
  }
}

/**
 * Name/value pairs as undici's parsed headers object: names lower-cased, repeated fields
 * collected into an array in order.
 */
export function headersObject(pairs: readonly string[]): IncomingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i]!.toLowerCase();
    const value = pairs[i + 1]!;
    if (!Object.hasOwn(out, name)) {
      // `__proto__` as a field name must become a field, not the prototype.
      if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, configurable: true, writable: true });
      else out[name] = value;
      continue;
    }
    const prev = out[name]!;
    if (typeof prev === 'string') out[name] = [prev, value];
    else prev.push(value);
  }
  return out;
}
