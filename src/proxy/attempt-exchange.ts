/**
 * One attempt of a request whose response may be thrown away (status-based failover, retry): a
 * derived Exchange that shares the request head, the log and the client connection with the
 * real one, has its own body and its own response-head hooks, and holds the response head until
 * `decide` says whether the client gets it.
 *
 * A released attempt streams through to the client: its head goes out through the real
 * exchange's hooks (after the attempt's own, so the innermost middleware still edits first). A
 * discarded attempt writes nothing to the client; its body is read to the end and dropped, as
 * Traefik drains it, so the server connection stays reusable and the attempt is over before the
 * next one starts (the two never share the log or the client-gone slot).
 *
 * Shared by the failover service and the retry middleware.
 */
import type { Readable } from 'node:stream';
import { writeHeadThroughHooks, type Exchange, type ExchangeLog, type RequestHead, type ResponseSink } from '../lib/exchange.ts';
import { deriveExchange } from '../lib/derived-exchange.ts';

/** How an attempt ended, as far as the caller needs to know. */
export type AttemptOutcome =
  /** The client got this attempt's answer (its response, or the reset of a torn-down one). */
  | 'released'
  /** Nothing reached the client and the discarded response is over: another attempt may run. */
  | 'discarded';

/** Says, from the status and head the attempt produced, whether the client gets it. */
export type HeadDecision = (status: number, headers: readonly string[]) => boolean;

/** A running attempt: the exchange to hand to the next handler, and how it ends. */
export interface Attempt {
  readonly exchange: Exchange;
  /**
   * Settles 'released' as soon as the head (or a tear-down before any head) went to the client,
   * 'discarded' once a held-back response has ended.
   */
  readonly outcome: Promise<AttemptOutcome>;
}

const WAITING = 0;
const RELEASED = 1;
const DISCARDING = 2;
const FINISHED = 3;
type State = typeof WAITING | typeof RELEASED | typeof DISCARDING | typeof FINISHED;

/** The attempt's ResponseSink: holds the head, then passes everything on or drops it. */
class HeldResponse implements ResponseSink {
  readonly #parent: Exchange;
  readonly #decide: HeadDecision;
  readonly #settle: (outcome: AttemptOutcome) => void;
  #state: State = WAITING;

  constructor(parent: Exchange, decide: HeadDecision, settle: (outcome: AttemptOutcome) => void) {
    this.#parent = parent;
    this.#decide = decide;
    this.#settle = settle;
  }

  get headSent(): boolean {
    return this.#state !== WAITING;
  }

  writeHead(status: number, headers: string[]): void {
    if (this.#state !== WAITING) return;
    if (this.#decide(status, headers)) {
      this.#state = RELEASED;
      writeHeadThroughHooks(this.#parent, status, headers);
      this.#settle('released');
    } else {
      this.#state = DISCARDING;
    }
  }

  write(chunk: Buffer): boolean {
    if (this.#state === RELEASED) return this.#parent.response.write(chunk);
    return true; // discarded bytes: dropped, never a reason to pause the server
  }

  onDrain(listener: () => void): void {
    if (this.#state === RELEASED) this.#parent.response.onDrain(listener);
  }

  end(trailers?: string[]): void {
    if (this.#state === RELEASED) this.#parent.response.end(trailers);
    else if (this.#state === DISCARDING) this.#finish();
    else if (this.#state === WAITING) this.#release(() => this.#parent.response.end(trailers));
  }

  destroy(err?: Error): void {
    if (this.#state === RELEASED) this.#parent.response.destroy(err);
    else if (this.#state === DISCARDING) this.#finish();
    // Torn down before any head (the client went away, or a handler gave up): nothing to retry.
    else if (this.#state === WAITING) this.#release(() => this.#parent.response.destroy(err));
  }

  flush(): void {
    if (this.#state === RELEASED) this.#parent.response.flush();
  }

  #release(pass: () => void): void {
    this.#state = RELEASED;
    pass();
    this.#settle('released');
  }

  #finish(): void {
    this.#state = FINISHED;
    this.#settle('discarded');
  }
}

/**
 * Starts an attempt of `parent` with `body` (a fresh stream per attempt, or null). The caller
 * runs the next handler on `exchange`, then awaits `outcome`.
 */
export function startAttempt(parent: Exchange, body: Readable | null, decide: HeadDecision): Attempt {
  let settle!: (outcome: AttemptOutcome) => void;
  const outcome = new Promise<AttemptOutcome>((resolve) => {
    settle = resolve;
  });
  // The same RequestHead object (attempt tracking in proxy/attempts.ts is keyed by it); the
  // attempt's own response-head hooks, so middlewares inside it register once per attempt.
  const exchange = deriveExchange(parent, new HeldResponse(parent, decide, settle), { body });
  return { exchange, outcome };
}

/** A decision that lets every head through (the last attempt, the fallback's replay). */
export const releaseEveryHead: HeadDecision = () => true;

/** The parts of a request head that handlers rewrite, as they were before the first attempt. */
export interface RequestHeadSnapshot {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: readonly string[];
  readonly clientIp: string;
}

export function snapshotRequestHead(request: RequestHead): RequestHeadSnapshot {
  return { method: request.method, path: request.path, query: request.query, headers: [...request.headers], clientIp: request.clientIp };
}

/** Puts the head back as it was, so rewrites inside an attempt are not applied twice. */
export function restoreRequestHead(request: RequestHead, snapshot: RequestHeadSnapshot): void {
  request.method = snapshot.method;
  request.path = snapshot.path;
  request.query = snapshot.query;
  request.headers = [...snapshot.headers];
  request.clientIp = snapshot.clientIp;
}

/**
 * Clears what the previous attempt recorded about the server's response, so the access log
 * describes the attempt whose response the client got. `originStartNs` back at 0n also lets a
 * caller tell afterwards whether the attempt reached the proxy at all.
 */
export function resetOriginFacts(log: ExchangeLog): void {
  log.originStatus = 0;
  log.originContentSize = 0;
  log.originStartNs = 0n;
  log.originDurationNs = 0n;
}
