/**
 * A clock that only moves when told to, for tests: timers fire in deadline order (then in the
 * order they were set) while `advance` walks time forward.
 */
import type { Clock, TimerHandle } from './clock.ts';

/** A clock tests move by hand. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void;
  /** Number of timers set and not yet fired or cancelled. */
  pending(): number;
}

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** Creates a manual clock starting at `start` milliseconds. */
export function createManualClock(start = 0): ManualClock {
  let time = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();

  function nextDue(until: number): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of timers.values()) {
      if (timer.at > until) continue;
      if (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id)) best = timer;
    }
    return best;
  }

  return {
    now: () => time,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { id, at: time + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle: TimerHandle) {
      if (typeof handle === 'number') timers.delete(handle);
    },
    advance(ms) {
      const until = time + ms;
      // Timers set by a firing timer are honoured if they fall due before `until`.
      for (let timer = nextDue(until); timer; timer = nextDue(until)) {
        timers.delete(timer.id);
        time = timer.at;
        timer.fn();
      }
      time = until;
    },
    pending: () => timers.size,
  };
}
