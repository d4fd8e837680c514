/**
 * `strategy: hash`: consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam,
 * "Consistent Hashing with Bounded Loads"; HAProxy's `hash-balance-factor`). The request's hash
 * key (header, cookie or query value) is placed on a ring of virtual points and walks clockwise to
 * the first available server whose requests in flight are below its cap:
 *
 *   cap = ceil(loadFactor × (inFlight + 1) × weight / totalWeight)
 *
 * over the available servers, i.e. `loadFactor × (inFlight + 1) / n` scaled by weight/meanWeight.
 * With loadFactor ≥ 1 the caps add up to more than the requests in flight, so some server is
 * always under its cap and no server ever exceeds it; a hot key spills to the next server on the
 * ring instead of piling onto one. loadFactor 0 means no bound (plain consistent hashing).
 *
 * The ring depends only on the servers' keys and weights, never on their order or on this
 * process, so every replica and worker builds the same one and sends a key to the same server
 * while loads are low. Each server has 100 points per unit of weight, so removing a server moves
 * only the keys it had.
 */
import { createWeightedRoundRobin } from '../weighted-round-robin.ts';
import { fnv1a64Byte, fnv1a64String, fnv64Reset, type Fnv64 } from './fnv.ts';
import { availableOf, decidingAvailability, configuredWeights, peekResult, type PickRequest, type PolicyServer, type SelectionPolicy } from './policy.ts';

export interface BoundedHashOptions {
  /** How far above the mean load a server may go (1.25 = 25% above); 0 = unbounded. */
  readonly loadFactor: number;
}

/** Virtual ring points per unit of weight. */
export const ringPointsPerWeight = 100;

/**
 * Ring size limit. Beyond it every server's point count is scaled down by the same factor; that
 * factor depends on the total weight, so then removing a server may move a few other keys too.
 */
export const maxRingPoints = 1 << 20;

interface State<T> {
  readonly server: T;
  readonly weight: number;
  inflight: number;
  /** Scratch of the current pick. */
  ok: boolean;
  seen: number;
}

/** Bits of a finished FNV-1a 64 hash, avalanched (murmur3's finaliser): FNV's last bytes mix poorly. */
function ringPosition(h: Fnv64): number {
  let x = (h.hi ^ h.lo) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Where `s` lands on the ring; `h` is scratch. */
function hashRingPosition(h: Fnv64, s: string): number {
  fnv64Reset(h);
  fnv1a64String(h, s);
  return ringPosition(h);
}

interface Ring {
  readonly positions: Uint32Array;
  /** Index into the states of the server owning each point. */
  readonly owners: Int32Array;
}

/** Point indexes take the low 21 bits of a packed sort key: 32 + 21 = 53 bits, exact in a double. */
const indexBits = 2 ** 21;

function buildRing(servers: readonly PolicyServer[]): Ring {
  let total = 0;
  for (const s of servers) total += ringPointsPerWeight * s.weight;
  const scale = total > maxRingPoints ? maxRingPoints / total : 1;
  // Points are generated in key order, so that sorting (position, point index) orders equal
  // positions by key, then replica: never by configuration order, and every replica of
  // Switchyard agrees whatever order its servers arrived in.
  const byKey = servers.map((s, owner) => ({ key: s.key, weight: s.weight, owner }));
  byKey.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.owner - b.owner));
  const counts = byKey.map((s) => Math.max(1, Math.round(ringPointsPerWeight * s.weight * scale)));
  const size = counts.reduce((a, b) => a + b, 0);
  if (size >= indexBits) throw new Error(`hash ring of ${size} points is too large`);
  const pointOwner = new Int32Array(size);
  const packed = new Float64Array(size);
  const keyHash: Fnv64 = { hi: 0, lo: 0 };
  const h: Fnv64 = { hi: 0, lo: 0 };
  const digits: number[] = [];
  let index = 0;
  byKey.forEach((s, i) => {
    // Point r of a server sits where the string `${key}#${r}` hashes: the key's hash is
    // computed once and continued with '#' and the digits.
    fnv64Reset(keyHash);
    fnv1a64String(keyHash, s.key);
    fnv1a64Byte(keyHash, 0x23);
    for (let replica = 0; replica < counts[i]!; replica++, index++) {
      h.hi = keyHash.hi;
      h.lo = keyHash.lo;
      digits.length = 0;
      let r = replica;
      do {
        digits.push(0x30 + (r % 10));
        r = Math.floor(r / 10);
      } while (r > 0);
      for (let d = digits.length - 1; d >= 0; d--) fnv1a64Byte(h, digits[d]!);
      pointOwner[index] = s.owner;
      packed[index] = ringPosition(h) * indexBits + index;
    }
  });
  packed.sort(); // numeric, native
  const positions = new Uint32Array(size);
  const owners = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const p = packed[i]!;
    const point = p % indexBits;
    positions[i] = (p - point) / indexBits;
    owners[i] = pointOwner[point]!;
  }
  return { positions, owners };
}

