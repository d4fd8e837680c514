/**
 * Test support for the access log's tests: a finished exchange as the engine hands it over, and
 * a way to record exchanges and read back the lines written.
 */
import { Writable } from 'node:stream';
import { newExchangeLog, type Exchange, type ExchangeLog, type RequestHead } from '../lib/exchange.ts';
import { createAccessLog, type AccessLogOptions } from './access-log.ts';

/** 2009-11-10T23:00:00.123Z: the end of every request the tests record. */
export const END_MS = Date.UTC(2009, 10, 10, 23, 0, 0, 123);
/** 123.456789 ms: the request started at 23:00:00.000 UTC. */
export const DURATION_NS = 123_456_789n;

export interface ExchangeInit {
  readonly request?: Partial<RequestHead>;
  readonly log?: Partial<ExchangeLog>;
}

/** A finished exchange as the engine hands it to the access log. */
export function finishedExchange(init: ExchangeInit = {}): Exchange {
  const request: RequestHead = {
    method: 'GET',
    path: '/api/users',
    query: 'id=1',
    headers: ['Host', 'example.com:8443', 'User-Agent', 'curl/8.0', 'Referer', 'https://ref.example/'],
    httpVersion: '1.1',
    host: 'example.com',
    remoteAddress: '10.1.2.3',
    remotePort: 54321,
    clientIp: '10.1.2.3',
    localPort: 8443,
    tls: { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', serverName: 'example.com', alpn: 'http/1.1' },
    entryPoint: 'websecure',
    ...init.request,
  };
  const log: ExchangeLog = {
    ...newExchangeLog(0n, request.path, request.query),
    startNs: 0n,
    routerName: 'api@file',
    serviceName: 'api@file',
    serviceUrl: 'http://10.0.0.1:8080',
    serviceAddr: '10.0.0.1:8080',
    originStatus: 200,
    originContentSize: 1234,
    downstreamStatus: 200,
    downstreamContentSize: 1234,
    requestContentSize: 0,
    retryAttempts: 0,
    originalPath: request.path,
    originalQuery: request.query,
    ...init.log,
  };
  return {
    request,
    body: null,
    response: {
      writeHead() {}, write: () => true, onDrain() {}, end() {}, destroy() {}, flush() {}, headSent: true,
    },
    upgrade: null,
    signal: new AbortController().signal, clientGone: false, onClientGone: () => {},
    responseHeadHooks: [],
    log,
  };
}

/** A stream that keeps each write separately, to see the batching. */
export function collectingStream(): { stream: Writable; writes: string[]; text: () => string } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, writes, text: () => writes.join('') };
}

/** Records the exchanges and returns what was written after dispose. */
export async function logLines(options: AccessLogOptions, exchanges: readonly (readonly [Exchange, bigint])[]): Promise<string> {
  const out = collectingStream();
  const accessLog = createAccessLog({ ...options, output: out.stream, now: () => END_MS });
  for (const [exchange, duration] of exchanges) accessLog.record(exchange, duration);
  await accessLog.dispose();
  return out.text();
}

/** One exchange with its duration, as logLines takes them. */
export const once = (exchange: Exchange = finishedExchange(), duration = DURATION_NS): [Exchange, bigint][] =>
  [[exchange, duration]];
