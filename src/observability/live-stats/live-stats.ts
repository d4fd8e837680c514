/**
 * Live statistics per entry point, router, service and server, in bounded memory: one
 * StatsCell per item, allocated when build() makes the item (or, for entry points, when first
 * seen) and dropped by `retain` when the item leaves the configuration. A cell's rolling window
 * follows the injected clock, so nothing here owns a timer.
 *
 * What counts where:
 * - entry points: every finished request, routed or not (404s included), except those a
 *   router of the internal provider (`…@internal`: API, dashboard, ping, metrics) took, like
 *   Traefik's metrics without `addInternals`;
 * - routers: the requests they took; services: every service on the path (a weighted parent,
 *   its chosen child and the loadBalancer under it each count the request once);
 * - servers: each attempt a loadBalancer sent them, with its status; their latency is the time
 *   to the response head;
 * - a mirror's copy of a request counts on the services it entered below the mirroring service
 *   (the mirror and its loadBalancer) and on their server, never on entry points or routers.
 * Entry points, routers and services record the whole request's duration. An upgraded
 * connection (101) counts under `websockets` while open and as a finished 1xx request, with no
 * latency sample, once closed.
 */
import type { LiveStatsDocument, LiveStatsView, ServiceLiveStats, ItemLiveStats } from '../../config/live-stats-view.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Exchange, ResponseHeadHook } from '../../lib/exchange.ts';
import { latencyBucket } from './latency-histogram.ts';
import { isEmptyCellState, type LiveStatsState, type ServiceStatsState, type StatsCellState } from './live-stats-state.ts';
import { createWindowScratch, StatsCell, WINDOW_SECONDS } from './stats-cell.ts';

export { StatsCell } from './stats-cell.ts';

/** The items a configuration has, for `retain`. */
export interface LiveStatsItems {
  /** Qualified router names. */
  readonly routers: Iterable<string>;
  /** Qualified service name → its servers' URLs (none for services without servers). */
  readonly services: ReadonlyMap<string, readonly string[]>;
}

export interface LiveStatsOptions {
  /** The clock the rolling windows follow (the run's injected clock). */
  readonly clock: Clock;
  /** Wall-clock milliseconds for the ISO times shown; default Date.now. */
  readonly wallClock?: () => number;
}

/** The registry of live statistics and the recording hooks the request path calls. */
export interface LiveStats extends LiveStatsView {
  /** The cell of an entry point (created when first asked for). */
  entryPoint(name: string): StatsCell;
  /** The cell of a router (created when first asked for; build() asks). */
  router(name: string): StatsCell;
  /** The cell of a service (created when first asked for; build() asks). */
  service(name: string): StatsCell;
  /** The cell of a loadBalancer's server; marks the service as one with servers. */
  server(service: string, url: string): StatsCell;
  /** The counter of requests `parent` hands to `child` (build() asks; the child's handler counts). */
  child(parent: string, child: string): ChildCount;
  /** Drops the routers, services and servers the configuration no longer has. */
  retain(items: LiveStatsItems): void;

  /** A router took the request: it and its entry point have one more in flight. */
  routerStarted(exchange: Exchange, router: StatsCell): void;
  /** The request entered a service (its name is already on `exchange.log.services`). */
  serviceEntered(exchange: Exchange, service: StatsCell): void;
  /** A loadBalancer handed a request to this server. */
  serverPicked(server: StatsCell): void;
  /** The server's response head arrived after `ttfbMs`. */
  serverHeaders(server: StatsCell, ttfbMs: number): void;
  /** The server's attempt ended with `status` (101: the connection was upgraded and stays open). */
  serverResult(server: StatsCell, status: number): void;
  /** A loadBalancer issued a sticky cookie to a new client; counted once per request. */
  stickyStarted(exchange: Exchange, service: StatsCell, server: StatsCell): void;
  /** The entry point finished the request (its `onDone`). */
  requestDone(exchange: Exchange, durationNs: bigint): void;
  /**
   * A mirror's copy of a request is over with `status`: it counts on the services it entered
   * (the mirror service and those below it), which is how a mirror shows its own traffic.
   */
  mirrorDone(copy: Exchange, status: number): void;

  /** Every item's raw statistics now, items with nothing recorded left out (another process adds them up). */
  exportState(): LiveStatsState;
  /**
   * snapshot() with the states of other processes added item by item (server/workers/): only
   * the items this registry has count, so a process still on an older configuration adds
   * nothing for items that left it.
   */
  snapshotWith(others: readonly LiveStatsState[]): LiveStatsDocument;
}

interface ServiceEntry {
  readonly cell: StatsCell;
  /** loadBalancer servers by URL; null for services without servers. */
  servers: Map<string, StatsCell> | null;
  /** Requests handed to each child by qualified name; null for services without children. */
  children: Map<string, ChildCount> | null;
}

/** How many requests a parent service handed to one child. */
export interface ChildCount {
  requests: number;
}

/** Routers of the internal provider serve Switchyard itself; their requests are not counted. */
function isInternal(name: string): boolean {
  return name.endsWith('@internal');
}

