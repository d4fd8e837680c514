/**
 * One deadline per connection on the injected clock, moved many times per second on a busy
 * keep-alive connection. Moving it later costs nothing: the armed timer fires at the old time,
 * sees the deadline moved and sleeps again. Only moving it earlier re-arms. So a connection
 * that serves requests back to back touches the timer queue about once per deadline period,
 * not once per request.
 */
import type { Clock, TimerHandle } from '../../lib/clock.ts';

export class ConnectionDeadline {
  readonly #clock: Clock;
  readonly #onExpired: () => void;
  #deadline = Number.POSITIVE_INFINITY;
  #timer: TimerHandle | undefined;
  #firesAt = Number.POSITIVE_INFINITY;

  /** `onExpired` runs once each time the clock reaches a deadline that is still set. */
  constructor(clock: Clock, onExpired: () => void) {
    this.#clock = clock;
    this.#onExpired = onExpired;
  }

  /** Sets the deadline `ms` from now; 0 or less clears it (no deadline). */
  in(ms: number): void {
    if (ms <= 0) {
      this.clear();
      return;
    }
    this.at(this.#clock.now() + ms);
  }

  /** Sets the deadline to the clock time `time`. */
  at(time: number): void {
    this.#deadline = time;
    if (time < this.#firesAt) this.#arm(time);
  }

  /** No deadline; the armed timer, if any, fires and does nothing. */
  clear(): void {
    this.#deadline = Number.POSITIVE_INFINITY;
  }

  /** Cancels the timer for good (the connection closed). */
  dispose(): void {
    this.#deadline = Number.POSITIVE_INFINITY;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#firesAt = Number.POSITIVE_INFINITY;
  }

  #arm(time: number): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#firesAt = time;
    this.#timer = this.#clock.setTimeout(this.#fire, Math.max(0, time - this.#clock.now()));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#firesAt = Number.POSITIVE_INFINITY;
    const deadline = this.#deadline;
    if (deadline === Number.POSITIVE_INFINITY) return;
    if (this.#clock.now() >= deadline) {
      this.#deadline = Number.POSITIVE_INFINITY;
      this.#onExpired();
    } else {
      this.#arm(deadline);
    }
  };
}
