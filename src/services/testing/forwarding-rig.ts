/**
 * Test support only (never imported by production code): servers on 127.0.0.1 port 0 that record
 * what reached them, load balancers over them through the real proxy, and an in-memory client
 * exchange whose `done` settles when its response ended.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { LoadBalancerService } from '../../config/dynamic.ts';
import { loadBalancerSchema } from '../../config/http-services.ts';
import type { Clock } from '../../lib/clock.ts';
import { newExchangeLog, type Exchange, type ExchangeLog, type RequestHead, type ResponseHeadHook, type ResponseSink } from '../../lib/exchange.ts';
import { defaultTransport, type UpstreamPools } from '../../proxy/upstream-pools.ts';
import type { BuiltService } from '../built-service.ts';
import { createHealthRegistry } from '../health/server-health.ts';
import { createLoadBalancer } from '../load-balancer.ts';
import { createAffinityRegistry } from '../sticky/client-ip-affinity.ts';

/** One request as a server received it. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A server under test. `answer` gets each request once its body was read in full. */
export interface TestServer {
  readonly url: string;
  readonly seen: SeenRequest[];
  close(): void;
}

export type Answer = (request: SeenRequest, res: ServerResponse) => void;

export async function startServer(answer: Answer): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(request);
      answer(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Answers `status` with `body` and the given headers. */
export function answerWith(status: number, body: string, headers: Record<string, string> = {}): Answer {
  return (_request, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };
}

/** A loadBalancer service over `urls`, through the real proxy and `pools`. */
export function loadBalancer(name: string, urls: readonly string[], pools: UpstreamPools, clock: Clock): BuiltService {
  const config = loadBalancerSchema.parse({ servers: urls.map((url) => ({ url })) }) as LoadBalancerService;
  return createLoadBalancer(name, config, {
    pools,
    transport: defaultTransport,
    notAppendXForwardedFor: false,
    health: createHealthRegistry(clock),
    affinity: createAffinityRegistry(clock),
    clock,
    random: () => 0.5,
  });
}

/** What the client received. */
export interface ClientView {
  status: number;
  headers: string[];
  body: string;
  /** True when the response was torn down instead of ended. */
  destroyed: boolean;
}

/** The client's request: a body gets a Content-Length unless `chunked`. */
export interface ClientRequest {
  readonly method?: string;
  readonly target?: string;
  readonly headers?: readonly string[];
  readonly body?: Buffer | string;
  readonly chunked?: boolean;
}

export interface TestExchange {
  readonly exchange: Exchange;
  /** Settles when the response ended or was torn down. */
  readonly done: Promise<ClientView>;
  /** The client goes away. */
  goAway(): void;
}

class ClientSink implements ResponseSink {
  readonly view: ClientView = { status: 0, headers: [], body: '', destroyed: false };
  headSent = false;
  readonly #settle: (view: ClientView) => void;
  constructor(settle: (view: ClientView) => void) {
    this.#settle = settle;
  }
  writeHead(status: number, headers: string[]): void {
    if (this.headSent) throw new Error('writeHead called twice');
    this.headSent = true;
    this.view.status = status;
    this.view.headers = [...headers];
  }
  write(chunk: Buffer): boolean {
    this.view.body += chunk.toString('latin1');
    return true;
  }
  onDrain(): void {}
  end(): void {
    this.#settle(this.view);
  }
  destroy(): void {
    this.view.destroyed = true;
    this.#settle(this.view);
  }
  flush(): void {}
}

class ClientExchange implements Exchange {
  readonly request: RequestHead;
  readonly body: Readable | null;
  readonly response: ClientSink;
  readonly upgrade = null;
  readonly responseHeadHooks: ResponseHeadHook[] = [];
  readonly log: ExchangeLog;
  readonly signal = new AbortController().signal;
  clientGone = false;
  #goneListener: (() => void) | null = null;
  constructor(request: RequestHead, body: Readable | null, response: ClientSink) {
    this.request = request;
    this.body = body;
    this.response = response;
    this.log = newExchangeLog(0n, request.path, request.query);
  }
  onClientGone(listener: (() => void) | null): void {
    this.#goneListener = listener;
  }
  goAway(): void {
    this.clientGone = true;
    const l = this.#goneListener;
    this.#goneListener = null;
    l?.();
  }
}

export function testExchange(request: ClientRequest = {}): TestExchange {
  const target = request.target ?? '/';
  const q = target.indexOf('?');
  const headers = ['Host', 'example.com', ...(request.headers ?? [])];
  let body: Readable | null = null;
  if (request.body !== undefined) {
    const bytes = Buffer.from(request.body);
    if (request.chunked !== true) headers.push('Content-Length', String(bytes.length));
    // In small pieces, as a socket delivers them.
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 1000) pieces.push(bytes.subarray(i, i + 1000));
    body = Readable.from(pieces, { objectMode: false });
  }
  const head: RequestHead = {
    method: request.method ?? 'GET',
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
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
  let settle!: (view: ClientView) => void;
  const done = new Promise<ClientView>((resolve) => {
    settle = resolve;
  });
  const exchange = new ClientExchange(head, body, new ClientSink(settle));
  return { exchange, done, goAway: () => exchange.goAway() };
}

/** The first value of a header in raw pairs (case-insensitive), or undefined. */
export function headerOf(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === name) return headers[i + 1];
  return undefined;
}
