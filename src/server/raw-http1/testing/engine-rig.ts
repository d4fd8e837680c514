/**
 * Test support only: an entry point engine (raw or node) behind a real listener on 127.0.0.1
 * port 0, fed the way entry-point-listener.ts feeds it, with a handler written against the
 * Exchange seam; and a raw-socket client that splits what it reads into whole responses, so
 * tests wait for events, never for time.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Exchange } from '../../../lib/exchange.ts';
import { createIpRangeSet } from '../../../lib/ip-range.ts';
import { createManualClock, type ManualClock } from '../../../lib/manual-clock.ts';
import { createHttpEntryPoint, type HttpEntryPoint, type HttpEntryPointOptions } from '../../http-entry-point.ts';
import { createRawHttp1EntryPoint } from '../raw-http1-entry-point.ts';

export type EngineName = 'raw' | 'node';

export interface EngineRig {
  readonly port: number;
  readonly entryPoint: HttpEntryPoint;
  readonly clock: ManualClock;
  /** Exchanges seen by the handler, in order. */
  readonly exchanges: Exchange[];
  /** onDone calls, in order. */
  readonly done: Exchange[];
  /** The server side of every accepted connection, in order. */
  readonly sockets: Socket[];
  close(): Promise<void>;
}

export interface RigOptions {
  readonly readTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly maxHeaderBytes?: number;
  readonly lingerMs?: number;
}

/** Starts `engine` with `handler` behind a listener on 127.0.0.1:0. */
export async function startEngineRig(engine: EngineName, handler: (exchange: Exchange) => void, options: RigOptions = {}): Promise<EngineRig> {
  const clock = createManualClock(1_000_000);
  const exchanges: Exchange[] = [];
  const done: Exchange[] = [];
  const sockets: Socket[] = [];
  const base: HttpEntryPointOptions = {
    name: 'web',
    forwarded: { insecure: false, trustedIPs: createIpRangeSet([]).set, serverName: 'rig', addXForwardedSchemeHeaders: false },
    readTimeoutMs: options.readTimeoutMs ?? 60_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 180_000,
    maxHeaderBytes: options.maxHeaderBytes ?? 1_048_576,
    sanitizePath: true,
    encodeQuerySemicolons: false,
    http2: { maxConcurrentStreams: 250, maxDecoderHeaderTableSize: 4096, maxEncoderHeaderTableSize: 4096 },
    dispatch(exchange) {
      exchanges.push(exchange);
      handler(exchange);
    },
    onDone(exchange) {
      done.push(exchange);
    },
  };
  const entryPoint = engine === 'raw'
    ? createRawHttp1EntryPoint({ ...base, clock, ...(options.lingerMs !== undefined ? { lingerMs: options.lingerMs } : {}) })
    : createHttpEntryPoint(base);
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    sockets.push(socket);
    entryPoint.serve(socket, 'http/1.1');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    port: address.port,
    entryPoint,
    clock,
    exchanges,
    done,
    sockets,
    async close() {
      entryPoint.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One response as the client read it. */
export interface ReadResponse {
  readonly status: number;
  /** Head as received, status line through the empty line. */
  readonly head: string;
  readonly headers: [string, string][];
  /** Body bytes after de-chunking, as latin1. */
  readonly body: string;
  /** Trailer lines of a chunked body. */
  readonly trailers: [string, string][];
  /** The exact bytes of the whole response, as latin1. */
  readonly raw: string;
}

/** A raw client connection that reads whole responses. */
export interface RawClient {
  readonly socket: Socket;
  write(text: string | Buffer): void;
  /**
   * Resolves with the next response. `headRequest`: the request was HEAD (no body follows).
   * A response without framing is read until the server closes.
   */
  response(options?: { headRequest?: boolean }): Promise<ReadResponse>;
  /** Resolves when the server closed the connection (end or close), with the bytes left unread. */
  closed(): Promise<string>;
  /** Everything received so far that no `response()` took. */
  readonly unread: string;
}

/** Connects a raw client to the rig. */
export async function rawClient(port: number): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  let buffered = '';
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    notify();
  });
  socket.on('end', () => {
    ended = true;
    notify();
  });
  socket.on('close', () => {
    ended = true;
    notify();
  });
  socket.on('error', () => {});
  const more = (): Promise<void> => new Promise((resolve) => {
    wake = resolve;
  });

  return {
    socket,
    get unread() {
      return buffered;
    },
    write(text) {
      socket.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
    },
    async response(options = {}) {
      for (;;) {
        const parsed = splitResponse(buffered, ended, options.headRequest === true);
        if (parsed !== null) {
          buffered = buffered.slice(parsed.raw.length);
          return parsed;
        }
        if (ended) throw new Error(`connection closed before a whole response; got ${JSON.stringify(buffered)}`);
        await more();
      }
    },
    async closed() {
      while (!ended) await more();
      return buffered;
    },
  };
}

/** The first whole response in `text`, or null when more bytes are needed. */
function splitResponse(text: string, ended: boolean, headRequest: boolean): ReadResponse | null {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = text.slice(0, headEnd + 4);
  const lines = head.slice(0, -4).split('\r\n');
  const status = Number(lines[0]!.split(' ')[1]);
  const headers: [string, string][] = lines.slice(1).map((l) => {
    const c = l.indexOf(':');
    return [l.slice(0, c), l.slice(c + 1).trim()];
  });
  const get = (name: string): string | undefined => headers.find(([k]) => k.toLowerCase() === name)?.[1];
  let pos = headEnd + 4;
  const bodyless = headRequest || status === 204 || status === 304 || (status >= 100 && status < 200);
  if (bodyless) return { status, head, headers, body: '', trailers: [], raw: text.slice(0, pos) };
  const te = get('transfer-encoding');
  if (te !== undefined && /chunked/i.test(te)) {
    let body = '';
    for (;;) {
      const lineEnd = text.indexOf('\r\n', pos);
      if (lineEnd < 0) return null;
      const size = parseInt(text.slice(pos, lineEnd).split(';')[0]!, 16);
      pos = lineEnd + 2;
      if (size === 0) break;
      if (text.length < pos + size + 2) return null;
      body += text.slice(pos, pos + size);
      pos += size + 2;
    }
    const trailers: [string, string][] = [];
    for (;;) {
      const lineEnd = text.indexOf('\r\n', pos);
      if (lineEnd < 0) return null;
      const line = text.slice(pos, lineEnd);
      pos = lineEnd + 2;
      if (line === '') break;
      const c = line.indexOf(':');
      trailers.push([line.slice(0, c), line.slice(c + 1).trim()]);
    }
    return { status, head, headers, body, trailers, raw: text.slice(0, pos) };
  }
  const cl = get('content-length');
  if (cl !== undefined) {
    const n = Number(cl);
    if (text.length < pos + n) return null;
    return { status, head, headers, body: text.slice(pos, pos + n), trailers: [], raw: text.slice(0, pos + n) };
  }
  if (!ended) return null;
  return { status, head, headers, body: text.slice(pos), trailers: [], raw: text };
}

/** Waits until `predicate` holds, checking after each turn of the event loop (bounded). */
export async function eventually(predicate: () => boolean, what: string, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}
