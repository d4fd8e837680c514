/**
 * `GET /api/stats/stream`: the live statistics as server-sent events. The client gets one
 * `event: stats` at once, then one per interval (a timer on the injected clock), each with the
 * `/api/stats` document as its `data:` line, until it goes away or the stream is closed.
 *
 * A client that reads slower than the events come gets fewer of them: while the connection
 * is full, samples are skipped rather than queued, so a slow reader costs no memory.
 */
import type { LiveStatsView } from '../config/live-stats-view.ts';
import type { Clock, TimerHandle } from '../lib/clock.ts';
import { writeHeadThroughHooks, type Exchange, type Handler } from '../lib/exchange.ts';

export interface StatsStreamOptions {
  readonly view: LiveStatsView;
  /** Schedules the events (the run's injected clock). */
  readonly clock: Clock;
  /** Between two events; default 1000 ms. */
  readonly intervalMs?: number;
}

export interface StatsStream {
  readonly handler: Handler;
  /** Streams open now. */
  readonly open: number;
  /** Ends every open stream (the server is stopping). */
  closeAll(): void;
}

/** One open stream. */
interface Subscriber {
  readonly exchange: Exchange;
  timer: TimerHandle | null;
  /** The connection is full: skip samples until it drains. */
  blocked: boolean;
}

/** Creates the handler and the set of streams it keeps. */
export function createStatsStream(options: StatsStreamOptions): StatsStream {
  const { view, clock } = options;
  const intervalMs = options.intervalMs ?? 1000;
  if (!(intervalMs > 0)) throw new Error(`stats stream interval must be positive, got ${intervalMs}`);
  const open = new Set<Subscriber>();

  const stop = (s: Subscriber): void => {
    if (!open.delete(s)) return;
    if (s.timer !== null) clock.clearTimeout(s.timer);
    s.timer = null;
    s.exchange.onClientGone(null);
  };

  const tick = (s: Subscriber): void => {
    s.timer = null;
    if (!open.has(s)) return;
    if (!s.blocked) {
      const response = s.exchange.response;
      // JSON.stringify writes no newline, so the document is one `data:` line.
      if (!response.write(Buffer.from(`event: stats\ndata: ${JSON.stringify(view.snapshot())}\n\n`))) {
        s.blocked = true;
        response.onDrain(() => {
          s.blocked = false;
        });
      }
      response.flush();
    }
    s.timer = clock.setTimeout(() => tick(s), intervalMs);
  };

  const handler: Handler = (exchange) => {
    if (exchange.clientGone) return;
    writeHeadThroughHooks(exchange, 200, [
      'Content-Type', 'text/event-stream',
      'Cache-Control', 'no-cache',
      // Proxies in front (nginx) must pass each event on as it comes.
      'X-Accel-Buffering', 'no',
    ]);
    const s: Subscriber = { exchange, timer: null, blocked: false };
    open.add(s);
    exchange.onClientGone(() => stop(s));
    tick(s);
  };

  return {
    handler,
    get open() {
      return open.size;
    },
    closeAll() {
      for (const s of [...open]) {
        stop(s);
        s.exchange.response.end();
      }
    },
  };
}
