/**
 * End to end: ipAllowList through the real binary. X-Forwarded-For from an untrusted peer is
 * cleared at the entry point, so a spoofed client address never reaches the allow list; from a
 * trusted peer (forwardedHeaders.trustedIPs) it is honoured at the configured depth.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type Backend } from './support/backends.ts';
import { send, type Answer } from './support/http-client.ts';
import { startWithDynamic, trustedStaticConfig, type SwitchyardProcess } from './support/switchyard-process.ts';

let backend: Backend;
let sy: SwitchyardProcess;

function dynamic(serverUrl: string): string {
  return `
http:
  routers:
    peer:
      rule: "PathPrefix(\`/peer\`)"
      middlewares: [loopback-only]
      service: origin
    documentation:
      rule: "PathPrefix(\`/documentation\`)"
      middlewares: [documentation-only]
      service: origin
    depth1:
      rule: "PathPrefix(\`/depth1\`)"
      middlewares: [documentation-depth1]
      service: origin
    depth2:
      rule: "PathPrefix(\`/depth2\`)"
      middlewares: [documentation-depth2]
      service: origin
    legacy:
      rule: "PathPrefix(\`/legacy\`)"
      middlewares: [legacy-white-list]
      service: origin
  middlewares:
    loopback-only:
      ipAllowList:
        sourceRange: ["127.0.0.1/32"]
    documentation-only:
      ipAllowList:
        sourceRange: ["203.0.113.0/24"]
        rejectStatusCode: 404
    documentation-depth1:
      ipAllowList:
        sourceRange: ["203.0.113.0/24"]
        ipStrategy:
          depth: 1
    documentation-depth2:
      ipAllowList:
        sourceRange: ["203.0.113.0/24"]
        ipStrategy:
          depth: 2
    legacy-white-list:
      ipWhiteList:
        sourceRange: ["203.0.113.0/24"]
  services:
    origin:
      loadBalancer:
        servers: [{url: "${serverUrl}"}]
`;
}

before(async () => {
  backend = await startBackend('origin');
  // The client is 127.0.0.1: trusted on "trusted", untrusted on "web".
  ({ sy } = await startWithDynamic(dynamic(backend.url), ['web', 'trusted'], trustedStaticConfig));
});

after(async () => {
  await sy?.stop();
  await backend?.close();
});

function get(entryPoint: string, path: string, xff?: string): Promise<Answer> {
  const headers: Record<string, string> = xff === undefined ? {} : { 'x-forwarded-for': xff };
  return send(sy.ports.get(entryPoint), { path, headers });
}

test('lets the TCP peer through when it is in sourceRange', async () => {
  assert.equal((await get('web', '/peer')).status, 200);
});

test('answers 403 Forbidden to a peer outside sourceRange, whatever X-Forwarded-For claims', async () => {
  const res = await get('web', '/depth1', '203.0.113.7');
  assert.equal(res.status, 403);
  assert.equal(res.text(), 'Forbidden');
});

test('ignores X-Forwarded-For without an ipStrategy, even from a trusted peer', async () => {
  const res = await get('trusted', '/documentation', '203.0.113.7');
  assert.equal(res.status, 404, 'rejectStatusCode');
  assert.equal(res.text(), 'Not Found');
});

test('honours a trusted peer\'s X-Forwarded-For at the configured depth', async () => {
  assert.equal((await get('trusted', '/depth1', '203.0.113.7')).status, 200);
  assert.equal((await get('trusted', '/depth1', '203.0.113.7, 198.51.100.1')).status, 403, 'depth 1 is the rightmost address');
  assert.equal((await get('trusted', '/depth2', '203.0.113.7, 198.51.100.1')).status, 200);
  assert.equal((await get('trusted', '/depth2', '203.0.113.7')).status, 403, 'too few addresses for depth 2');
});

test('serves the deprecated ipWhiteList', async () => {
  assert.equal((await get('web', '/legacy')).status, 403);
});
