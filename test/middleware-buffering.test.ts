/**
 * End to end: buffering through the real binary. The server answers in chunks; through the
 * middleware the client gets one body with a Content-Length.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type Backend } from './support/backends.ts';
import { send, type Answer } from './support/http-client.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let backend: Backend;
let sy: SwitchyardProcess;
let reached = 0;

before(async () => {
  backend = await startBackend('echo', (req, res) => {
    reached++;
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d)).on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-request-length': String(req.headers['content-length'] ?? 'none') });
      res.write('echo:');
      res.end(Buffer.concat(parts));
    });
  });
  ({ sy } = await startWithDynamic(`
http:
  routers:
    buffered:
      rule: "PathPrefix(\`/\`)"
      middlewares: [buffer]
      service: origin
  middlewares:
    buffer:
      buffering:
        maxRequestBodyBytes: 16
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

/** POSTs `chunks` as a chunked body (no Content-Length from the client). */
function post(chunks: readonly string[]): Promise<Answer> {
  return send(sy.ports.get('web'), { method: 'POST', path: '/', body: chunks });
}

test('a body under maxRequestBodyBytes arrives intact with a Content-Length', async () => {
  const answer = await post(['hello ', 'world']);
  assert.equal(answer.status, 200);
  assert.equal(answer.text(), 'echo:hello world');
  assert.equal(answer.headers['x-request-length'], '11');
  assert.equal(answer.headers['content-length'], '16');
  assert.equal(answer.headers['transfer-encoding'], undefined);
});

test('a body over maxRequestBodyBytes is refused with 413 before the server sees it', async () => {
  const before = reached;
  const answer = await post(['0123456789', '0123456789']);
  assert.equal(answer.status, 413);
  assert.equal(answer.text(), 'Request Entity Too Large');
  assert.equal(reached, before);
});
