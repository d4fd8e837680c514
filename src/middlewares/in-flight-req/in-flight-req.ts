/**
 * `inFlightReq` [Traefik pkg/middlewares/inflightreq, vulcand/oxy connlimit] (reference §9): at
 * most `amount` requests in flight at once per source (`sourceCriterion`, by default the
 * request's Host header); one more is answered 429 without reaching the service, with oxy's
 * body `max connections reached: <amount>` (and a text/plain Content-Type, which oxy leaves out).
 *
 * A request stops counting when its response ended or was torn down, when the client went
 * away, or — for a WebSocket that got its 101 — when the upgraded connection closed. Sources
 * with nothing in flight are forgotten, so memory follows the number of sources busy now.
 */
import type { InFlightReqMiddleware } from '../../config/dynamic.ts';
import { sendText, type Exchange, type Handler } from '../../lib/exchange.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';
import { createSourceExtractor } from '../source-criterion/source-criterion.ts';
import { watchResponseEnd } from './response-end.ts';

/** Creates an inFlightReq middleware; each router using it gets its own counters. */
export function createInFlightReq(config: InFlightReqMiddleware, _context: MiddlewareContext): Middleware {
  const source = createSourceExtractor(config.sourceCriterion, 'requestHost');
  const amount = config.amount;
  const inFlight = new Map<string, number>();
  const body = `max connections reached: ${amount}`;

  const release = (key: string): void => {
    const count = (inFlight.get(key) ?? 1) - 1;
    if (count <= 0) inFlight.delete(key);
    else inFlight.set(key, count);
  };

  return (next: Handler): Handler => (exchange: Exchange) => {
    // Nobody is waiting for an answer: nothing to count (the service notices the client left).
    if (exchange.clientGone) return next(exchange);
    const key = source(exchange.request);
    const count = inFlight.get(key) ?? 0;
    if (count >= amount) {
      sendText(exchange, 429, body);
      return;
    }
    inFlight.set(key, count + 1);
    let released = false;
    const done = (): void => {
      if (released) return;
      released = true;
      release(key);
    };
    // A handler that fails (a bug) is answered by the entry point on the parent exchange,
    // which the watch does not see: release on the failure too.
    let result: void | Promise<void>;
    try {
      result = next(watchResponseEnd(exchange, done));
    } catch (err) {
      done();
      throw err;
    }
    if (result instanceof Promise) {
      return result.catch((err: unknown) => {
        done();
        throw err;
      });
    }
    return result;
  };
}
