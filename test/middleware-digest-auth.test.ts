/**
 * End to end: digestAuth through the real binary, with curl (`--digest`) as the client.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startBackend, type Backend } from './support/backends.ts';
import { startWithDynamic, tempDir, type SwitchyardProcess } from './support/switchyard-process.ts';

const run = promisify(execFile);
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

interface CurlResult {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: string;
}

/** Runs curl and returns the last response (with --digest curl makes two requests). */
async function curl(path: string, ...args: string[]): Promise<CurlResult> {
  const { stdout } = await run('curl', ['-s', '-i', '--max-time', '10', ...args, `http://127.0.0.1:${sy.ports.get('web')}${path}`]);
  let rest = stdout;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const body = rest.slice(end + 4);
    const next = body.indexOf('HTTP/1.1 ');
    if (next < 0) return { status: Number(statusLine!.split(' ')[1]), headers, body };
    rest = body.slice(next);
  }
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
