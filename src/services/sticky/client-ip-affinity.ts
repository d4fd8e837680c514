/**
 * Client-IP affinity with an idle timeout, as Kubernetes `sessionAffinity: ClientIP` behaves,
 * done in the proxy: a client keeps its server while it comes back within the timeout.
 *
 * Memory stays bounded without timers: entries sit in a Map in last-seen order (a hit is deleted
 * and re-inserted), so expired entries are always at the front. Every set() evicts a few expired
 * entries from the front, and a full table evicts its least recently seen entry.
 */
import type { Clock } from '../../lib/clock.ts';

/** The bindings of one service: client IP → server key. */
export interface AffinityTable {
  /** The server key this client is bound to, refreshing its idle timer; undefined when none or expired (an expired entry is removed). */
  get(clientIp: string): string | undefined;
  /** Binds (or rebinds) the client; the idle timer starts now. */
  set(clientIp: string, serverKey: string): void;
  /** What get() would return, changing nothing: no idle timer refreshed, no expired entry removed (`/api/explain`). */
  peek(clientIp: string): string | undefined;
  delete(clientIp: string): void;
  /** Removes every binding to a server (it was removed from the configuration). */
  forgetServer(serverKey: string): void;
  /** Entries held, including expired ones not evicted yet. */
  readonly size: number;
  /** Idle time after which a binding expires (a client idle for exactly this long has lost it); > 0. */
  timeoutMs: number;
}

/** Entries limit of a table by default. */
export const defaultMaxAffinityEntries = 1_000_000;

/** Expired entries each set() evicts from the front: more than the one it may add, so a backlog drains. */
const evictionsPerSet = 2;

interface Binding {
  serverKey: string;
  lastSeen: number;
}

function checkTimeout(timeoutMs: number): number {
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError(`affinity timeout must be a positive number of ms, got ${timeoutMs}`);
  return timeoutMs;
}

/** A table whose bindings expire after `timeoutMs` of idleness and that holds at most `maxEntries`. */
export function createAffinityTable(clock: Clock, timeoutMs: number, maxEntries = defaultMaxAffinityEntries): AffinityTable {
  if (!(Number.isInteger(maxEntries) && maxEntries > 0)) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  let timeout = checkTimeout(timeoutMs);
  const bindings = new Map<string, Binding>();

  const isExpired = (binding: Binding, now: number): boolean => now - binding.lastSeen >= timeout;

  function evictExpired(now: number): void {
    let budget = evictionsPerSet;
    for (const [clientIp, binding] of bindings) {
      if (budget-- === 0 || !isExpired(binding, now)) return;
      bindings.delete(clientIp);
    }
  }

  return {
    get(clientIp) {
      const binding = bindings.get(clientIp);
      if (binding === undefined) return undefined;
      const now = clock.now();
      bindings.delete(clientIp);
      if (isExpired(binding, now)) return undefined;
      binding.lastSeen = now;
      bindings.set(clientIp, binding);
      return binding.serverKey;
    },
    peek(clientIp) {
      const binding = bindings.get(clientIp);
      return binding === undefined || isExpired(binding, clock.now()) ? undefined : binding.serverKey;
    },
    set(clientIp, serverKey) {
      const now = clock.now();
      evictExpired(now);
      const binding = bindings.get(clientIp);
      if (binding !== undefined) {
        bindings.delete(clientIp);
        binding.serverKey = serverKey;
        binding.lastSeen = now;
        bindings.set(clientIp, binding);
        return;
      }
      if (bindings.size >= maxEntries) {
        // The front is the least recently seen client.
        const oldest = bindings.keys().next();
        if (oldest.done !== true) bindings.delete(oldest.value);
      }
      bindings.set(clientIp, { serverKey, lastSeen: now });
    },
    delete(clientIp) {
      bindings.delete(clientIp);
    },
    forgetServer(serverKey) {
      for (const [clientIp, binding] of bindings) if (binding.serverKey === serverKey) bindings.delete(clientIp);
    },
    get size() {
      return bindings.size;
    },
    get timeoutMs() {
      return timeout;
    },
    set timeoutMs(ms: number) {
      // Order by last-seen time does not depend on the timeout, so expired entries stay at the front.
      timeout = checkTimeout(ms);
    },
  };
}

/** Affinity tables by service, kept outside built services so they survive configuration reloads. */
export interface AffinityRegistry {
  /** The table of a service, kept across configuration reloads (ref-counted); a changed timeout applies to the existing table. */
  acquire(service: string, timeoutMs: number): AffinityTable;
  /** Drops one reference; the table is forgotten with the last one. Releasing a service not held does nothing. */
  release(service: string): void;
}

interface Held {
  readonly table: AffinityTable;
  refs: number;
}

/** A registry of affinity tables, one per service name, with the default entries limit. */
export function createAffinityRegistry(clock: Clock): AffinityRegistry {
  const tables = new Map<string, Held>();
  return {
    acquire(service, timeoutMs) {
      const held = tables.get(service);
      if (held !== undefined) {
        held.table.timeoutMs = timeoutMs;
        held.refs++;
        return held.table;
      }
      const table = createAffinityTable(clock, timeoutMs);
      tables.set(service, { table, refs: 1 });
      return table;
    },
    release(service) {
      const held = tables.get(service);
      if (held === undefined) return;
      held.refs--;
      if (held.refs === 0) tables.delete(service);
    },
  };
}