/** Index of the first position ≥ x, or positions.length. */
function lowerBound(positions: Uint32Array, x: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (positions[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Creates the policy. A request without a hash key is spread by EDF weighted round robin over the
 * available servers instead.
 */
export function createBoundedHashPolicy<T extends PolicyServer>(servers: readonly T[], options: BoundedHashOptions): SelectionPolicy<T> {
  const states: State<T>[] = servers.map((server) => ({ server, weight: server.weight, inflight: 0, ok: false, seen: 0 }));
  const byServer = new Map<T, State<T>>();
  for (const st of states) byServer.set(st.server, st);
  const { positions, owners } = buildRing(servers);
  const edf = createWeightedRoundRobin(servers.map((s) => ({ value: s, weight: s.weight })));
  const weights = configuredWeights(servers);
  const loadFactor = options.loadFactor;
  const bounded = loadFactor > 0;
  const scratch: Fnv64 = { hi: 0, lo: 0 };
  let pickSeq = 0;

  /** The pick; `advance` false leaves the round robin of key-less requests alone (peek). */
  const choose = (request: PickRequest, available: (s: T) => boolean, advance: boolean): T | undefined => {
    const key = request.hashKey;
    if (key === undefined) return advance ? edf.pick(available) : edf.peek(available);
    let n = 0;
    let inflight = 0;
    let totalWeight = 0;
    for (const st of states) {
      st.ok = available(st.server);
      if (!st.ok) continue;
      n++;
      inflight += st.inflight;
      totalWeight += st.weight;
    }
    if (n === 0) return undefined;

    const size = positions.length;
    let i = lowerBound(positions, hashRingPosition(scratch, key));
    if (i === size) i = 0;
    const seq = ++pickSeq;
    const perWeight = (loadFactor * (inflight + 1)) / totalWeight;
    let home: State<T> | undefined;
    let checked = 0;
    for (let walked = 0; walked < size; walked++, i = i + 1 === size ? 0 : i + 1) {
      const st = states[owners[i]!]!;
      if (!st.ok) continue;
      if (!bounded) return st.server;
      if (st.seen === seq) continue;
      st.seen = seq;
      home ??= st;
      const x = perWeight * st.weight;
      // The relative nudge keeps float noise (1.1 × 10 / 11 = 1.0000000000000002) from
      // raising a cap that is a whole number by one.
      if (st.inflight < Math.ceil(x - x * 1e-12)) return st.server;
      if (++checked === n) break;
    }
    // Only with 0 < loadFactor < 1 can every server be at its cap: plain consistent hashing.
    return home?.server;
  };

  return {
    pick: (request, available) => choose(request, available, true),
    // The ring walk changes only per-pick scratch (ok, seen), never what the next pick returns;
    // without a key the round robin answers, and a pick of it that finds nothing moves it.
    peek(request, available, ...otherwise) {
      const deciding = decidingAvailability(servers, available, otherwise);
      const chosen = request.hashKey === undefined ? edf.peek(available, ...otherwise) : choose(request, deciding, false);
      return peekResult(chosen, request.hashKey === undefined ? 'rotation' : 'hash', availableOf(servers, deciding));
    },
    onStart(s) {
      const st = byServer.get(s);
      if (st !== undefined) st.inflight++;
    },
    onHeaders() {},
    onEnd(s) {
      const st = byServer.get(s);
      if (st !== undefined && st.inflight > 0) st.inflight--;
    },
    weights: () => weights,
    dispose() {},
  };
}
