/**
 * End to end: rateLimit through the real binary. The period is an hour, so the wall clock
 * cannot refill a bucket while the test runs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type Backend } from './support/backends.ts';
import { send, type Answer } from './support/http-client.ts';
import { oneConnection } from './support/one-connection.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let backend: Backend;
let sy: SwitchyardProcess;
/**
 * Buckets live in the process that serves the request: with several workers each keeps its own
 * (docs/workers.md). Every request goes over this one keep-alive connection, so all of them
 * meet the same worker's buckets, as they meet the only process's without workers.
 */
const connection = oneConnection();

before(async () => {
  backend = await startBackend('origin');
  ({ sy } = await startWithDynamic(`
http:
  routers:
    limited:
      rule: "PathPrefix(\`/\`)"
      middlewares: [hourly]
      service: origin
  middlewares:
    hourly:
      rateLimit:
        average: 1
        period: 1h
        burst: 2
        sourceCriterion:
          requestHeaderName: X-Api-Key
  services:
    origin:
      loadBalancer:
        servers: [{url: "${backend.url}"}]
`, ['web']));
});

after(async () => {
  connection.destroy();
  await sy?.stop();
  await backend?.close();
});

function get(key: string): Promise<Answer> {
  return send(sy.ports.get('web'), { path: '/', headers: { 'x-api-key': key }, agent: connection });
}

test('answers 429 with Retry-After and X-Retry-In once the burst is used', async () => {
  assert.equal((await get('alice')).status, 200);
  assert.equal((await get('alice')).status, 200);
  const refused = await get('alice');
  assert.equal(refused.status, 429);
  assert.equal(refused.text(), 'Too Many Requests');
  assert.equal(refused.headers['retry-after'], '3600');
  assert.match(String(refused.headers['x-retry-in']), /^(59m59\.\d+s|1h0m0s)$/);
});

test('keeps a separate bucket per source', async () => {
  assert.equal((await get('bob')).status, 200);
});
