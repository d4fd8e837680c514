import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveStatsDocument, LiveStatsView } from '../config/live-stats-view.ts';
import { createApiHandler } from './api-handler.ts';
import { createStatsHandler } from './stats-handler.ts';
import { createMemoryExchange } from './testdata/memory-exchange.ts';
import { fixtureApiDeps } from './testdata/runtime-fixture.ts';

/** A view whose every sample is numbered, to see that each request takes a fresh one. */
function countingView(): LiveStatsView {
  let samples = 0;
  return {
    snapshot(): LiveStatsDocument {
      samples++;
      return {
        at: `2030-01-01T00:00:0${samples}.000Z`,
        windowSeconds: 10,
        entryPoints: {},
        routers: {},
        services: {
          'v1@file': {
            requests: samples, rate: 0.1, inFlight: 0, window: { '1xx': 0, '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 0 },
            errorRatio: { '4xx': 0, '5xx': 0 }, latencyMs: { p50: 1, p95: 2, p99: 3 }, bytesIn: 0, bytesOut: 2,
            websockets: 0, stickyStarted: 0, servers: {},
          },
        },
      };
    },
  };
}

describe('GET /api/stats', () => {
  it('answers the view\'s current sample as JSON, a fresh one per request', async () => {
    const handler = createStatsHandler(countingView());
    for (const expected of [1, 2]) {
      const { exchange, response } = createMemoryExchange({ target: '/api/stats' });
      await handler(exchange);
      assert.equal(response.status, 200);
      assert.equal(response.header('content-type'), 'application/json');
      const doc = response.json() as LiveStatsDocument;
      assert.equal(doc.services['v1@file']!.requests, expected);
      assert.equal(doc.at, `2030-01-01T00:00:0${expected}.000Z`);
    }
  });

  it('is served by the API under /api/stats, GET only', async () => {
    const api = createApiHandler({ ...fixtureApiDeps(), extensions: new Map([['stats', createStatsHandler(countingView())]]) });
    const get = createMemoryExchange({ target: '/api/stats' });
    await api(get.exchange);
    assert.equal(get.response.status, 200);
    assert.equal((get.response.json() as LiveStatsDocument).windowSeconds, 10);
    const post = createMemoryExchange({ target: '/api/stats', method: 'POST' });
    await api(post.exchange);
    assert.equal(post.response.status, 405);
  });
});
