/**
 * Traefik's providersThrottleDuration for one provider: the first value is applied at once, then
 * a window of `windowMs` opens; values pushed during the window replace each other and the
 * latest is applied when it closes (opening the next window). A quiet window closes the cycle,
 * so the next value is applied at once again.
 */
import type { Clock, TimerHandle } from './clock.ts';

/** A per-provider throttle. */
export interface Throttle<T> {
  /** Offers a value; it is applied now or at the end of the current window. */
  push(value: T): void;
  /** Cancels the window and drops a value waiting for it. */
  dispose(): void;
}

/** The window, the clock, and what to do with a value. */
export interface ThrottleOptions<T> {
  readonly windowMs: number;
  readonly clock: Clock;
  readonly apply: (value: T) => void;
}

/** Creates a throttle that calls `apply` at most once per `windowMs`, latest value wins. */
export function createThrottle<T>(options: ThrottleOptions<T>): Throttle<T> {
  const { windowMs, clock, apply } = options;
  let timer: TimerHandle | undefined;
  let waiting: { value: T } | undefined;
  let disposed = false;

  function openWindow(): void {
    timer = clock.setTimeout(closeWindow, windowMs);
  }

  function closeWindow(): void {
    timer = undefined;
    if (disposed || !waiting) return;
    const { value } = waiting;
    waiting = undefined;
    openWindow();
    apply(value);
  }

  return {
    push(value) {
      if (disposed) return;
      if (timer !== undefined) {
        waiting = { value };
        return;
      }
      if (windowMs > 0) openWindow();
      apply(value);
    },
    dispose() {
      disposed = true;
      waiting = undefined;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
