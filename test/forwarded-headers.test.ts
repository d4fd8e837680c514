/**
 * End to end: X-Forwarded-* and X-Real-Ip with and without trusted IPs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type Backend } from './support/backends.ts';
import { send } from './support/http-client.ts';
import { catchAllTo, startWithDynamic, trustedStaticConfig, type SwitchyardProcess } from './support/switchyard-process.ts';

let backend: Backend;
let sy: SwitchyardProcess;

before(async () => {
  backend = await startBackend('echo');
  // 127.0.0.1 is trusted on "trusted"; nothing is trusted on "web".
  ({ sy } = await startWithDynamic(catchAllTo(backend.url), ['web', 'trusted'], trustedStaticConfig));
});

after(async () => {
  await sy?.stop();
  await backend?.close();
});

/** node:http as the client: it sends Connection and Keep-Alive headers exactly as given. */
async function headersSeen(entryPoint: string, sent: Record<string, string>): Promise<Record<string, string>> {
  const answer = await send(sy.ports.get(entryPoint), { path: '/x', headers: sent });
  return (JSON.parse(answer.text()) as { headers: Record<string, string> }).headers;
}

const spoofed = {
  host: 'app.example:8443',
  'x-forwarded-for': '203.0.113.7',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'evil.example',
  'x-real-ip': '203.0.113.7',
};

test('from an untrusted peer, forwarded headers are replaced with what the proxy saw', async () => {
  const h = await headersSeen('web', spoofed);
  assert.equal(h['x-forwarded-for'], '127.0.0.1');
  assert.equal(h['x-real-ip'], '127.0.0.1');
  assert.equal(h['x-forwarded-proto'], 'http');
  assert.equal(h['x-forwarded-host'], 'app.example:8443');
  assert.equal(h['x-forwarded-port'], '8443');
  assert.ok(h['x-forwarded-server'], 'X-Forwarded-Server is set');
  assert.equal(h.host, 'app.example:8443', 'passHostHeader keeps the client Host');
});

test('from a trusted peer, forwarded headers are kept and the peer is appended', async () => {
  const h = await headersSeen('trusted', spoofed);
  assert.equal(h['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
  assert.equal(h['x-real-ip'], '203.0.113.7');
  assert.equal(h['x-forwarded-proto'], 'https');
  assert.equal(h['x-forwarded-host'], 'evil.example');
});

test('hop-by-hop headers and those named by Connection are not forwarded', async () => {
  const h = await headersSeen('web', { connection: 'x-secret, keep-alive', 'x-secret': '1', 'keep-alive': 'timeout=5', 'x-kept': 'yes' });
  assert.equal(h['x-secret'], undefined);
  assert.equal(h['keep-alive'], undefined);
  assert.equal(h['x-kept'], 'yes');
});
