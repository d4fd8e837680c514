/**
 * Health propagation between services (reference §4.3): a service that reports health exposes
 * a HealthSignal; a parent with `healthCheck: {}` subscribes to its children's signals and
 * treats a child whose signal is down as unavailable.
 */

export interface HealthSignal {
  /** True while the service can serve (at least one usable server or child). */
  isUp(): boolean;
  /** Calls `listener` when isUp() flips; returns the unsubscribe function. */
  subscribe(listener: (up: boolean) => void): () => void;
}

/**
 * A signal whose value is computed by `compute`; `recheck()` recomputes it and notifies
 * subscribers when it flipped. Services call recheck() when something they depend on changed.
 */
export interface ComputedHealthSignal extends HealthSignal {
  recheck(): void;
}

export function createComputedHealthSignal(compute: () => boolean): ComputedHealthSignal {
  let up = compute();
  const listeners = new Set<(up: boolean) => void>();
  return {
    isUp: () => up,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    recheck() {
      const next = compute();
      if (next === up) return;
      up = next;
      for (const l of [...listeners]) l(up);
    },
  };
}
