import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainSchema } from '../../config/dynamic.ts';
import { getHeaderValues, type Handler } from '../../lib/exchange.ts';
import type { Middleware } from '../middleware.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createChain } from './chain.ts';

/** A middleware that records its name on the way in and on the response head on the way out. */
function tracer(name: string, events: string[]): Middleware {
  return (next: Handler): Handler => (exchange) => {
    events.push(`request ${name}`);
    exchange.request.headers.push('X-Seen-By', name);
    exchange.responseHeadHooks.unshift((status, headers) => {
      events.push(`response ${name}`);
      headers.push('X-Answered-By', name);
      return status;
    });
    return next(exchange);
  };
}

describe('chain', () => {
  it('runs members in order on the request and in reverse on the response', async () => {
    const events: string[] = [];
    const context = testContext({ 'a@file': tracer('a', events), 'b@file': tracer('b', events), 'c@docker': tracer('c', events) });
    const chain = createChain(chainSchema.parse({ middlewares: ['a', 'b', 'c@docker'] }), context);
    const { exchange, next } = await run(chain);
    assert.deepEqual(getHeaderValues(next.seen[0]!.headers, 'x-seen-by'), ['a', 'b', 'c']);
    assert.deepEqual(events, ['request a', 'request b', 'request c', 'response c', 'response b', 'response a']);
    assert.deepEqual(getHeaderValues(exchange.sent.headers, 'x-answered-by'), ['c', 'b', 'a']);
  });

  it('qualifies references with the chain provider and builds them once', () => {
    const asked: string[] = [];
    const context = { ...testContext(), build: (ref: string): Middleware => { asked.push(ref); return (next) => next; } };
    const chain = createChain(chainSchema.parse({ middlewares: ['a', 'b@kubernetescrd'] }), context);
    chain((exchange) => exchange.response.end());
    chain((exchange) => exchange.response.end());
    assert.deepEqual(asked, ['a@file', 'b@kubernetescrd']);
  });

  it('passes straight through when empty', async () => {
    const { next } = await run(createChain(chainSchema.parse({ middlewares: [] }), testContext()));
    assert.equal(next.seen.length, 1);
  });

  it('fails to build when a member does not exist', () => {
    assert.throws(() => createChain(chainSchema.parse({ middlewares: ['missing'] }), testContext()), /missing@file/);
  });
});
