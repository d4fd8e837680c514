/**
 * Two tiny demo servers for the quickstart: each answers with its name, the path it saw and
 * the request headers Switchyard added, so weighted round robin and header handling show.
 */
import { createServer, type Server } from 'node:http';

export interface DemoServer {
  readonly name: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts one demo server on 127.0.0.1:port (0 = any free port). */
export function startDemoServer(name: string, port: number): Promise<DemoServer> {
  const server: Server = createServer((req, res) => {
    const body = JSON.stringify({
      server: name,
      method: req.method,
      url: req.url,
      host: req.headers.host,
      forwardedFor: req.headers['x-forwarded-for'],
      forwardedProto: req.headers['x-forwarded-proto'],
    }) + '\n';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const a = server.address();
      resolve({
        name,
        port: typeof a === 'object' && a !== null ? a.port : port,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
