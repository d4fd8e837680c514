/**
 * Counters of one mirror, and the comparison of a primary response with a mirror's response
 * (Switchyard's `mirrors[].compare`). Memory is bounded: per request only the two outcomes
 * (status, digest, end time) are kept until both are known, per mirror only the last
 * `recentMismatchesKept` mismatches.
 */

/** How many mismatches a mirror's `recent` list keeps. */
export const recentMismatchesKept = 10;

/** One request whose mirror response differed from the primary response. */
export interface MirrorMismatch {
  /** When the comparison was made (ISO 8601, from the mirroring service's `now`). */
  readonly time: string;
  readonly method: string;
  /** The path without the query (the query may carry secrets). */
  readonly path: string;
  readonly primaryStatus: number;
  readonly mirrorStatus: number;
  /** SHA-256 of the bodies, hex. */
  readonly primaryDigest: string;
  readonly mirrorDigest: string;
}

/**
 * Live counters of one mirror. Every request sent to the mirror ends as exactly one of
 * `completed`, `aborted` or `failed`; `sent` minus those three is what is in flight.
 */
export interface MirrorStats {
  readonly name: string;
  readonly percent: number;
  /** Requests handed to the mirror. */
  sent: number;
  /** Mirror responses that came back from a server and ended cleanly. */
  completed: number;
  /**
   * Mirror requests Switchyard cut: the mirror fell behind its body buffer, the body grew past
   * maxBodySize, or the client's body failed. The mirror server saw a reset, never a short body.
   */
  aborted: number;
  /** Mirror requests that got no complete response from a server (server down, reset, timeout). */
  failed: number;
  /** Selected requests not mirrored because their Content-Length exceeded maxBodySize. */
  skipped: number;
  /** compare mode only: responses compared (both ended cleanly). */
  compared: number;
  statusMismatches: number;
  bodyMismatches: number;
  /** compare mode: mean of (mirror end − primary end) in ms; both started together. */
  meanLatencyDeltaMs: number;
  /** The last few mismatches, oldest first. */
  readonly recent: readonly MirrorMismatch[];
}

/** How one response ended, for comparison. */
export interface ResponseOutcome {
  readonly status: number;
  /** SHA-256 of the body, hex. */
  readonly digest: string;
  /** `now()` when the response ended. */
  readonly endedAt: number;
}

/** Stats as the mirroring service mutates them. */
export interface MutableMirrorStats extends MirrorStats {
  readonly recent: MirrorMismatch[];
}

/** Fresh counters for a mirror. */
export function newMirrorStats(name: string, percent: number): MutableMirrorStats {
  return {
    name, percent, sent: 0, completed: 0, aborted: 0, failed: 0, skipped: 0,
    compared: 0, statusMismatches: 0, bodyMismatches: 0, meanLatencyDeltaMs: 0, recent: [],
  };
}

/** A copy safe to hand to readers (the API): later requests do not change it. */
export function snapshotMirrorStats(stats: MirrorStats): MirrorStats {
  return { ...stats, recent: [...stats.recent] };
}

/**
 * The comparison of one request's primary response with its compare-mode mirrors' responses.
 * Whichever ends second triggers the comparison; a side that did not end cleanly (null) is not
 * compared.
 */
export class RequestComparison {
  readonly #method: string;
  readonly #path: string;
  readonly #now: () => number;
  /** undefined while the primary is running; null when it did not end cleanly. */
  #primary: ResponseOutcome | null | undefined = undefined;
  /** Mirrors that ended before the primary. */
  #waiting: { stats: MutableMirrorStats; outcome: ResponseOutcome }[] = [];

  constructor(method: string, path: string, now: () => number) {
    this.#method = method;
    this.#path = path;
    this.#now = now;
  }

  /** The primary response ended (null: torn down, nothing to compare). */
  primaryEnded(outcome: ResponseOutcome | null): void {
    if (this.#primary !== undefined) return;
    this.#primary = outcome;
    const waiting = this.#waiting;
    this.#waiting = [];
    if (outcome === null) return;
    for (const w of waiting) this.#record(w.stats, outcome, w.outcome);
  }

  /** A compare-mode mirror completed with `outcome`. */
  mirrorEnded(stats: MutableMirrorStats, outcome: ResponseOutcome): void {
    const primary = this.#primary;
    if (primary === undefined) this.#waiting.push({ stats, outcome });
    else if (primary !== null) this.#record(stats, primary, outcome);
  }

  #record(stats: MutableMirrorStats, primary: ResponseOutcome, mirror: ResponseOutcome): void {
    stats.compared++;
    stats.meanLatencyDeltaMs += (mirror.endedAt - primary.endedAt - stats.meanLatencyDeltaMs) / stats.compared;
    const statusDiffers = primary.status !== mirror.status;
    const bodyDiffers = primary.digest !== mirror.digest;
    if (statusDiffers) stats.statusMismatches++;
    if (bodyDiffers) stats.bodyMismatches++;
    if (!statusDiffers && !bodyDiffers) return;
    stats.recent.push({
      time: new Date(this.#now()).toISOString(),
      method: this.#method,
      path: this.#path,
      primaryStatus: primary.status,
      mirrorStatus: mirror.status,
      primaryDigest: primary.digest,
      mirrorDigest: mirror.digest,
    });
    if (stats.recent.length > recentMismatchesKept) stats.recent.shift();
  }
}
