/**
 * Test support only: a MiddlewareContext for factories under test, and a helper that runs one
 * request through a middleware in front of a recording handler.
 */
import { createSystemClock } from '../../lib/clock.ts';
import { createUpstreamPools } from '../../proxy/upstream-pools.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';
import { fakeExchange, recordingHandler, type CannedResponse, type FakeExchange, type FakeRequest, type RecordingHandler } from './fake-exchange.ts';

/** A context for `test@file`; `build` refuses every reference unless `middlewares` has it. */
export function testContext(middlewares: Readonly<Record<string, Middleware>> = {}, extra: Partial<MiddlewareContext> = {}): MiddlewareContext {
  return {
    name: 'test@file',
    provider: 'file',
    build: (qualifiedRef) => {
      const middleware = middlewares[qualifiedRef];
      if (middleware === undefined) throw new Error(`middleware "${qualifiedRef}" does not exist`);
      return middleware;
    },
    service: () => null,
    clock: createSystemClock(),
    pools: createUpstreamPools(),
    onDispose: () => {},
    ...extra,
  };
}

/** What one request through a middleware produced. */
export interface RunResult {
  readonly exchange: FakeExchange;
  readonly next: RecordingHandler;
}

/** Runs `request` through `middleware` in front of a recording handler answering `response`. */
export async function run(middleware: Middleware, request: FakeRequest = {}, response: CannedResponse = {}): Promise<RunResult> {
  const next = recordingHandler(response);
  const exchange = fakeExchange(request);
  await middleware(next)(exchange);
  return { exchange, next };
}
