/**
 * End to end: circuitBreaker through the real binary. Time is real here, so the test only
 * waits for responses; the fallback lasts an hour so the breaker cannot recover mid-test.
 * Recovery is specified by the manual-clock unit tests beside the middleware.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type Backend } from './support/backends.ts';
import { send, type Answer } from './support/http-client.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let backend: Backend;
let sy: SwitchyardProcess;
let served = 0;

before(async () => {
  backend = await startBackend('failing', (_req, res) => {
    served++;
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('broken');
  });
  ({ sy } = await startWithDynamic(`
http:
  routers:
    guarded:
      rule: "PathPrefix(\`/\`)"
      middlewares: [breaker]
      service: origin
  middlewares:
    breaker:
      circuitBreaker:
        expression: "ResponseCodeRatio(500, 600, 0, 600) > 0.5"
        checkPeriod: 1ms
        fallbackDuration: 1h
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

function get(): Promise<Answer> {
  return send(sy.ports.get('web'), { path: '/' });
}

test('a server answering 500s trips the breaker and the client gets the fallback 503', async () => {
  let answer = await get();
  assert.equal(answer.status, 500);
  for (let i = 0; i < 50 && answer.status === 500; i++) answer = await get();
  assert.equal(answer.status, 503);
  assert.equal(answer.text(), 'Service Unavailable');
  const reached = served;
  const again = await get();
  assert.equal(again.status, 503);
  assert.equal(served, reached, 'the open breaker does not call the service');
});
