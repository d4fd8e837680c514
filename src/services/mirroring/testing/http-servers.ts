/**
 * Test support only: real `node:http` servers on 127.0.0.1 port 0, and a handler that reaches
 * one of them through the real proxy (`forward` over a pool from createUpstreamPools), as a
 * loadBalancer with one server does.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Handler } from '../../../lib/exchange.ts';
import { forward, type ServerTarget } from '../../../proxy/forward.ts';
import { defaultTransport, type UpstreamPools } from '../../../proxy/upstream-pools.ts';

export interface TestServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with an ephemeral port. */
export async function startServer(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A URL where nothing listens (a server was started there and closed). */
export async function deadUrl(): Promise<string> {
  const s = await startServer(() => {});
  await s.close();
  return s.url;
}

/** What a server received in one request. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: readonly string[];
  readonly bytes: number;
  /** SHA-256 of the body, hex. */
  readonly sha256: string;
}

/** Reads a whole request body, hashing it. */
export function readRequest(req: IncomingMessage): Promise<ReceivedRequest> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => resolve({ method: req.method ?? '', url: req.url ?? '', headers: req.rawHeaders, bytes, sha256: hash.digest('hex') }));
    req.on('error', reject);
  });
}

/** A handler forwarding every request to `url` through a pool taken from `pools`. */
export function proxyTo(url: string, pools: UpstreamPools): Handler {
  const u = new URL(url);
  const target: ServerTarget = {
    url,
    origin: u.origin,
    address: u.host,
    host: u.host,
    basePath: '',
    pool: pools.acquire(u.origin, defaultTransport),
  };
  return (exchange) => forward(exchange, target, { passHostHeader: true, notAppendXForwardedFor: false });
}

/** SHA-256 of a buffer, hex. */
export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
