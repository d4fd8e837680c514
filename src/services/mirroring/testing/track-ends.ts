/**
 * Test support only: wraps a handler so a test can wait until the responses of the requests it
 * handled are over (mirror responses are discarded, so this is the only way to see them end).
 */
import type { Handler } from '../../../lib/exchange.ts';
import { PrimaryExchange, PrimarySink } from '../primary-exchange.ts';

export interface TrackedHandler {
  readonly handler: Handler;
  /** Resolves once `count` responses of this handler are over (ended or torn down). */
  ended(count: number): Promise<void>;
}

export function trackEnds(inner: Handler): TrackedHandler {
  let over = 0;
  const waiting: { count: number; resolve: () => void }[] = [];
  const onOver = (): void => {
    over++;
    for (const w of waiting.filter((x) => x.count <= over)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  };
  return {
    // The wrapper reports after the inner sink saw the end, so the mirroring service has
    // already counted the outcome when `ended` resolves.
    handler: (exchange) => inner(new PrimaryExchange(exchange, exchange.body, new PrimarySink(exchange.response, false, Date.now, onOver))),
    ended(count) {
      if (over >= count) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      waiting.push({ count, resolve });
      return promise;
    },
  };
}
