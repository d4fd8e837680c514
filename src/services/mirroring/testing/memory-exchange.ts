/**
 * Test support only (never imported by production code): an in-memory Exchange with an optional
 * streaming request body, whose response sink records exactly what the client would receive and
 * tells when the response is over.
 */
import type { Readable } from 'node:stream';
import { newExchangeLog, type Exchange, type RequestHead, type ResponseHeadHook, type ResponseSink } from '../../../lib/exchange.ts';

/** What the client received. `status` is 0 while no head was written. */
export interface ClientView {
  status: number;
  headers: string[];
  readonly chunks: Buffer[];
  /** 'ended' after end(), 'destroyed' after destroy(), '' while open. */
  outcome: '' | 'ended' | 'destroyed';
}

export interface MemoryRequest {
  readonly method?: string;
  /** Path with an optional `?query`. */
  readonly target?: string;
  /** Raw header pairs; `Host: example.com` is added when absent. */
  readonly headers?: readonly string[];
  /** The request body stream (a PassThrough the test writes to), or null. */
  readonly body?: Readable | null;
  /** Makes it an upgrade request (the socket is never used by these tests). */
  readonly upgrade?: boolean;
}

export interface MemoryExchange extends Exchange {
  readonly client: ClientView;
  /** Resolves once the response ended or was destroyed. */
  readonly done: Promise<ClientView>;
  /** The body the client received, concatenated. */
  receivedBody(): Buffer;
  /** Simulates the client going away. */
  goAway(): void;
}

class RecordingSink implements ResponseSink {
  readonly view: ClientView = { status: 0, headers: [], chunks: [], outcome: '' };
  readonly done: Promise<ClientView>;
  readonly #resolve: (view: ClientView) => void;
  headSent = false;

  constructor() {
    const { promise, resolve } = Promise.withResolvers<ClientView>();
    this.done = promise;
    this.#resolve = resolve;
  }

  writeHead(status: number, headers: string[]): void {
    if (this.headSent) throw new Error('writeHead called twice');
    this.headSent = true;
    this.view.status = status;
    this.view.headers = [...headers];
  }

  write(chunk: Buffer): boolean {
    if (this.view.outcome !== '') throw new Error('write after the response was over');
    this.view.chunks.push(Buffer.from(chunk));
    return true;
  }

  onDrain(): void {}

  end(): void {
    this.#over('ended');
  }

  destroy(): void {
    this.#over('destroyed');
  }

  flush(): void {}

  #over(outcome: 'ended' | 'destroyed'): void {
    if (this.view.outcome !== '') return;
    this.view.outcome = outcome;
    this.#resolve(this.view);
  }
}

/** Builds an exchange for one request. */
export function memoryExchange(request: MemoryRequest = {}): MemoryExchange {
  const target = request.target ?? '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  const headers = [...(request.headers ?? [])];
  if (!headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host')) headers.unshift('Host', 'example.com');
  const head: RequestHead = {
    method: request.method ?? 'GET',
    path,
    query,
    headers,
    httpVersion: '1.1',
    host: 'example.com',
    remoteAddress: '192.0.2.10',
    remotePort: 50000,
    clientIp: '192.0.2.10',
    localPort: 80,
    tls: undefined,
    entryPoint: 'web',
  };
  const sink = new RecordingSink();
  const controller = new AbortController();
  let gone = false;
  let goneListener: (() => void) | null = null;
  const hooks: ResponseHeadHook[] = [];
  return {
    request: head,
    body: request.body ?? null,
    response: sink,
    upgrade: request.upgrade === true ? { socket: null as never, head: Buffer.alloc(0) } : null,
    get signal() {
      return controller.signal;
    },
    get clientGone() {
      return gone;
    },
    onClientGone(listener) {
      goneListener = listener;
    },
    responseHeadHooks: hooks,
    log: newExchangeLog(0n, path, query),
    client: sink.view,
    done: sink.done,
    receivedBody: () => Buffer.concat(sink.view.chunks),
    goAway() {
      if (gone) return;
      gone = true;
      controller.abort();
      const l = goneListener;
      goneListener = null;
      l?.();
    },
  };
}
