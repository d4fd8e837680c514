/**
 * forwardAuth's client side: the connection pool to the auth server (TLS from `tls`) and one
 * auth call — no redirects followed, the whole call bounded by Traefik's 30 s client timeout,
 * the response body read into memory up to `maxResponseBodySize`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Pool, type Dispatcher } from 'undici';
import type { Clock } from '../../lib/clock.ts';
import type { ForwardAuthTlsConfig } from '../../config/http-middlewares-auth.ts';
import type { TransportSettings, UpstreamPools } from '../../proxy/upstream-pools.ts';
import { MiddlewareConfigError } from '../middleware.ts';

/** Traefik's http.Client timeout for auth calls: connect, headers and body together. */
export const AUTH_CALL_TIMEOUT_MS = 30_000;

/** The auth server's pool and how to give it back. */
export interface AuthServerPool {
  readonly pool: Dispatcher;
  release(): void;
}

/**
 * Transport of the auth server: Go's default transport (30 s dial, 90 s idle) with the TLS of
 * `tls`. The pool name is shared by every forwardAuth so equal settings share connections.
 */
export function authTransport(tls: ForwardAuthTlsConfig | undefined, ca: string | null): TransportSettings {
  return {
    name: 'forwardAuth@internal',
    dialTimeoutMs: 30_000,
    responseHeaderTimeoutMs: AUTH_CALL_TIMEOUT_MS,
    idleConnTimeoutMs: 90_000,
    insecureSkipVerify: tls?.insecureSkipVerify ?? false,
    serverName: '',
    rootCAs: ca === null ? [] : [ca],
  };
}

/**
 * Takes the pool for `origin`. The shared pools carry no client certificate, so with
 * `tls.cert`/`tls.key` the middleware owns a pool of its own (closed on release).
 */
export function acquireAuthPool(origin: string, tls: ForwardAuthTlsConfig | undefined, pools: UpstreamPools): AuthServerPool {
  const ca = tls?.ca !== undefined && tls.ca !== '' ? readPem(tls.ca, 'tls.ca') : null;
  const hasCert = tls?.cert !== undefined && tls.cert !== '';
  const hasKey = tls?.key !== undefined && tls.key !== '';
  if (hasCert !== hasKey) {
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_VALUE', hasCert ? 'tls.key' : 'tls.cert', 'tls.cert and tls.key must be set together');
  }
  const transport = authTransport(tls, ca);
  if (!hasCert) {
    const pool = pools.acquire(origin, transport);
    return { pool, release: () => pools.release(origin, transport) };
  }
  const cert = readPem(tls!.cert!, 'tls.cert');
  const key = readPem(tls!.key!, 'tls.key');
  const pool = new Pool(origin, {
    connectTimeout: transport.dialTimeoutMs,
    headersTimeout: transport.responseHeaderTimeoutMs,
    bodyTimeout: 0,
    keepAliveTimeout: transport.idleConnTimeoutMs,
    connect: { rejectUnauthorized: !transport.insecureSkipVerify, cert, key, ...(ca !== null ? { ca: [ca] } : {}) },
  });
  return { pool, release: () => void pool.close().catch(() => pool.destroy()) };
}

/** A PEM value given as a file path or inline, as Traefik's ClientTLS accepts both. */
function readPem(value: string, field: string): string {
  let text = value;
  if (!value.includes('-----BEGIN') && existsSync(value)) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (err) {
      throw new MiddlewareConfigError('MIDDLEWARE_FILE_UNREADABLE', field, `cannot read ${JSON.stringify(value)}: ${(err as Error).message}`);
    }
  }
  if (!text.includes('-----BEGIN')) throw new MiddlewareConfigError('MIDDLEWARE_INVALID_VALUE', field, `${field} is neither a readable PEM file nor PEM text`);
  return text;
}

/** The auth server's answer, body read in full. */
export interface AuthAnswer {
  readonly status: number;
  /** Raw header pairs, names lower-case as undici gives them. */
  readonly headers: string[];
  readonly body: Buffer;
}

/** Why an auth call gave no answer: Traefik answers 499 for the client's cancel, 500 otherwise. */
export type AuthCallFailure = 'client-gone' | 'failed' | 'response-too-large';

export interface AuthCall {
  readonly pool: Dispatcher;
  readonly method: string;
  /** Path and query of the address. */
  readonly path: string;
  readonly headers: string[];
  readonly body: Buffer | null;
  /** Negative: unlimited. */
  readonly maxResponseBodySize: number;
  readonly clock: Clock;
  /** Aborts the call (the client went away). */
  readonly signal: AbortSignal;
}

/** Performs one auth call. Never throws: a call that gives no answer is a failure value. */
export async function callAuthServer(call: AuthCall): Promise<AuthAnswer | AuthCallFailure> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(call.signal.reason);
  call.signal.addEventListener('abort', onAbort, { once: true });
  const timer = call.clock.setTimeout(() => controller.abort(new Error('auth call timed out')), AUTH_CALL_TIMEOUT_MS);
  try {
    if (call.signal.aborted) return 'client-gone';
    const res = await call.pool.request({
      path: call.path,
      method: call.method as Dispatcher.HttpMethod,
      headers: call.headers,
      body: call.body,
      signal: controller.signal,
    });
    const headers = headerPairs(res.headers);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (call.maxResponseBodySize >= 0 && size > call.maxResponseBodySize) {
        res.body.destroy();
        return 'response-too-large';
      }
      chunks.push(chunk);
    }
    return { status: res.statusCode, headers, body: Buffer.concat(chunks, size) };
  } catch {
    return call.signal.aborted ? 'client-gone' : 'failed';
  } finally {
    call.clock.clearTimeout(timer);
    call.signal.removeEventListener('abort', onAbort);
  }
}

/** undici's response header object as raw pairs (repeated headers arrive as arrays). */
function headerPairs(headers: Record<string, string | string[] | undefined>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else out.push(name, value);
  }
  return out;
}
