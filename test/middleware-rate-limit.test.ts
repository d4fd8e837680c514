/**
 * End to end: rateLimit through the real binary. The period is an hour, so the wall clock
 * cannot refill a bucket while the test runs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startBackend, type Backend } from './support/backends.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let backend: Backend;
let sy: SwitchyardProcess;

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
  await sy?.stop();
  await backend?.close();
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function get(key: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: sy.ports.get('web'), path: '/', headers: { 'x-api-key': key }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('answers 429 with Retry-After and X-Retry-In once the burst is used', async () => {
  assert.equal((await get('alice')).status, 200);
  assert.equal((await get('alice')).status, 200);
  const refused = await get('alice');
  assert.equal(refused.status, 429);
  assert.equal(refused.body, 'Too Many Requests');
  assert.equal(refused.headers['retry-after'], '3600');
  assert.match(String(refused.headers['x-retry-in']), /^(59m59\.\d+s|1h0m0s)$/);
});

test('keeps a separate bucket per source', async () => {
  assert.equal((await get('bob')).status, 200);
});
