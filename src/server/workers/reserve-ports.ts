/**
 * Ports for TCP entry points configured on port 0, chosen before the workers start so that
 * they all bind the same one. The control plane binds a socket with SO_REUSEPORT on port 0,
 * reads the port the kernel picked, writes it into the configuration the workers get, and
 * closes its socket once they listen: the port then belongs to the workers' sockets alone.
 * (No client knows the port before it is logged, so nothing connects to the reserving socket.)
 */
import { createServer, type Server } from 'node:net';
import type { StaticConfig } from '../../config/static.ts';

export interface PortReservation {
  /** The configuration with each port-0 TCP entry point's chosen port. */
  readonly config: StaticConfig;
  /** Closes the reserving sockets (call once the workers listen). */
  release(): void;
}

/** Reserves a port for every TCP entry point on port 0. */
export async function reservePorts(config: StaticConfig): Promise<PortReservation> {
  const servers: Server[] = [];
  const entryPoints: Record<string, StaticConfig['entryPoints'][string]> = {};
  try {
    for (const [name, ep] of Object.entries(config.entryPoints)) {
      if (ep.listen.protocol !== 'tcp' || ep.listen.port !== 0) {
        entryPoints[name] = ep;
        continue;
      }
      const server = createServer((socket) => socket.destroy());
      servers.push(server);
      const port = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: 0, reusePort: true, ...(ep.listen.host !== '' ? { host: ep.listen.host } : {}) }, () => {
          const address = server.address();
          if (address === null || typeof address === 'string') reject(new Error(`entry point ${name}: the reserved socket has no TCP address`));
          else resolve(address.port);
        });
      });
      entryPoints[name] = { ...ep, listen: { ...ep.listen, port } };
    }
  } catch (err) {
    for (const s of servers) s.close();
    throw err;
  }
  return {
    config: { ...config, entryPoints },
    release() {
      for (const s of servers) s.close();
    },
  };
}
