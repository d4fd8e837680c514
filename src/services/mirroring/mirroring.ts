/**
 * The mirroring service (reference §5, §1.3.3): every request goes to the main service; a
 * percentage of them is also sent to each mirror, whose responses are discarded.
 *
 * Deliberate difference (DESIGN.md): Traefik reads the whole body into memory, serves the
 * primary, and only then sends the mirrors one after another. Here the selected mirrors start
 * together with the primary and share its body as it streams (body-tee.ts); a mirror that falls
 * behind its bounded buffer is aborted — reset, never sent a truncated body — and nothing a
 * mirror does delays or reaches the client. With `compare`, the primary's and the mirror's
 * status, body digest and end time are compared (mirror-stats.ts).
 */
import type { MirroringService } from '../../config/dynamic.ts';
import { getHeader, type Exchange, type Handler } from '../../lib/exchange.ts';
import type { BuiltService } from '../built-service.ts';
import { BodyTee } from './body-tee.ts';
import { MirrorFlight, type FlightEnd } from './mirror-flight.ts';
import { explainMirroring } from './mirroring-explain.ts';
import {
  newMirrorStats, RequestComparison, snapshotMirrorStats,
  type MirrorStats, type MutableMirrorStats, type ResponseOutcome,
} from './mirror-stats.ts';
import { PrimaryExchange, PrimarySink } from './primary-exchange.ts';

export type { MirrorMismatch, MirrorStats } from './mirror-stats.ts';

/** A mirror as built: its name as written, its share of requests, and the child service's handler. */
export interface MirrorTarget {
  readonly name: string;
  /** 0–100; 0 never mirrors. */
  readonly percent: number;
  /** Compare the mirror's responses with the primary's (Switchyard). */
  readonly compare: boolean;
  readonly handler: Handler;
}

/** A built mirroring service; `stats()` is the live view the API shows. */
export interface BuiltMirroring extends BuiltService {
  /** One snapshot per mirror, in configuration order. */
  stats(): readonly MirrorStats[];
}

export interface MirroringDeps {
  readonly main: BuiltService;
  /** In configuration order. */
  readonly mirrors: readonly MirrorTarget[];
  /** Wall-clock milliseconds (Date.now by default): latency deltas and mismatch times. */
  readonly now?: () => number;
  /**
   * Told when a mirror's copy of a request is over (the live statistics end it on the services
   * it entered; the entry point never sees copies). `status` is the mirror server's, or 502
   * when no server answered or the copy was aborted.
   */
  readonly onMirrorEnded?: (copy: Exchange, status: number) => void;
}

/** One selected mirror for one request. */
interface Selected {
  readonly mirror: MirrorTarget;
  readonly stats: MutableMirrorStats;
}

/**
 * Builds a mirroring service over already-built children. `health` forwards the main service's
 * signal when the configuration declares `healthCheck: {}` (mirrors never affect health), and is
 * null otherwise. `dispose` does nothing to the children: they are built and disposed by whoever
 * built them.
 */
export function createMirroring(name: string, config: MirroringService, deps: MirroringDeps): BuiltMirroring {
  const main = deps.main.handler;
  const mirrors = deps.mirrors;
  const now = deps.now ?? Date.now;
  const stats = mirrors.map((m) => newMirrorStats(m.name, m.percent));
  const { mirrorBody, maxBodySize, mirrorBufferBytes } = config;

  // Traefik's selection (reference §5): a per-service request count, and per mirror the count
  // of requests it got. Mirror k takes the request while it is below its share, so the first
  // request is always mirrored and exactly ceil(N·p/100) of N are.
  let total = 0;
  const counts = mirrors.map(() => 0);
  const select = (): Selected[] | null => {
    total++;
    let selected: Selected[] | null = null;
    for (let i = 0; i < mirrors.length; i++) {
      const mirror = mirrors[i]!;
      if (counts[i]! * 100 < total * mirror.percent) {
        counts[i]!++;
        (selected ??= []).push({ mirror, stats: stats[i]! });
      }
    }
    return selected;
  };

  const handler: Handler = (exchange: Exchange) => {
    exchange.log.serviceName = name;
    // An upgrade (WebSocket) cannot be mirrored: there is no second client socket to splice.
    // It is not counted either, so percentages apply to the requests that can be mirrored.
    if (exchange.upgrade !== null || mirrors.length === 0) return main(exchange);
    const selected = select();
    if (selected === null) return main(exchange);

    const source = mirrorBody ? exchange.body : null;
    const contentLength = source === null ? -1 : declaredLength(exchange.request.headers);
    if (maxBodySize >= 0 && contentLength > maxBodySize) {
      for (const s of selected) s.stats.skipped++;
      return main(exchange);
    }

    let comparison: RequestComparison | null = null;
    for (const s of selected) if (s.mirror.compare) comparison ??= new RequestComparison(exchange.request.method, exchange.request.path, now);
    const onMirrorEnded = deps.onMirrorEnded;
    const flights = selected.map((s) => {
      const flight: MirrorFlight = new MirrorFlight(exchange, {
        name: s.mirror.name,
        withBody: source !== null,
        bufferBytes: mirrorBufferBytes,
        compare: s.mirror.compare,
        now,
        onEnd: (end, outcome) => {
          flightEnded(s.stats, end, outcome, comparison);
          onMirrorEnded?.(flight.exchange, end === 'completed' ? flight.exchange.log.originStatus : 502);
        },
      });
      return flight;
    });
    const tee = source === null ? null : new BodyTee(source, flights, { maxBytes: maxBodySize, expectedBytes: contentLength });

    let primary: Exchange = exchange;
    if (tee !== null || comparison !== null) {
      const sink = new PrimarySink(exchange.response, comparison !== null, now, (outcome) => {
        tee?.mainFinished();
        comparison?.primaryEnded(outcome);
      });
      primary = new PrimaryExchange(exchange, tee === null ? exchange.body : tee.main, sink);
    }
    try {
      return main(primary);
    } finally {
      // The mirrors start as soon as the primary is under way, not after it answered.
      for (let i = 0; i < flights.length; i++) {
        selected[i]!.stats.sent++;
        flights[i]!.start(selected[i]!.mirror.handler);
      }
    }
  };

  return {
    handler,
    health: config.healthCheck !== undefined ? deps.main.health : null,
    serverStatus: () => undefined,
    stats: () => stats.map(snapshotMirrorStats),
    explain: (request, explainChild) => explainMirroring(name, { main: config.service, mirrors, total, counts, mirrorBody, maxBodySize }, request, explainChild),
    details: () => ({ mirrors: stats.map(snapshotMirrorStats) }),
    dispose() {},
  };
}

function flightEnded(stats: MutableMirrorStats, end: FlightEnd, outcome: ResponseOutcome | null, comparison: RequestComparison | null): void {
  switch (end) {
    case 'completed':
      stats.completed++;
      if (outcome !== null && comparison !== null) comparison.mirrorEnded(stats, outcome);
      return;
    case 'aborted':
      stats.aborted++;
      return;
    case 'failed':
      stats.failed++;
      return;
    default: {
      const never: never = end;
      throw new Error(`unknown flight end ${String(never)}`);
    }
  }
}

/** The request's Content-Length, or -1 when it declares none (or an unusable one). */
function declaredLength(headers: readonly string[]): number {
  const value = getHeader(headers, 'content-length');
  if (value === undefined || value.length === 0 || value.length > 15) return -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return Number(value);
}
