/**
 * End to end: basicAuth through the real binary, with curl as the client.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend, type Backend } from './support/backends.ts';
import { curl as curlTo, type CurlAnswer } from './support/curl.ts';
import { startWithDynamic, tempDir, type SwitchyardProcess } from './support/switchyard-process.ts';

let backend: Backend;
let sy: SwitchyardProcess;

before(async () => {
  backend = await startBackend('echo');
  const dir = tempDir();
  const usersFile = join(dir, 'htpasswd');
  // bcrypt "secret" (cost 4) in the file; an inline user with htpasswd's $apr1$ "test".
  writeFileSync(usersFile, '# staff\nfile:$2y$04$jpYS2YoCX42WXGfYSRvyBO7jYRhqsoDwkF1GL4dwY2Bx.oKQcObi6\n');
  ({ sy } = await startWithDynamic(`
http:
  routers:
    plain:
      rule: "PathPrefix(\`/plain\`)"
      middlewares: [auth]
      service: origin
    strict:
      rule: "PathPrefix(\`/strict\`)"
      middlewares: [auth-strict]
      service: origin
  middlewares:
    auth:
      basicAuth:
        users:
          - "test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"
        usersFile: ${JSON.stringify(usersFile)}
    auth-strict:
      basicAuth:
        realm: "Staff only"
        headerField: X-WebAuth-User
        removeHeader: true
        users:
          - "test:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M="
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

function curl(path: string, ...args: string[]): Promise<CurlAnswer> {
  return curlTo(sy.ports.get('web'), path, ...args);
}

function seenHeaders(result: CurlAnswer): Record<string, string> {
  return (JSON.parse(result.body) as { headers: Record<string, string> }).headers;
}

test('answers 401 with a Basic challenge for the default realm without credentials', async () => {
  const r = await curl('/plain');
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('www-authenticate'), 'Basic realm="traefik"');
  assert.equal(r.body, '401 Unauthorized\n');
});

test('answers 401 to a wrong password', async () => {
  const r = await curl('/plain', '-u', 'test:wrong');
  assert.equal(r.status, 401);
});

test('lets an inline $apr1$ user through, Authorization kept', async () => {
  const r = await curl('/plain', '-u', 'test:test');
  assert.equal(r.status, 200);
  assert.match(seenHeaders(r).authorization ?? '', /^Basic /);
});

test('lets a bcrypt user of usersFile through', async () => {
  const r = await curl('/plain', '-u', 'file:secret');
  assert.equal(r.status, 200);
});

test('challenges with the configured realm', async () => {
  const r = await curl('/strict', '-u', 'test:wrong');
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('www-authenticate'), 'Basic realm="Staff only"');
});

test('passes the user in headerField and removes Authorization', async () => {
  const r = await curl('/strict', '-u', 'test:test', '-H', 'X-WebAuth-User: admin');
  assert.equal(r.status, 200);
  const seen = seenHeaders(r);
  assert.equal(seen['x-webauth-user'], 'test');
  assert.equal(seen.authorization, undefined);
});