/** True when the request went through a router whose statistics are kept. */
function counted(routerName: string): boolean {
  return routerName !== '' && !isInternal(routerName);
}

/** True when `name` is at `index` of `names` for the first time (a retry enters a service again). */
function firstAt(names: readonly string[], name: string, index: number): boolean {
  for (let i = 0; i < index; i++) if (names[i] === name) return false;
  return true;
}


function sortedEntries<T>(map: ReadonlyMap<string, T>): [string, T][] {
  return [...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Creates the registry; `snapshot()` is the view `GET /api/stats` shows. */
export function createLiveStats(options: LiveStatsOptions): LiveStats {
  const { clock } = options;
  const wallOffset = (options.wallClock ?? Date.now)() - clock.now();
  const toIso = (clockMs: number): string => new Date(wallOffset + clockMs).toISOString();
  const entryPoints = new Map<string, StatsCell>();
  const routers = new Map<string, StatsCell>();
  const services = new Map<string, ServiceEntry>();
  const scratch = createWindowScratch();

  const entryPoint = (name: string): StatsCell => {
    let cell = entryPoints.get(name);
    if (cell === undefined) entryPoints.set(name, (cell = new StatsCell()));
    return cell;
  };
  const serviceEntry = (name: string): ServiceEntry => {
    let entry = services.get(name);
    if (entry === undefined) services.set(name, (entry = { cell: new StatsCell(), servers: null, children: null }));
    return entry;
  };

  /** Runs on the response head of an upgrade request: a 101 turns it into an open connection. */
  const onUpgradeHead: ResponseHeadHook = (status, _headers, exchange) => {
    if (status !== 101) return status;
    const log = exchange.log;
    entryPoints.get(exchange.request.entryPoint)?.upgraded();
    routers.get(log.routerName)?.upgraded();
    const names = log.services;
    for (let i = 0; i < names.length; i++) {
      const cell = services.get(names[i]!)?.cell;
      if (cell === undefined) continue;
      if (firstAt(names, names[i]!, i)) cell.upgraded();
      else cell.end();
    }
    return status;
  };

  /** The document of `GET /api/stats`, with other processes' states added (none: this process's own). */
  const documentWith = (others: readonly LiveStatsState[]): LiveStatsDocument => {
    const now = clock.now();
    const out = (cell: StatsCell, sticky: boolean, pick: (other: LiveStatsState) => StatsCellState | undefined): ItemLiveStats => {
      if (others.length === 0) return cell.snapshot(now, toIso, sticky, scratch);
      const sum = new StatsCell();
      sum.addState(cell.exportState(now), now);
      for (const other of others) {
        const state = pick(other);
        if (state !== undefined) sum.addState(state, now);
      }
      return sum.snapshot(now, toIso, sticky, scratch);
    };
    const serviceStats: Record<string, ServiceLiveStats> = {};
    for (const [name, entry] of sortedEntries(services)) {
      const own = (other: LiveStatsState): ServiceStatsState | undefined => other.services.get(name);
      if (entry.servers === null) {
        const children = entry.children === null ? undefined
          : Object.fromEntries(sortedEntries(entry.children).map(([child, count]) => [child,
            others.reduce((sum, other) => sum + (own(other)?.children?.get(child) ?? 0), count.requests)]));
        const stats = out(entry.cell, false, (other) => own(other)?.cell);
        serviceStats[name] = children === undefined ? stats : { ...stats, children };
        continue;
      }
      const servers: Record<string, ItemLiveStats> = {};
      for (const [url, cell] of sortedEntries(entry.servers)) servers[url] = out(cell, true, (other) => own(other)?.servers?.get(url));
      serviceStats[name] = { ...out(entry.cell, true, (other) => own(other)?.cell), servers };
    }
    return {
      at: toIso(now),
      windowSeconds: WINDOW_SECONDS,
      entryPoints: Object.fromEntries(sortedEntries(entryPoints).map(([name, cell]) => [name, out(cell, false, (o) => o.entryPoints.get(name))])),
      routers: Object.fromEntries(sortedEntries(routers).map(([name, cell]) => [name, out(cell, false, (o) => o.routers.get(name))])),
      services: serviceStats,
    };
  };

  return {
    entryPoint,
    router(name) {
      let cell = routers.get(name);
      if (cell === undefined) routers.set(name, (cell = new StatsCell()));
      return cell;
    },
    service: (name) => serviceEntry(name).cell,
    server(service, url) {
      const entry = serviceEntry(service);
      const servers = (entry.servers ??= new Map());
      let cell = servers.get(url);
      if (cell === undefined) servers.set(url, (cell = new StatsCell()));
      return cell;
    },
    child(parent, child) {
      const entry = serviceEntry(parent);
      const children = (entry.children ??= new Map());
      let count = children.get(child);
      if (count === undefined) children.set(child, (count = { requests: 0 }));
      return count;
    },
    retain(items) {
      const keep = new Set(items.routers);
      for (const name of routers.keys()) if (!keep.has(name)) routers.delete(name);
      for (const [name, entry] of services) {
        const urls = items.services.get(name);
        if (urls === undefined) {
          services.delete(name);
          continue;
        }
        if (entry.children !== null) for (const child of entry.children.keys()) if (!items.services.has(child)) entry.children.delete(child);
        if (entry.servers === null) continue;
        const kept = new Set(urls);
        for (const url of entry.servers.keys()) if (!kept.has(url)) entry.servers.delete(url);
      }
    },

    routerStarted(exchange, router) {
      entryPoint(exchange.request.entryPoint).begin();
      router.begin();
      if (exchange.upgrade !== null) exchange.responseHeadHooks.push(onUpgradeHead);
    },
    serviceEntered(exchange, service) {
      // Only requests a counted router took: a mirror's copy (its own log, no router) or a
      // request to Switchyard's own API never reaches requestDone to end it.
      if (counted(exchange.log.routerName)) service.begin();
    },
    serverPicked(server) {
      server.begin();
    },
    serverHeaders(server, ttfbMs) {
      server.latency(latencyBucket(ttfbMs), clock.now());
    },
    serverResult(server, status) {
      if (status === 101) {
        server.upgraded();
        return;
      }
      server.end();
      server.finished(status, -1, clock.now());
    },
    stickyStarted(exchange, service, server) {
      if (exchange.log.stickyStarted) return;
      exchange.log.stickyStarted = true;
      service.stickyStarted++;
      server.stickyStarted++;
    },

    requestDone(exchange, durationNs) {
      const log = exchange.log;
      const routerName = log.routerName;
      if (isInternal(routerName)) return;
      const now = clock.now();
      const status = log.downstreamStatus;
      const upgraded = exchange.upgrade !== null && status === 101;
      const bucket = upgraded ? -1 : latencyBucket(Number(durationNs) / 1e6);
      const bytesIn = exchange.log.requestContentSize;
      const bytesOut = log.downstreamContentSize;
      const routed = routerName !== '';

      const ep = entryPoint(exchange.request.entryPoint);
      if (routed) {
        if (upgraded) ep.upgradeClosed();
        else ep.end();
      }
      ep.finished(status, bucket, now);
      ep.bytesIn += bytesIn;
      ep.bytesOut += bytesOut;
      if (!routed) return;

      const router = routers.get(routerName);
      if (router !== undefined) {
        if (upgraded) router.upgradeClosed();
        else router.end();
        router.finished(status, bucket, now);
        router.bytesIn += bytesIn;
        router.bytesOut += bytesOut;
      }
      const names = log.services;
      for (let i = 0; i < names.length; i++) {
        const cell = services.get(names[i]!)?.cell;
        if (cell === undefined) continue;
        const first = firstAt(names, names[i]!, i);
        if (!upgraded) cell.end();
        else if (first) cell.upgradeClosed();
        if (!first) continue;
        cell.finished(status, bucket, now);
        cell.bytesIn += bytesIn;
        cell.bytesOut += bytesOut;
      }
      // The server of the last attempt: its bytes, and the end of its upgraded connection.
      if (log.serviceUrl === '') return;
      const server = services.get(log.serviceName)?.servers?.get(log.serviceUrl);
      if (server === undefined) return;
      server.bytesIn += bytesIn;
      server.bytesOut += log.originContentSize;
      if (upgraded) {
        server.upgradeClosed();
        server.finished(101, -1, now);
      }
    },

    mirrorDone(copy, status) {
      if (!counted(copy.log.routerName)) return;
      const now = clock.now();
      const bucket = latencyBucket(Number(process.hrtime.bigint() - copy.log.startNs) / 1e6);
      const names = copy.log.services;
      for (let i = 0; i < names.length; i++) {
        const cell = services.get(names[i]!)?.cell;
        if (cell === undefined) continue;
        cell.end();
        if (!firstAt(names, names[i]!, i)) continue;
        cell.finished(status, bucket, now);
        cell.bytesIn += copy.log.requestContentSize;
        cell.bytesOut += copy.log.originContentSize;
      }
    },

    snapshot: () => documentWith([]),
    snapshotWith: (others) => documentWith(others),
    exportState(): LiveStatsState {
      const now = clock.now();
      const cells = (map: ReadonlyMap<string, StatsCell>): Map<string, StatsCellState> => {
        const out = new Map<string, StatsCellState>();
        for (const [name, cell] of map) {
          const state = cell.exportState(now);
          if (!isEmptyCellState(state)) out.set(name, state);
        }
        return out;
      };
      const serviceStates = new Map<string, ServiceStatsState>();
      for (const [name, entry] of services) {
        const cell = entry.cell.exportState(now);
        const servers = entry.servers === null ? undefined : cells(entry.servers);
        const children = entry.children === null ? undefined
          : new Map([...entry.children].filter(([, c]) => c.requests > 0).map(([child, c]) => [child, c.requests]));
        if (isEmptyCellState(cell) && (servers?.size ?? 0) === 0 && (children?.size ?? 0) === 0) continue;
        serviceStates.set(name, { cell: isEmptyCellState(cell) ? undefined : cell, servers, children });
      }
      return { entryPoints: cells(entryPoints), routers: cells(routers), services: serviceStates };
    },
  };
}
