import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPingHandler } from './ping-handler.ts';
import { createMemoryExchange } from './testdata/memory-exchange.ts';

async function ping(terminating: boolean, terminatingStatusCode = 503, method = 'GET') {
  const { exchange, response } = createMemoryExchange({ target: '/ping', method });
  await createPingHandler({ isTerminating: () => terminating, terminatingStatusCode })(exchange);
  return response;
}

describe('ping', () => {
  it('answers 200 OK while serving', async () => {
    const response = await ping(false);
    assert.equal(response.status, 200);
    assert.equal(response.body, 'OK');
    assert.equal(response.header('content-type'), 'text/plain; charset=utf-8');
  });

  it('answers any method', async () => {
    assert.equal((await ping(false, 503, 'POST')).status, 200);
  });

  it('answers the terminating status with its status text once shutdown has begun', async () => {
    const response = await ping(true);
    assert.equal(response.status, 503);
    assert.equal(response.body, 'Service Unavailable');
  });

  it('uses the configured terminating status code', async () => {
    const response = await ping(true, 204);
    assert.equal(response.status, 204);
    assert.equal(response.body, 'No Content');
  });
});
