/**
 * The held response of one attempt, in memory: a released head goes out through the attempt's
 * hooks then the real exchange's; a discarded response leaves no trace on the client and ends
 * the attempt only when it ended; a tear-down before any head reaches the client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeHeadThroughHooks } from '../lib/exchange.ts';
import { fakeExchange } from '../middlewares/testing/fake-exchange.ts';
import { releaseEveryHead, restoreRequestHead, snapshotRequestHead, startAttempt } from './attempt-exchange.ts';

test('a released head runs the attempt hooks, then the outer hooks, and the body streams through', async () => {
  const client = fakeExchange();
  const order: string[] = [];
  client.responseHeadHooks.push((status, headers) => {
    order.push('outer');
    headers.push('X-Outer', '1');
    return status;
  });
  const attempt = startAttempt(client, null, (status) => status !== 503);
  attempt.exchange.responseHeadHooks.push((status, headers) => {
    order.push('inner');
    headers.push('X-Inner', '1');
    return status;
  });

  writeHeadThroughHooks(attempt.exchange, 200, ['Content-Type', 'text/plain']);
  assert.equal(await attempt.outcome, 'released');
  attempt.exchange.response.write(Buffer.from('hello'));
  attempt.exchange.response.end();

  assert.deepEqual(order, ['inner', 'outer']);
  assert.deepEqual(client.sent, { status: 200, headers: ['Content-Type', 'text/plain', 'X-Inner', '1', 'X-Outer', '1'], body: 'hello', ended: true });
  assert.equal(client.log.downstreamStatus, 200);
});

test('a discarded response writes nothing to the client and ends the attempt when its body ended', async () => {
  const client = fakeExchange();
  let outerCalls = 0;
  client.responseHeadHooks.push((status) => {
    outerCalls++;
    return status;
  });
  const attempt = startAttempt(client, null, (status) => status !== 503);
  let settled = false;
  void attempt.outcome.then(() => {
    settled = true;
  });

  writeHeadThroughHooks(attempt.exchange, 503, ['X-Failed', 'yes']);
  assert.equal(attempt.exchange.response.headSent, true, 'the proxy below sees a head as sent');
  assert.equal(attempt.exchange.response.write(Buffer.from('overloaded')), true);
  await Promise.resolve();
  assert.equal(settled, false, 'not over before the body ended');
  attempt.exchange.response.end();

  assert.equal(await attempt.outcome, 'discarded');
  assert.equal(outerCalls, 0);
  assert.deepEqual(client.sent, { status: 0, headers: [], body: '', ended: false });
});

test('a tear-down before any head reaches the client and ends the attempt as released', async () => {
  const client = fakeExchange();
  const attempt = startAttempt(client, null, () => false);
  attempt.exchange.response.destroy(new Error('client closed'));
  assert.equal(await attempt.outcome, 'released');
  assert.equal(client.sent.ended, true);
});

test('the attempt shares the request head and log, and has its own hooks', () => {
  const client = fakeExchange({ target: '/a?b=1' });
  const attempt = startAttempt(client, null, releaseEveryHead);
  assert.equal(attempt.exchange.request, client.request);
  assert.equal(attempt.exchange.log, client.log);
  assert.notEqual(attempt.exchange.responseHeadHooks, client.responseHeadHooks);
});

test('restoring the head undoes rewrites of path, query, headers, method and client IP', () => {
  const { request } = fakeExchange({ method: 'GET', target: '/a?b=1', headers: ['X-Seen', 'no'] });
  const snapshot = snapshotRequestHead(request);
  request.path = '/api/a';
  request.query = '';
  request.headers.push('X-Added', '1');
  request.headers[3] = 'yes';
  request.method = 'POST';
  request.clientIp = '203.0.113.9';
  restoreRequestHead(request, snapshot);
  assert.deepEqual(
    [request.method, request.path, request.query, request.headers, request.clientIp],
    ['GET', '/a', 'b=1', ['Host', 'example.com', 'X-Seen', 'no'], '192.0.2.10'],
  );
});
