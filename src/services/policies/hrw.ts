/**
 * `strategy: hrw` and the `highestRandomWeight` service: weighted rendezvous hashing on the
 * client IP, as Traefik's hrw balancer (reference §3.4). Each available server scores
 * `(1 / -ln(fnv1a64(clientIp + key) / 2^64)) × weight` and the highest strictly greater score
 * wins, scanning in order. The same operations in the same order as Traefik's Go (the hash
 * converted to the nearest double, divided by 2^64, then the reciprocal times the weight) give the
 * same choice for the same inputs; removing a server only moves the clients it had.
 */
import { fnv1a64Bytes, fnv1a64String, fnv64Reset, fnv64ToNumber, type Fnv64 } from './fnv.ts';
import { availableOf, decidingAvailability, configuredWeights, peekResult, type PickRequest, type PolicyServer, type SelectionPolicy } from './policy.ts';

const two64 = 2 ** 64;
const encoder = new TextEncoder();

interface State<T> {
  readonly server: T;
  readonly weight: number;
  /** The key's UTF-8 bytes, encoded once: the hash continues over them after the client IP. */
  readonly keyBytes: Uint8Array;
}

/** The rendezvous score of a server for a hash state that has consumed `clientIp + key`. */
export function hrwScore(hash: Fnv64, weight: number): number {
  const x = fnv64ToNumber(hash) / two64;
  return (1 / -Math.log(x)) * weight;
}

/**
 * Creates the policy over `servers` in the given order. A request without a client IP goes to
 * the first available server (Traefik would hash the empty string; every such request then lands
 * on one server anyway, and the first is easier to reason about).
 */
export function createHrwPolicy<T extends PolicyServer>(servers: readonly T[]): SelectionPolicy<T> {
  const states: State<T>[] = servers.map((server) => ({ server, weight: server.weight, keyBytes: encoder.encode(server.key) }));
  const weights = configuredWeights(servers);
  // Reused by every pick: the hash of the client IP, and its continuation over one key.
  const ipHash: Fnv64 = { hi: 0, lo: 0 };
  const hash: Fnv64 = { hi: 0, lo: 0 };

  const pick = (request: PickRequest, available: (s: T) => boolean): T | undefined => {
    const ip = request.clientIp;
    let first: T | undefined;
    let chosen: T | undefined;
    let best = 0;
    if (ip !== '') {
      fnv64Reset(ipHash);
      fnv1a64String(ipHash, ip);
    }
    for (const st of states) {
      if (!available(st.server)) continue;
      if (ip === '') return st.server;
      first ??= st.server;
      hash.hi = ipHash.hi;
      hash.lo = ipHash.lo;
      fnv1a64Bytes(hash, st.keyBytes);
      const score = hrwScore(hash, st.weight);
      if (score > best) {
        best = score;
        chosen = st.server;
      }
    }
    // No positive score only if every hash rounds to 0 or 2^64 (Go would dereference nil).
    return chosen ?? first;
  };

  return {
    pick,
    // The choice depends only on the request and the servers: peeking is picking.
    peek(request, available, ...otherwise) {
      const deciding = decidingAvailability(servers, available, otherwise);
      return peekResult(pick(request, deciding), 'hash', availableOf(servers, deciding));
    },
    onStart() {},
    onHeaders() {},
    onEnd() {},
    weights: () => weights,
    dispose() {},
  };
}
