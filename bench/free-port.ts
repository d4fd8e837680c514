/**
 * Free loopback ports for the processes the benchmark starts. The kernel picks a port for a
 * throwaway listener; the port is then handed to nginx/HAProxy/Caddy/Switchyard, which cannot
 * take port 0 and report back. A port grabbed by someone else in between makes that process
 * fail to start, which the harness reports.
 */
import { createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
