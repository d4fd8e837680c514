/**
 * End to end: inFlightReq through the real binary and the real proxy. A request counts while
 * the server holds its response open and stops counting once the response ended or the client
 * went away.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { startBackend, type Backend } from './support/backends.ts';
import { send, type Answer } from './support/http-client.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let backend: Backend;
let sy: SwitchyardProcess;
/** Responses of /hold requests the backend keeps open, in arrival order. */
const held: ServerResponse[] = [];
const arrivals: (() => void)[] = [];

before(async () => {
  backend = await startBackend('origin', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/hold') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('started');
      held.push(res);
      arrivals.shift()?.();
      return;
    }
    res.end('quick');
  });
  ({ sy } = await startWithDynamic(`
http:
  routers:
    limited:
      rule: "PathPrefix(\`/\`)"
      middlewares: [one-at-a-time]
      service: origin
  middlewares:
    one-at-a-time:
      inFlightReq:
        amount: 1
  services:
    origin:
      loadBalancer:
        servers: [{url: "${backend.url}"}]
`, ['web']));
});

after(async () => {
  for (const res of held) res.destroy();
  await sy?.stop();
  await backend?.close();
});

/**
 * Starts GET /hold and resolves once the backend holds it (the response head reached the client).
 * Not the shared client: the test needs the request while its response is still open, to end or
 * destroy it.
 */
async function hold(): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  const arrived = new Promise<void>((resolve) => arrivals.push(resolve));
  const req = request({ host: '127.0.0.1', port: sy.ports.get('web'), path: '/hold', agent: false });
  req.on('error', () => {});
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  await arrived;
  return { req, res };
}

function get(path: string): Promise<Answer> {
  return send(sy.ports.get('web'), { path });
}

/** Retries `path` until it is not refused (the release may trail the client's view by a tick). */
async function eventuallyServed(path: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const { status } = await get(path);
    if (status !== 429) return status;
    await new Promise((r) => setImmediate(r));
  }
  return 429;
}

test('refuses a second request while the first is in flight, and serves again once it ended', async () => {
  const first = await hold();
  const refused = await get('/quick');
  assert.equal(refused.status, 429);
  assert.equal(refused.text(), 'max connections reached: 1');
  held.shift()!.end('done');
  first.res.resume();
  await once(first.res, 'end');
  assert.equal(await eventuallyServed('/quick'), 200);
});

test('stops counting a request whose client went away', async () => {
  const first = await hold();
  assert.equal((await get('/quick')).status, 429);
  first.req.destroy();
  assert.equal(await eventuallyServed('/quick'), 200);
  held.shift()?.destroy();
});
