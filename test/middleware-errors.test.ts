/**
 * End to end: the `errors` middleware in the real binary replaces a server's error with the
 * error service's page, keeping the server's status.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, startBackend, type Backend } from './support/backends.ts';
import { send } from './support/http-client.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

let app: Backend;
let pages: Backend;
let sy: SwitchyardProcess;

before(async () => {
  app = await startBackend('app', (req, res) => {
    const broken = req.url?.includes('broken') === true;
    res.writeHead(broken ? 503 : 200, { 'content-type': 'text/plain', 'x-from': 'app' });
    res.end(broken ? 'app is down' : 'app is fine');
  });
  pages = await startBackend('pages', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'x-from': 'pages' });
    res.end(`<p>page for ${req.method} ${req.url} host=${req.headers.host} cookie=${req.headers.cookie}</p>`);
  });
  const dead = await closedPort();
  ({ sy } = await startWithDynamic(`
http:
  routers:
    app:
      rule: "PathPrefix(\`/\`)"
      service: app
      middlewares: [friendly-errors]
    pages-down:
      rule: "PathPrefix(\`/pages-down\`)"
      service: app
      middlewares: [errors-to-nowhere]
  middlewares:
    friendly-errors:
      errors:
        status: ["500-599"]
        service: pages
        query: "/{status}.html?from={url}"
    errors-to-nowhere:
      errors:
        status: ["500-599"]
        statusRewrites:
          "503": 500
        service: dead-pages
  services:
    dead-pages:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:${dead}"}]
    app:
      loadBalancer:
        servers: [{url: "${app.url}"}]
    pages:
      loadBalancer:
        servers: [{url: "${pages.url}"}]
`, ['web']));
});

after(async () => {
  await sy?.stop();
  await app?.close();
  await pages?.close();
});

test('a 503 from the server becomes the error page with status 503', async () => {
  const res = await send(sy.ports.get('web'), { method: 'POST', path: '/broken/item?id=7', body: 'x', headers: { host: 'shop.example', cookie: 'session=1' } });
  assert.equal(res.status, 503);
  assert.equal(res.headers['x-from'], 'pages');
  assert.equal(res.headers['content-type'], 'text/html');
  assert.equal(res.text(), '<p>page for GET /503.html?from=%2Fbroken%2Fitem%3Fid%3D7 host=shop.example cookie=session=1</p>');
});

test('a 200 passes untouched', async () => {
  const res = await send(sy.ports.get('web'), { path: '/fine' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-from'], 'app');
  assert.equal(res.text(), 'app is fine');
});

test('an error service that is down gives its proxy error under the caught (rewritten) status', async () => {
  const res = await send(sy.ports.get('web'), { path: '/pages-down/broken' });
  assert.equal(res.status, 500);
  assert.equal(res.text(), 'Bad Gateway');
});
