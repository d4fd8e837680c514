/**
 * End to end: inFlightReq through the real binary and the real proxy. A request counts while
 * the server holds its response open and stops counting once the response ended or the client
 * went away.
 *
 * The count lives in the process that serves the request: with several workers sharing the port
 * each keeps its own, so the fleet holds up to one request per worker (docs/workers.md). The
 * tests first fill every worker, then a request refused anywhere proves the limit of the worker
 * it reached.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, request, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { startBackend, type Backend } from './support/backends.ts';
import { send, type Answer } from './support/http-client.ts';
import { oneConnection, workerCount } from './support/one-connection.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let backend: Backend;
let sy: SwitchyardProcess;
/** Responses of /hold requests the backend keeps open, by the request's id. */
const held = new Map<string, ServerResponse>();

before(async () => {
  backend = await startBackend('origin', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/hold?id=') === true) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      held.set(req.url.slice('/hold?id='.length), res);
      res.write('started');
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
  for (const res of held.values()) res.destroy();
  await sy?.stop();
  await backend?.close();
});

/** A /hold request the backend holds open, on its own keep-alive connection (so one worker). */
interface Held {
  readonly id: string;
  readonly req: ClientRequest;
  readonly res: IncomingMessage;
  readonly connection: Agent;
}

let ids = 0;

/**
 * Sends GET /hold on a connection of its own. Resolves with the held request once its response
 * head arrived (the backend wrote it after keeping the response), or with the answer when the
 * proxy refused it: a refused request never reaches the backend, so nothing waits for it there.
 * Not the shared client: the test needs the request while its response is still open, to end or
 * destroy it.
 */
async function tryHold(): Promise<{ held: Held } | { refused: Answer }> {
  const id = String(++ids);
  const connection = oneConnection();
  const req = request({ host: '127.0.0.1', port: sy.ports.get('web'), path: `/hold?id=${id}`, agent: connection });
  req.on('error', () => {});
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  if (res.statusCode === 200) {
    assert.ok(held.has(id), 'a 200 comes from the backend, which holds the response');
    return { held: { id, req, res, connection } };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  connection.destroy();
  const body = Buffer.concat(chunks);
  return { refused: { status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, trailers: res.trailers, body, text: () => body.toString('utf8') } };
}

/**
 * Holds one request on every worker: tries /hold on fresh connections until `workerCount()` are
 * held (the kernel places each connection; one that reaches a full worker must be refused).
 * Everything is released when the test ends, whatever its outcome, so no count leaks into the next.
 */
async function fillEveryWorker(t: TestContext): Promise<Held[]> {
  const holds: Held[] = [];
  t.after(() => {
    for (const h of holds) {
      held.get(h.id)?.destroy();
      held.delete(h.id);
      h.req.destroy();
      h.connection.destroy();
    }
  });
  const workers = workerCount();
  for (let attempt = 0; attempt < 50 * workers && holds.length < workers; attempt++) {
    const result = await tryHold();
    if ('held' in result) {
      holds.push(result.held);
    } else {
      assert.equal(result.refused.status, 429);
      assert.equal(result.refused.text(), 'max connections reached: 1');
    }
  }
  assert.equal(holds.length, workers, `one request held per worker (${workers})`);
  return holds;
}

function get(path: string, agent?: Agent): Promise<Answer> {
  return send(sy.ports.get('web'), { path, agent });
}

/**
 * Retries `path` until it is not refused: the release may trail the client's view by a tick,
 * and with several workers a fresh connection may reach a worker that is still full.
 */
async function eventuallyServed(path: string, agent?: Agent): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const { status } = await get(path, agent);
    if (status !== 429) return status;
    await new Promise((r) => setImmediate(r));
  }
  return 429;
}

test('refuses a second request while the first is in flight, and serves again once it ended', async (t) => {
  const [first] = await fillEveryWorker(t);
  const refused = await get('/quick');
  assert.equal(refused.status, 429);
  assert.equal(refused.text(), 'max connections reached: 1');
  held.get(first!.id)!.end('done');
  first!.res.resume();
  await once(first!.res, 'end');
  // The held request's own keep-alive connection: the worker whose request just ended.
  assert.equal(await eventuallyServed('/quick', first!.connection), 200);
});

test('stops counting a request whose client went away', async (t) => {
  const [first] = await fillEveryWorker(t);
  assert.equal((await get('/quick')).status, 429);
  first!.req.destroy();
  first!.connection.destroy();
  assert.equal(await eventuallyServed('/quick'), 200);
});
