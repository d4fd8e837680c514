/**
 * End to end: a WebSocket echo through the proxy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { catchAllTo, listenOnLoopback, startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let sy: SwitchyardProcess;
let server: Server;
let wss: WebSocketServer;

before(async () => {
  server = createServer();
  wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    socket.send(`hello ${req.url} via ${String(req.headers['x-forwarded-proto'])}`);
    socket.on('message', (data) => socket.send(`echo:${data.toString()}`));
  });
  const port = await listenOnLoopback(server);
  ({ sy } = await startWithDynamic(catchAllTo(`http://127.0.0.1:${port}`, '/ws'), ['web']));
});

after(async () => {
  await sy?.stop();
  wss?.close();
  server?.closeAllConnections();
  server?.close();
});

test('a WebSocket connection is upgraded through the proxy and echoes both ways', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${sy.ports.get('web')}/ws/chat`);
  const messages: string[] = [];
  const next = (): Promise<string> => new Promise((resolve) => ws.once('message', (d) => resolve(d.toString())));
  const first = next();
  await once(ws, 'open');
  messages.push(await first);
  for (const text of ['one', 'two', 'three']) {
    const reply = next();
    ws.send(text);
    messages.push(await reply);
  }
  ws.close();
  await once(ws, 'close');
  assert.deepEqual(messages, ['hello /ws/chat via ws', 'echo:one', 'echo:two', 'echo:three']);
});

test('an upgrade to a path with no route gets a 404 and the socket closes', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${sy.ports.get('web')}/nowhere`);
  ws.on('error', () => {}); // terminating after the 404 reports "closed before established"
  const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
  assert.equal(res.statusCode, 404);
  ws.terminate();
});
