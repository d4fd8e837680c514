/**
 * End to end through the real binary: a mirroring service never delays the primary (the mirror's
 * response is held open while the client already has its answer), a 5 MiB POST reaches the
 * primary and the mirror intact, and compare mode counts a deliberate mismatch in the API.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import { startBackend, type Backend } from './support/backends.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let sy: SwitchyardProcess;
let web: string;
let api: string;
let primary: Backend;
let mirror: Backend;
const digests: { primary: string[]; mirror: string[]; mirrorHeader: (string | undefined)[] } = { primary: [], mirror: [], mirrorHeader: [] };
let releaseMirror: (() => void) | null = null;
let mirrorArrived: (() => void) | null = null;

function digestOf(req: IncomingMessage, onDone: (hex: string) => void): void {
  const hash = createHash('sha256');
  req.on('data', (d: Buffer) => hash.update(d)).on('end', () => onDone(hash.digest('hex')));
}

before(async () => {
  primary = await startBackend('primary', (req, res) => {
    digestOf(req, (hex) => {
      digests.primary.push(hex);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('primary answer');
    });
  });
  mirror = await startBackend('mirror', (req: IncomingMessage, res: ServerResponse) => {
    digests.mirrorHeader.push(req.headers['x-switchyard-mirror'] as string | undefined);
    digestOf(req, (hex) => {
      digests.mirror.push(hex);
      if (req.url === '/held') {
        releaseMirror = () => res.writeHead(200).end('primary answer');
        mirrorArrived?.();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(req.url === '/different' ? 'mirror answer' : 'primary answer');
    });
  });
  ({ sy } = await startWithDynamic(`
http:
  routers:
    app:
      rule: "Host(\`app.test\`)"
      service: mirrored
  services:
    mirrored:
      mirroring:
        service: main
        mirrors:
          - name: shadow
            percent: 100
            compare: true
        mirrorBufferBytes: 8388608
    main:
      loadBalancer:
        servers: [{url: "${primary.url}"}]
    shadow:
      loadBalancer:
        servers: [{url: "${mirror.url}"}]
`, ['web', 'traefik']));
  web = `http://127.0.0.1:${sy.ports.get('web')}`;
  api = `http://127.0.0.1:${sy.ports.get('traefik')}`;
});

after(async () => {
  releaseMirror?.();
  await sy?.stop();
  await Promise.all([primary, mirror].map((b) => b?.close()));
});

async function mirrorStats(): Promise<{ sent: number; completed: number; compared: number; bodyMismatches: number; statusMismatches: number }> {
  const res = await request(`${api}/api/http/services/mirrored@file`);
  const service = await res.body.json() as { switchyard: { mirrors: { sent: number; completed: number; compared: number; bodyMismatches: number; statusMismatches: number }[] } };
  return service.switchyard.mirrors[0]!;
}

test('the client gets the primary’s answer while the mirror’s response is still held open', async () => {
  const arrived = new Promise<void>((r) => { mirrorArrived = r; });
  const res = await request(`${web}/held`, { headers: { host: 'app.test' } });
  assert.equal(await res.body.text(), 'primary answer');
  await arrived;
  assert.equal(typeof releaseMirror, 'function', 'the mirror request is in flight, unanswered');
  const before = await mirrorStats();
  releaseMirror!();
  releaseMirror = null;
  // The mirror's late answer is recorded when it ends; wait for that event through the API.
  for (let i = 0; i < 200 && (await mirrorStats()).completed === before.completed; i++) await new Promise((r) => setImmediate(r));
  assert.equal((await mirrorStats()).completed, before.completed + 1);
  assert.equal(digests.mirrorHeader.at(-1), 'shadow');
});

test('a 5 MiB POST arrives intact at the primary and at the mirror', async () => {
  const payload = randomBytes(5 * 1024 * 1024);
  const expected = createHash('sha256').update(payload).digest('hex');
  const res = await request(`${web}/upload`, { method: 'POST', headers: { host: 'app.test' }, body: payload });
  assert.equal(res.statusCode, 200);
  await res.body.text();
  assert.equal(digests.primary.at(-1), expected);
  for (let i = 0; i < 2000 && digests.mirror.at(-1) !== expected; i++) await new Promise((r) => setImmediate(r));
  assert.equal(digests.mirror.at(-1), expected);
});

test('compare mode counts a deliberate body mismatch and not a matching answer', async () => {
  const before = await mirrorStats();
  await (await request(`${web}/same`, { headers: { host: 'app.test' } })).body.text();
  await (await request(`${web}/different`, { headers: { host: 'app.test' } })).body.text();
  let now = await mirrorStats();
  for (let i = 0; i < 2000 && now.compared < before.compared + 2; i++) {
    await new Promise((r) => setImmediate(r));
    now = await mirrorStats();
  }
  assert.equal(now.compared, before.compared + 2);
  assert.equal(now.bodyMismatches, before.bodyMismatches + 1);
  assert.equal(now.statusMismatches, before.statusMismatches);
});
