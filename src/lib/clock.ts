/**
 * The clock that time-dependent code (throttles, debounces, graceful stop) reads and schedules
 * timers through. Injected so tests drive time by advancing a manual clock instead of sleeping.
 */

/** An opaque timer handle; only the clock that made it can cancel it. */
export type TimerHandle = unknown;

/** Time and timers, injected (see createSystemClock, createManualClock). */
export interface Clock {
  /** Milliseconds on a monotonic-enough scale (only differences are meaningful). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; cancelling a fired or unknown handle does nothing. */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `performance.now()` and the host's timers. */
export function createSystemClock(): Clock {
  return {
    now: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}
