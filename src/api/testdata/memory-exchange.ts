/**
 * Test support: an in-memory Exchange whose response is collected (status, header pairs, body).
 */
import { newExchangeLog, type Exchange, type ResponseSink } from '../../lib/exchange.ts';

/** What a handler wrote. */
export interface CollectedResponse {
  status: number;
  headers: string[];
  body: string;
  ended: boolean;
  /** First value of a header, case-insensitive. */
  header(name: string): string | undefined;
  json(): unknown;
}

/** A request as a test writes it. */
export interface MemoryRequest {
  readonly method?: string;
  /** Path with an optional `?query`, escaped as on the wire. */
  readonly target: string;
  readonly headers?: string[];
}

/** Creates an exchange for `request` and the object its response is collected in. */
export function createMemoryExchange(request: MemoryRequest): { exchange: Exchange; response: CollectedResponse } {
  const chunks: Buffer[] = [];
  const response: CollectedResponse = {
    status: 0,
    headers: [],
    body: '',
    ended: false,
    header(name) {
      for (let i = 0; i < this.headers.length; i += 2) {
        if (this.headers[i]!.toLowerCase() === name.toLowerCase()) return this.headers[i + 1];
      }
      return undefined;
    },
    json() {
      return JSON.parse(this.body) as unknown;
    },
  };
  const sink: ResponseSink = {
    headSent: false,
    writeHead(status, headers) {
      response.status = status;
      response.headers = [...headers];
      (sink as { headSent: boolean }).headSent = true;
    },
    write(chunk) {
      chunks.push(chunk);
      return true;
    },
    onDrain() {},
    end() {
      response.body = Buffer.concat(chunks).toString('utf8');
      response.ended = true;
    },
    destroy() {
      response.ended = true;
    },
    flush() {},
  };
  const queryAt = request.target.indexOf('?');
  const path = queryAt < 0 ? request.target : request.target.slice(0, queryAt);
  const query = queryAt < 0 ? '' : request.target.slice(queryAt + 1);
  const exchange: Exchange = {
    request: {
      method: request.method ?? 'GET',
      path,
      query,
      headers: request.headers ?? ['Host', 'localhost:8080'],
      httpVersion: '1.1',
      host: 'localhost',
      remoteAddress: '127.0.0.1',
      remotePort: 50000,
      clientIp: '127.0.0.1',
      localPort: 8080,
      tls: undefined,
      entryPoint: 'traefik',
    },
    body: null,
    response: sink,
    upgrade: null,
    signal: new AbortController().signal,
    clientGone: false,
    onClientGone: () => {},
    responseHeadHooks: [],
    log: newExchangeLog(0n, path, query),
  };
  return { exchange, response };
}
