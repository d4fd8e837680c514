/**
 * End to end: editing the dynamic file reloads the routes without dropping a request in flight
 * or an open WebSocket; a file that does not parse keeps the old routes and the API shows the
 * error with its line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { request } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';
import { startSwitchyard, staticConfig, tempDir, type SwitchyardProcess } from './support/switchyard-process.ts';

let sy: SwitchyardProcess;
let server: Server;
let wss: WebSocketServer;
let dir: string;
let port: number;
let held: ServerResponse | null = null;
let heldArrived: (() => void) | null = null;

function dynamic(routes: string): string {
  return `
http:
  routers:
${routes}
  services:
    origin:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:${port}"}]
`;
}

const baseRoutes = `
    old:
      rule: "PathPrefix(\`/old\`)"
      service: origin
    ws:
      rule: "PathPrefix(\`/ws\`)"
      service: origin
    held:
      rule: "PathPrefix(\`/held\`)"
      service: origin`;

/** Writes the dynamic file atomically (write + rename), as editors and ConfigMaps do. */
function writeDynamic(text: string): void {
  const tmp = join(dir, '.dynamic.yml.tmp');
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, 'dynamic.yml'));
}

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/held') {
      held = res;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first half;');
      heldArrived?.();
      return;
    }
    res.end(`origin saw ${req.url}`);
  });
  wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.on('message', (d) => socket.send(`echo:${d.toString()}`)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  dir = tempDir();
  writeFileSync(join(dir, 'dynamic.yml'), dynamic(baseRoutes));
  writeFileSync(join(dir, 'static.yml'), staticConfig(join(dir, 'dynamic.yml')));
  sy = await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`], ['web', 'traefik']);
});

after(async () => {
  await sy?.stop();
  wss?.close();
  server?.closeAllConnections();
  server?.close();
});

async function status(path: string): Promise<number> {
  const res = await request(`http://127.0.0.1:${sy.ports.get('web')}${path}`);
  await res.body.text();
  return res.statusCode;
}

test('a new route answers after the reload; in-flight requests and WebSockets survive it', async () => {
  assert.equal(await status('/new'), 404);

  // A WebSocket open across the reload.
  const ws = new WebSocket(`ws://127.0.0.1:${sy.ports.get('web')}/ws`);
  await once(ws, 'open');

  // A request in flight across the reload: the origin holds it after the first half.
  const arrived = new Promise<void>((r) => { heldArrived = r; });
  const inflight = request(`http://127.0.0.1:${sy.ports.get('web')}/held`).then(async (res) => res.body.text());
  await arrived;

  const before = sy.applied();
  writeDynamic(dynamic(`${baseRoutes}
    new:
      rule: "PathPrefix(\`/new\`)"
      service: origin`));
  await sy.waitFor((l) => l.message === 'configuration applied' && sy.applied() > before, 'the reload');

  assert.equal(await status('/new'), 200);
  held!.end('second half');
  assert.equal(await inflight, 'first half;second half');

  const reply = new Promise<string>((r) => ws.once('message', (d) => r(d.toString())));
  ws.send('still here');
  assert.equal(await reply, 'echo:still here');
  ws.close();
});

test('a file that does not parse keeps the previous routes and the API shows the error with its line', async () => {
  const before = sy.applied();
  writeDynamic('http:\n  routers:\n    broken: [unclosed\n');
  await sy.waitFor((l) => l.message === 'configuration applied' && sy.applied() > before, 'the reload of the broken file');
  assert.equal(await status('/old'), 200, 'old routes still served');

  const res = await request(`http://127.0.0.1:${sy.ports.get('traefik')}/api/diagnostics`);
  const diagnostics = (await res.body.json()) as { code: string; source?: { file: string; line: number } }[];
  const parse = diagnostics.find((d) => d.source?.file.endsWith('dynamic.yml'));
  assert.ok(parse, `a diagnostic names the file: ${JSON.stringify(diagnostics)}`);
  assert.ok(parse.source!.line >= 3, 'with the line of the error');
});
