/**
 * Test support: the ground truth of the differential test — a real node:http server on 127.0.0.1
 * port 0 fed through a raw socket. What its handlers, 'upgrade'/'connect' listeners and 'clientError'
 * see is recorded in the {@link Http1Observation} shape. Slower than the in-process llhttp oracle
 * (llhttp-oracle.ts), so it runs over the corpus, where it also proves that the fast oracle agrees.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { nodeDefaultMaxHeaderSize, nodeServerRejection } from './llhttp-oracle.ts';
import { finishMessages, type Http1Observation, type MessageDraft, type ObservedEnd } from './http1-observation.ts';

/** A node:http server that observes one connection at a time. */
export interface NodeHttpOracle {
  /** Sends `chunks` (one write each, then a half-close) and reports what the server made of them. */
  observe(chunks: readonly Buffer[]): Promise<Http1Observation>;
  close(): Promise<void>;
}

interface ConnectionRecord {
  readonly drafts: MessageDraft[];
  readonly delivered: Set<IncomingMessage>;
  readonly heads: Map<IncomingMessage, MessageDraft>;
  end: ObservedEnd;
  upgradeParts: Buffer[] | null;
}

interface RequestStartMessage {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly server: Server;
}

/** Starts the ground-truth server with node:http's defaults except `maxHeaderSize` when given. */
export async function startNodeHttpOracle(options: { readonly maxHeaderSize?: number } = {}): Promise<NodeHttpOracle> {
  const server = createServer({ maxHeaderSize: options.maxHeaderSize ?? nodeDefaultMaxHeaderSize });
  let record: ConnectionRecord | null = null;
  let closed: (() => void) | null = null;

  // 'http.server.request.start' is published for every parsed head before node:http's own checks
  // (missing Host → 400 without 'request'), so a head without a handler call was refused by node:http.
  const onRequestStart = (message: unknown): void => {
    const m = message as RequestStartMessage;
    if (m.server !== server || record === null) return;
    const req = m.request;
    const draft: MessageDraft = {
      method: req.method ?? '',
      target: req.url ?? '',
      status: 0,
      version: req.httpVersion,
      headers: req.rawHeaders.slice(),
      bodyParts: [],
      trailers: [],
      complete: false,
      keepAlive: m.response.shouldKeepAlive,
      upgrade: false,
    };
    record.drafts.push(draft);
    record.heads.set(req, draft);
    req.on('data', (b: Buffer) => draft.bodyParts.push(Buffer.from(b)));
  };
  subscribe('http.server.request.start', onRequestStart);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    record?.delivered.add(req);
    req.on('end', () => {
      const draft = record?.heads.get(req);
      if (draft !== undefined) {
        draft.complete = req.complete;
        draft.trailers = req.rawTrailers.slice();
      }
      res.end();
    });
  };
  server.on('request', handle);
  server.on('checkContinue', handle);
  server.on('checkExpectation', handle);
  const onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    if (record === null) return;
    // Upgrade heads skip parserOnIncoming's diagnostics publication, so they are recorded here.
    // Keep-alive means nothing once the connection is handed over; the comparison ignores it.
    record.drafts.push({
      method: req.method ?? '', target: req.url ?? '', status: 0, version: req.httpVersion,
      headers: req.rawHeaders.slice(), bodyParts: [], trailers: [], complete: true,
      keepAlive: false, upgrade: true,
    });
    const parts = [Buffer.from(head)];
    record.upgradeParts = parts;
    socket.on('data', (b: Buffer) => parts.push(Buffer.from(b)));
    socket.on('end', () => socket.end());
  };
  server.on('upgrade', onUpgrade);
  server.on('connect', onUpgrade);
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    if (record !== null && record.end.kind === 'clean') {
      const code = err.code ?? 'UNKNOWN';
      record.end = code === 'HPE_INVALID_EOF_STATE' ? { kind: 'truncated', code } : { kind: 'rejected', code };
    }
    socket.destroy();
  });
  server.on('connection', (socket: Socket) => {
    socket.on('close', () => closed?.());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    async observe(chunks) {
      const current: ConnectionRecord = {
        drafts: [], delivered: new Set(), heads: new Map(), end: { kind: 'clean' }, upgradeParts: null,
      };
      record = current;
      const serverSocketClosed = new Promise<void>((resolve) => { closed = resolve; });
      const client = connect(port, '127.0.0.1');
      const clientClosed = new Promise<void>((resolve) => client.on('close', () => resolve()));
      client.on('error', () => undefined);
      client.resume();
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      for (const chunk of chunks) client.write(chunk);
      client.end();
      await Promise.all([serverSocketClosed, clientClosed]);
      record = null;
      closed = null;
      return summarize(current);
    },
    async close() {
      unsubscribe('http.server.request.start', onRequestStart);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function summarize(r: ConnectionRecord): Http1Observation {
  const drafts: MessageDraft[] = [];
  for (const [i, d] of r.drafts.entries()) {
    const req = [...r.heads.entries()].find(([, draft]) => draft === d)?.[0];
    if (req !== undefined && !r.delivered.has(req)) {
      // Parsed but never handed to 'request': node:http refused it (and closes the connection).
      const code = nodeServerRejection(d.method, d.version, d.headers) ?? 'NODE_REFUSED';
      return { messages: finishMessages(drafts), end: { kind: 'rejected', code } };
    }
    if (d.method === 'PRI') return { messages: finishMessages(drafts), end: { kind: 'rejected', code: 'NODE_PRI_METHOD' } };
    drafts.push(d);
    if (d.upgrade && i === r.drafts.length - 1) {
      return { messages: finishMessages(drafts), end: { kind: 'upgraded', rest: Buffer.concat(r.upgradeParts ?? []) } };
    }
  }
  return { messages: finishMessages(drafts), end: r.end };
}

/** A raw TCP server whose bytes a node:http client request reads, one request per connection. */
export interface NodeHttpClientOracle {
  /** Sends a `method` request; the server answers with `chunks` (one write each) and closes. */
  observe(method: string, chunks: readonly Buffer[]): Promise<Http1Observation>;
  close(): Promise<void>;
}

/**
 * Starts the ground truth for the response side: what node:http's client (llhttp in response mode plus
 * lib/_http_client.js) reports for a server's bytes — 'information' heads, the response, its body and
 * trailers, an 'upgrade'/'connect' hand-over, or an error. Keep-alive is not observable from outside
 * node:http's client, so these observations say `keepAlive: false` and comparisons ignore it.
 */
export async function startNodeHttpClientOracle(): Promise<NodeHttpClientOracle> {
  let reply: readonly Buffer[] = [];
  const server = createNetServer((socket) => {
    socket.on('error', () => undefined);
    for (const chunk of reply) socket.write(chunk);
    socket.end();
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    observe(method, chunks) {
      reply = chunks;
      return new Promise<Http1Observation>((resolve) => {
        const drafts: MessageDraft[] = [];
        let end: ObservedEnd = { kind: 'clean' };
        let settled = false;
        const settle = (): void => {
          if (settled) return;
          settled = true;
          resolve({ messages: finishMessages(drafts), end });
        };
        const req = request({ host: '127.0.0.1', port, method, path: method === 'CONNECT' ? 'example.com:443' : '/', agent: false });
        const draftOf = (res: IncomingMessage, upgrade: boolean): MessageDraft => ({
          method: '', target: '', status: res.statusCode ?? 0, version: res.httpVersion, headers: res.rawHeaders.slice(),
          bodyParts: [], trailers: [], complete: upgrade, keepAlive: false, upgrade,
        });
        req.on('information', (info) => {
          drafts.push({
            method: '', target: '', status: info.statusCode, version: info.httpVersion, headers: info.rawHeaders.slice(),
            bodyParts: [], trailers: [], complete: true, keepAlive: false, upgrade: false,
          });
        });
        req.on('response', (res) => {
          const draft = draftOf(res, false);
          drafts.push(draft);
          res.on('data', (b: Buffer) => draft.bodyParts.push(Buffer.from(b)));
          res.on('end', () => {
            draft.complete = res.complete;
            draft.trailers = res.rawTrailers.slice();
            if (!res.complete) end = { kind: 'truncated', code: 'NODE_ABORTED' };
            settle();
          });
          res.on('error', (err: Error & { code?: string }) => {
            end = { kind: 'truncated', code: err.code ?? 'NODE_ABORTED' };
            settle();
          });
        });
        const onUpgrade = (res: IncomingMessage, socket: Socket, head: Buffer): void => {
          drafts.push(draftOf(res, true));
          const parts = [Buffer.from(head)];
          socket.on('data', (b: Buffer) => parts.push(Buffer.from(b)));
          socket.on('error', () => undefined);
          socket.on('close', () => {
            end = { kind: 'upgraded', rest: Buffer.concat(parts) };
            settle();
          });
        };
        req.on('upgrade', onUpgrade);
        req.on('connect', onUpgrade);
        req.on('error', (err: Error & { code?: string }) => {
          const code = err.code ?? 'UNKNOWN';
          end = code.startsWith('HPE_') ? { kind: 'rejected', code } : { kind: 'truncated', code };
          settle();
        });
        req.on('close', () => {
          // 'close' also follows a complete response; wait for 'end' (or the upgraded socket) then.
          if (drafts.length === 0 || drafts.every((d) => !d.upgrade && d.status < 200)) {
            if (end.kind === 'clean') end = { kind: 'truncated', code: 'NODE_NO_RESPONSE' };
            settle();
          }
        });
        req.end();
      });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
