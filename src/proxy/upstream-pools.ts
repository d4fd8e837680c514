/**
 * Upstream connection pools, keyed by origin and transport settings and ref-counted, so that a
 * reload which keeps a server keeps its warm connections (DESIGN.md: state outside the build).
 */
import { Pool } from 'undici';

/** The servers transport settings a pool depends on (reference §1.3.6). */
export interface TransportSettings {
  /** Qualified transport name; part of the pool key. */
  readonly name: string;
  readonly dialTimeoutMs: number;
  /** 0 = no limit. */
  readonly responseHeaderTimeoutMs: number;
  readonly idleConnTimeoutMs: number;
  readonly insecureSkipVerify: boolean;
  readonly serverName: string;
  readonly rootCAs: readonly string[];
}

export const defaultTransport: TransportSettings = {
  name: 'default@internal',
  dialTimeoutMs: 30_000,
  responseHeaderTimeoutMs: 0,
  idleConnTimeoutMs: 90_000,
  insecureSkipVerify: false,
  serverName: '',
  rootCAs: [],
};

interface Held {
  readonly pool: Pool;
  refs: number;
}

export interface UpstreamPools {
  /** Takes a reference on the pool for `origin` (scheme://host:port) with `transport`. */
  acquire(origin: string, transport: TransportSettings): Pool;
  /** Drops a reference; the pool closes (letting in-flight requests finish) at zero. */
  release(origin: string, transport: TransportSettings): void;
  /** Closes every pool. */
  dispose(): Promise<void>;
  readonly size: number;
}

function keyOf(origin: string, t: TransportSettings): string {
  return `${origin}|${t.name}|${t.dialTimeoutMs}|${t.responseHeaderTimeoutMs}|${t.idleConnTimeoutMs}|${t.insecureSkipVerify}|${t.serverName}|${t.rootCAs.join(',')}`;
}

export function createUpstreamPools(): UpstreamPools {
  const pools = new Map<string, Held>();
  return {
    get size() {
      return pools.size;
    },
    acquire(origin, transport) {
      const key = keyOf(origin, transport);
      let held = pools.get(key);
      if (held === undefined) {
        const tls = origin.startsWith('https:');
        held = {
          pool: new Pool(origin, {
            connections: null,
            pipelining: 1,
            connectTimeout: transport.dialTimeoutMs,
            headersTimeout: transport.responseHeaderTimeoutMs,
            bodyTimeout: 0,
            keepAliveTimeout: transport.idleConnTimeoutMs,
            keepAliveMaxTimeout: Math.max(transport.idleConnTimeoutMs, 1000),
            ...(tls
              ? {
                  connect: {
                    rejectUnauthorized: !transport.insecureSkipVerify,
                    ...(transport.serverName ? { servername: transport.serverName } : {}),
                    ...(transport.rootCAs.length > 0 ? { ca: [...transport.rootCAs] } : {}),
                  },
                }
              : {}),
          }),
          refs: 0,
        };
        pools.set(key, held);
      }
      held.refs++;
      return held.pool;
    },
    release(origin, transport) {
      const key = keyOf(origin, transport);
      const held = pools.get(key);
      if (held === undefined) return;
      if (--held.refs > 0) return;
      pools.delete(key);
      held.pool.close().catch(() => held.pool.destroy());
    },
    async dispose() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map((h) => h.pool.close()));
    },
  };
}
