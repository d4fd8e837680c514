/**
 * End to end: digestAuth through the real binary, with curl (`--digest`) as the client.
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
  const usersFile = join(dir, 'htdigest');
  // alice:private:wonderland, as htdigest writes it.
  writeFileSync(usersFile, '# htdigest\nalice:private:d26b55c491fd648f2db95a6b937f019e\n');
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
      digestAuth:
        users:
          - "test:traefik:a2688e031edb4be6a3797f3882655c05"
    auth-strict:
      digestAuth:
        realm: private
        headerField: X-WebAuth-User
        removeHeader: true
        usersFile: ${JSON.stringify(usersFile)}
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

/** Runs curl and returns the last response (with --digest curl makes two requests). */
function curl(path: string, ...args: string[]): Promise<CurlAnswer> {
  return curlTo(sy.ports.get('web'), path, ...args);
}

test('answers 401 with a Digest challenge without credentials', async () => {
  const r = await curl('/plain');
  assert.equal(r.status, 401);
  assert.match(r.headers.get('www-authenticate') ?? '', /^Digest realm="traefik", nonce="[^"]+", opaque="[^"]+", algorithm="MD5", qop="auth"$/);
  assert.equal(r.body, '401 Unauthorized\n');
});

test('answers 401 to a wrong password', async () => {
  const r = await curl('/plain', '--digest', '-u', 'test:wrong');
  assert.equal(r.status, 401);
});

test('completes the handshake for the right password, Authorization kept', async () => {
  const r = await curl('/plain/x?y=1', '--digest', '-u', 'test:test');
  assert.equal(r.status, 200);
  const seen = (JSON.parse(r.body) as { url: string; headers: Record<string, string> });
  assert.equal(seen.url, '/plain/x?y=1');
  assert.match(seen.headers.authorization ?? '', /^Digest username="test"/);
});

test('challenges with the configured realm', async () => {
  const r = await curl('/strict');
  assert.equal(r.status, 401);
  assert.match(r.headers.get('www-authenticate') ?? '', /^Digest realm="private"/);
});

test('passes the user of usersFile in headerField and removes Authorization', async () => {
  const r = await curl('/strict', '--digest', '-u', 'alice:wonderland', '-H', 'X-WebAuth-User: admin');
  assert.equal(r.status, 200);
  const seen = (JSON.parse(r.body) as { headers: Record<string, string> }).headers;
  assert.equal(seen['x-webauth-user'], 'alice');
  assert.equal(seen.authorization, undefined);
});
