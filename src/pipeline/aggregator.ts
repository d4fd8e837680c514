/**
 * The aggregator keeps the latest snapshot of every provider and hands the whole set on when one
 * changes: throttled per provider (Traefik's providersThrottleDuration), identical snapshots
 * dropped. It only moves data; merge() and resolve() make sense of it.
 */
import type { Snapshot, Provider } from '../config/snapshot.ts';
import { canonicalJson } from './canonical-json.ts';
import type { Clock } from '../lib/clock.ts';
import { createThrottle, type Throttle } from '../lib/throttle.ts';

/** What the aggregator runs and where it hands snapshots on. */
export interface AggregatorOptions {
  readonly providers: readonly Provider[];
  /** Minimum delay between two snapshots applied from one provider (Traefik default 2000). */
  readonly throttleMs: number;
  readonly clock: Clock;
  /** Called with the latest snapshot of every provider heard from, each time one is applied. */
  readonly onConfig: (snapshots: ReadonlyMap<string, Snapshot>) => void;
  /**
   * Called when a provider's `run` rejects; the other providers keep running. Without it, the
   * first failure stops every provider and `run` rejects with it.
   */
  readonly onProviderError?: (provider: string, error: unknown) => void;
}

/** Runs the providers and keeps their latest snapshots. */
export interface Aggregator {
  /** Runs every provider until `signal` aborts or `dispose` is called; resolves when all stopped. */
  run(signal: AbortSignal): Promise<void>;
  /** The snapshots applied so far, keyed by provider name. */
  snapshots(): ReadonlyMap<string, Snapshot>;
  /** Stops the providers, cancels throttle windows and drops snapshots waiting for them. */
  dispose(): void;
}

interface Keyed {
  readonly snapshot: Snapshot;
  readonly key: string;
}

/** Creates an aggregator over `options.providers`. */
export function createAggregator(options: AggregatorOptions): Aggregator {
  const { providers, throttleMs, clock, onConfig, onProviderError } = options;
  const applied = new Map<string, Snapshot>();
  const appliedKeys = new Map<string, string>();
  const throttles: Throttle<Keyed>[] = [];
  const stop = new AbortController();
  let running = false;

  function apply({ snapshot, key }: Keyed): void {
    if (stop.signal.aborted) return;
    // A snapshot that waited out a window may equal the one applied before it (A, B, A).
    if (appliedKeys.get(snapshot.provider) === key) return;
    appliedKeys.set(snapshot.provider, key);
    applied.set(snapshot.provider, snapshot);
    onConfig(new Map(applied));
  }

  function emitterFor(): (snapshot: Snapshot) => void {
    const throttle = createThrottle<Keyed>({ windowMs: throttleMs, clock, apply });
    throttles.push(throttle);
    let lastKey: string | undefined;
    return (snapshot) => {
      if (stop.signal.aborted) return;
      const key = canonicalJson(snapshot);
      if (key === lastKey) return;
      lastKey = key;
      throttle.push({ snapshot, key });
    };
  }

  function dispose(): void {
    stop.abort();
    for (const throttle of throttles) throttle.dispose();
  }

  return {
    async run(signal) {
      if (running) throw new Error('aggregator is already running');
      running = true;
      const onAbort = (): void => dispose();
      if (signal.aborted) dispose();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const results = await Promise.allSettled(providers.map(async (provider) => {
          try {
            await provider.run(emitterFor(), stop.signal);
          } catch (error) {
            if (onProviderError) return onProviderError(provider.name, error);
            dispose();
            throw error;
          }
        }));
        const failed = results.find((result) => result.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
    snapshots: () => new Map(applied),
    dispose,
  };
}
