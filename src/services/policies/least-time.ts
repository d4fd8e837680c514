/**
 * `strategy: leasttime`, as Traefik's leasttime balancer (reference §3.3): score =
 * avgTTFB × (1 + in-flight) / weight, lowest wins. The average is over the last 100 time-to-
 * first-byte samples in whole milliseconds (0 before the first sample).
 *
 * Ties go to Traefik's own earliest-deadline scan, which is not the heap of
 * weighted-round-robin.ts: every server gets a deadline when it is added (the previous one's
 * plus 1/weight, so the initial deadlines are staggered), a tie picks the tied server with the
 * smallest deadline (the first in order on equal deadlines) and advances only its deadline.
 * With one available server, or one best score, no deadline moves.
 */
import { availableOf, decidingAvailability, configuredWeights, peekResult, type PolicyServer, type SelectionPolicy } from './policy.ts';

/** TTFB samples averaged per server (Traefik's ring buffer size). */
export const leastTimeSamples = 100;

interface State<T> {
  readonly server: T;
  readonly weight: number;
  inflight: number;
  readonly samples: Float64Array;
  next: number;
  count: number;
  sum: number;
  deadline: number;
  /** Scratch of the current pick: available, and its score. */
  ok: boolean;
  score: number;
}

/** Creates the policy over `servers` in the given order. */
export function createLeastTimePolicy<T extends PolicyServer>(servers: readonly T[]): SelectionPolicy<T> {
  // Traefik also keeps the latest deadline to stagger servers added later; our server set is
  // fixed at construction, so only the initial staggering matters.
  let curDeadline = 0;
  const states: State<T>[] = servers.map((server) => {
    curDeadline += 1 / server.weight;
    return {
      server,
      weight: server.weight,
      inflight: 0,
      samples: new Float64Array(leastTimeSamples),
      next: 0,
      count: 0,
      sum: 0,
      deadline: curDeadline,
      ok: false,
      score: 0,
    };
  });
  const byServer = new Map<T, State<T>>();
  for (const st of states) byServer.set(st.server, st);
  const weights = configuredWeights(servers);

  /** The pick; `advance` false leaves the tie-break deadlines alone (peek). */
  const choose = (available: (s: T) => boolean, advance: boolean): T | undefined => {
    let okCount = 0;
    let only: State<T> | undefined;
    let best = Infinity;
    let tied = 0;
    for (const st of states) {
      st.ok = available(st.server);
      if (!st.ok) continue;
      okCount++;
      only = st;
      const avg = st.count === 0 ? 0 : st.sum / st.count;
      // Same operations in the same order as Traefik, so equal scores are equal here too.
      const score = (avg * (1 + st.inflight)) / st.weight;
      st.score = score;
      if (score < best) {
        best = score;
        tied = 1;
      } else if (score === best) {
        tied++;
      }
    }
    if (okCount === 0) return undefined;
    if (okCount === 1) return only!.server;

    let chosen: State<T> | undefined;
    for (const st of states) {
      if (!st.ok || st.score !== best) continue;
      if (tied === 1) return st.server;
      if (chosen === undefined || st.deadline < chosen.deadline) chosen = st;
    }
    const s = chosen!;
    if (advance) s.deadline += 1 / s.weight;
    return s.server;
  };

  return {
    pick: (_request, available) => choose(available, true),
    // A pick that finds no server moves no deadline.
    peek(_request, available, ...otherwise) {
      const deciding = decidingAvailability(servers, available, otherwise);
      return peekResult(choose(deciding, false), 'least-time', availableOf(servers, deciding));
    },
    onStart(s) {
      const st = byServer.get(s);
      if (st !== undefined) st.inflight++;
    },
    onHeaders(s, ttfbMs) {
      const st = byServer.get(s);
      if (st === undefined) return;
      // Traefik records time.Duration.Milliseconds(): whole milliseconds, truncated.
      const ms = ttfbMs > 0 ? Math.floor(ttfbMs) : 0;
      if (st.count < leastTimeSamples) {
        st.count++;
        st.sum += ms;
      } else {
        st.sum = st.sum - st.samples[st.next]! + ms;
      }
      st.samples[st.next] = ms;
      st.next = (st.next + 1) % leastTimeSamples;
    },
    onEnd(s) {
      const st = byServer.get(s);
      if (st !== undefined && st.inflight > 0) st.inflight--;
    },
    weights: () => weights,
    dispose() {},
  };
}
