/**
 * Test support only (never imported by production code): an in-memory Exchange whose
 * ResponseSink records what the client would receive, and a terminal handler that records what
 * reached it. Middleware tests build a request, run `middleware(next)(exchange)`, then assert
 * on `next.seen` (what the server side got) and `exchange.sent` (what the client got).
 */
import type { Exchange, ExchangeLog, Handler, RequestHead, ResponseHeadHook, ResponseSink, TlsFacts } from '../../lib/exchange.ts';
import { newExchangeLog, writeHeadThroughHooks } from '../../lib/exchange.ts';

/** What the client received. `status` is 0 while no head was written. */
export interface SentResponse {
  status: number;
  headers: string[];
  body: string;
  ended: boolean;
}

/** The request as a test writes it; everything has a plain default. */
export interface FakeRequest {
  readonly method?: string;
  /** Path with an optional `?query`, escaped, e.g. `/api/x?a=1`. */
  readonly target?: string;
  /** Raw header pairs. `Host: example.com` is added when no Host header is given. */
  readonly headers?: readonly string[];
  /** Canonical host; defaults to the Host header without port, lower-cased. */
  readonly host?: string;
  readonly tls?: boolean;
  readonly remoteAddress?: string;
}

/** An Exchange plus what its response sink recorded. */
export interface FakeExchange extends Exchange {
  readonly sent: SentResponse;
  /** Resolves when the response ended or was destroyed. */
  readonly done: Promise<SentResponse>;
}

const fakeTls: TlsFacts = { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', serverName: 'example.com', alpn: 'http/1.1' };

class RecordingSink implements ResponseSink {
  readonly sent: SentResponse = { status: 0, headers: [], body: '', ended: false };
  headSent = false;
  #resolve: (sent: SentResponse) => void = () => {};
  readonly done = new Promise<SentResponse>((resolve) => {
    this.#resolve = resolve;
  });
  writeHead(status: number, headers: string[]): void {
    if (this.headSent) throw new Error('writeHead called twice');
    this.headSent = true;
    this.sent.status = status;
    this.sent.headers = [...headers];
  }
  write(chunk: Buffer): boolean {
    this.sent.body += chunk.toString('utf8');
    return true;
  }
  onDrain(): void {}
  end(): void {
    this.sent.ended = true;
    this.#resolve(this.sent);
  }
  destroy(): void {
    this.sent.ended = true;
    this.#resolve(this.sent);
  }
  flush(): void {}
}

/** Builds an exchange for one request. */
export function fakeExchange(request: FakeRequest = {}): FakeExchange {
  const target = request.target ?? '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  const headers = [...(request.headers ?? [])];
  let hostHeader: string | undefined;
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === 'host') hostHeader = headers[i + 1];
  if (hostHeader === undefined) {
    hostHeader = 'example.com';
    headers.unshift('Host', hostHeader);
  }
  const head: RequestHead = {
    method: request.method ?? 'GET',
    path,
    query,
    headers,
    httpVersion: '1.1',
    host: request.host ?? hostHeader.replace(/:\d+$/, '').toLowerCase(),
    remoteAddress: request.remoteAddress ?? '192.0.2.10',
    remotePort: 50000,
    clientIp: request.remoteAddress ?? '192.0.2.10',
    localPort: request.tls === true ? 443 : 80,
    tls: request.tls === true ? fakeTls : undefined,
    entryPoint: request.tls === true ? 'websecure' : 'web',
  };
  const log: ExchangeLog = newExchangeLog(0n, path, query);
  const sink = new RecordingSink();
  const hooks: ResponseHeadHook[] = [];
  return {
    request: head,
    body: null,
    response: sink,
    upgrade: null,
    signal: new AbortController().signal,
    clientGone: false,
    onClientGone: () => {},
    responseHeadHooks: hooks,
    log,
    sent: sink.sent,
    done: sink.done,
  };
}

/** The request head as the terminal handler saw it (copied at that moment). */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: readonly string[];
}

/** A terminal handler (the "service") that records each request and answers it. */
export interface RecordingHandler extends Handler {
  /** Requests that reached this handler, in order. */
  readonly seen: SeenRequest[];
}

/** What the terminal handler answers: through the hooks, like the proxy does. */
export interface CannedResponse {
  readonly status?: number;
  readonly headers?: readonly string[];
  readonly body?: string;
}

/** Creates a terminal handler that records what reached it and answers `response`. */
export function recordingHandler(response: CannedResponse = {}): RecordingHandler {
  const seen: SeenRequest[] = [];
  const handler = (exchange: Exchange): void => {
    const { method, path, query, headers } = exchange.request;
    seen.push({ method, path, query, headers: [...headers] });
    const body = Buffer.from(response.body ?? 'ok');
    const head = [...(response.headers ?? []), 'Content-Length', String(body.length)];
    writeHeadThroughHooks(exchange, response.status ?? 200, head);
    if (body.length > 0) exchange.response.write(body);
    exchange.response.end();
  };
  return Object.assign(handler, { seen });
}

