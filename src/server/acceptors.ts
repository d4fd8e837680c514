/**
 * Several listening sockets on one port (SO_REUSEPORT), all feeding one connection handler.
 *
 * Node 24's event loop accepts ONE connection per listening socket per turn (seen with strace:
 * exactly one accept4 per epoll_pwait). Under load a turn takes milliseconds, so a burst of 500
 * new connections took 2.2 s to accept and their first requests timed out. The kernel spreads
 * new connections over every socket bound with SO_REUSEPORT, so N sockets accept N per turn.
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';

export interface Acceptors {
  readonly host: string;
  readonly port: number;
  /** Stops accepting; connections already accepted are the handler's to close. */
  close(): void;
}

/** How many listening sockets an entry point opens (Linux; elsewhere one). */
export const defaultAcceptorCount = 16;

function listenOne(server: NetServer, host: string, port: number, reusePort: boolean): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const options = { port, backlog: 4096, ...(host !== '' ? { host } : {}), ...(reusePort ? { reusePort: true } : {}) };
    server.listen(options, () => {
      server.off('error', reject);
      const a = server.address();
      if (a === null || typeof a === 'string') reject(new Error('listener has no TCP address'));
      else resolve({ host: a.address, port: a.port });
    });
  });
}

/**
 * Opens `count` listening sockets on host:port (port 0: the first picks one, the rest join it)
 * and hands every accepted connection to `onConnection`. Falls back to one socket where the
 * platform has no SO_REUSEPORT.
 */
export async function listenWithAcceptors(onConnection: (socket: Socket) => void, host: string, port: number, count = defaultAcceptorCount): Promise<Acceptors> {
  const servers: NetServer[] = [];
  const open = (): NetServer => {
    // Half-open: a TCP client that finishes sending still gets the server's answer (Traefik's
    // half-close); node:http handles half-open sockets itself.
    const s = createServer({ allowHalfOpen: true }, onConnection);
    servers.push(s);
    return s;
  };
  let reusePort = process.platform === 'linux' && count > 1;
  let bound: { host: string; port: number };
  try {
    bound = await listenOne(open(), host, port, reusePort);
  } catch (err) {
    if (!reusePort || (err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw err;
    servers.length = 0;
    reusePort = false;
    bound = await listenOne(open(), host, port, false);
  }
  if (reusePort) {
    for (let i = 1; i < count; i++) await listenOne(open(), host, bound.port, true);
  }
  return {
    host: bound.host,
    port: bound.port,
    close() {
      for (const s of servers) s.close();
    },
  };
}
