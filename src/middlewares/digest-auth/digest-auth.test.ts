import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { digestAuthSchema } from '../../config/http-middlewares-auth.ts';
import type { Clock } from '../../lib/clock.ts';
import { getHeader, getHeaderValues } from '../../lib/exchange.ts';
import { MiddlewareConfigError, type Middleware } from '../middleware.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createDigestAuth } from './digest-auth.ts';
import { parseDigestParams } from './digest-params.ts';
import { NonceStore } from './nonce-store.ts';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
// test:traefik:test and alice:private:wonderland, as htdigest writes them.
const users = ['test:traefik:a2688e031edb4be6a3797f3882655c05', `alice:private:${md5('alice:private:wonderland')}`];

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return { now: () => now, setTimeout: () => 0, clearTimeout: () => {}, advance: (ms) => { now += ms; } };
}

/** The challenge's parameters (realm, nonce, opaque, …) from a 401. */
async function challenge(middleware: Middleware, target = '/'): Promise<Map<string, string>> {
  const { exchange } = await run(middleware, { target });
  assert.equal(exchange.sent.status, 401);
  const params = parseDigestParams(getHeader(exchange.sent.headers, 'www-authenticate'));
  assert.ok(params !== null);
  return params;
}

interface Answer {
  readonly user?: string;
  readonly password?: string;
  readonly realm?: string;
  readonly method?: string;
  readonly uri?: string;
  readonly nc?: string;
  readonly extra?: string;
  readonly omitAlgorithm?: boolean;
}

/** The Authorization header a client computes for `params` (RFC 2617 §3.2.2, qop=auth). */
function answer(params: Map<string, string>, a: Answer = {}): string {
  const user = a.user ?? 'test';
  const realm = a.realm ?? params.get('realm')!;
  const uri = a.uri ?? '/';
  const nc = a.nc ?? '00000001';
  const cnonce = '0a4f113b';
  const nonce = params.get('nonce')!;
  const ha1 = md5(`${user}:${realm}:${a.password ?? 'test'}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${md5(`${a.method ?? 'GET'}:${uri}`)}`);
  const algorithm = a.omitAlgorithm === true ? '' : ', algorithm=MD5';
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}"${algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", opaque="${params.get('opaque')}"${a.extra ?? ''}`;
}

function build(config: Record<string, unknown> = { users }, clock: Clock = manualClock()): Middleware {
  return createDigestAuth(digestAuthSchema.parse(config), testContext({}, { clock }));
}

describe('digestAuth', () => {
  it('challenges with realm, nonce, opaque, MD5 and qop auth', async () => {
    const { exchange, next } = await run(build());
    assert.equal(next.seen.length, 0);
    assert.equal(exchange.sent.status, 401);
    assert.equal(exchange.sent.body, '401 Unauthorized\n');
    assert.equal(getHeader(exchange.sent.headers, 'content-type'), 'text/plain');
    assert.match(getHeader(exchange.sent.headers, 'www-authenticate')!,
      /^Digest realm="traefik", nonce="[A-Za-z0-9+/]{16}", opaque="[A-Za-z0-9+/]{16}", algorithm="MD5", qop="auth"$/);
  });

  it('issues a new nonce with each challenge and keeps the opaque value', async () => {
    const middleware = build();
    const [a, b] = [await challenge(middleware), await challenge(middleware)];
    assert.notEqual(a.get('nonce'), b.get('nonce'));
    assert.equal(a.get('opaque'), b.get('opaque'));
  });

  it('accepts a full handshake and records the user', async () => {
    const middleware = build();
    const params = await challenge(middleware);
    const authorization = answer(params);
    const { exchange, next } = await run(middleware, { headers: ['Authorization', authorization] });
    assert.equal(exchange.sent.status, 200);
    assert.equal(next.seen.length, 1);
    assert.equal(exchange.log.clientUsername, 'test');
    assert.equal(getHeader(next.seen[0]!.headers, 'authorization'), authorization, 'Authorization is kept by default');
    assert.equal(getHeader(exchange.sent.headers, 'authentication-info'), undefined);
  });

  const refusals: readonly [title: string, a: Answer, target?: string][] = [
    ['refuses a wrong password', { password: 'nope' }],
    ['refuses an unknown user', { user: 'mallory' }],
    ['refuses a user of another realm', { user: 'alice', password: 'wonderland', realm: 'private' }],
    ['refuses a digest computed for another method', { method: 'POST' }],
    ['refuses a uri that is not the request path', { uri: '/other' }, '/secret'],
    ['refuses another algorithm', { extra: ', algorithm=SHA-256', omitAlgorithm: true }],
    ['refuses a nonce count that is not hex', { nc: 'zz' }],
  ];
  for (const [title, a, target] of refusals) {
    it(title, async () => {
      const middleware = build();
      const params = await challenge(middleware);
      const { exchange, next } = await run(middleware, { target: target ?? a.uri ?? '/', headers: ['Authorization', answer(params, a)] });
      assert.equal(exchange.sent.status, 401);
      assert.equal(next.seen.length, 0);
      assert.doesNotMatch(getHeader(exchange.sent.headers, 'www-authenticate')!, /stale/);
    });
  }

  it('accepts a client that omits algorithm', async () => {
    const middleware = build();
    const params = await challenge(middleware);
    const { next } = await run(middleware, { headers: ['Authorization', answer(params, { omitAlgorithm: true })] });
    assert.equal(next.seen.length, 1);
  });

  it('accepts a uri whose path is a prefix of the request path', async () => {
    const middleware = build();
    const params = await challenge(middleware);
    const { next } = await run(middleware, { target: '/api/items?x=1', headers: ['Authorization', answer(params, { uri: '/api' })] });
    assert.equal(next.seen.length, 1);
  });

  it('accepts the request target with its query', async () => {
    const middleware = build();
    const params = await challenge(middleware);
    const { next } = await run(middleware, { target: '/a?b=c', headers: ['Authorization', answer(params, { uri: '/a?b=c' })] });
    assert.equal(next.seen.length, 1);
  });

  it('accepts growing nonce counts and answers stale to a lower one', async () => {
    const middleware = build();
    const params = await challenge(middleware);
    for (const nc of ['00000001', '00000002', '0000000a']) {
      const { next } = await run(middleware, { headers: ['Authorization', answer(params, { nc })] });
      assert.equal(next.seen.length, 1, `nc=${nc}`);
    }
    const { exchange, next } = await run(middleware, { headers: ['Authorization', answer(params, { nc: '00000002' })] });
    assert.equal(next.seen.length, 0);
    assert.equal(exchange.sent.status, 401);
    const www = getHeader(exchange.sent.headers, 'www-authenticate')!;
    assert.match(www, /, stale=true$/);
    assert.notEqual(parseDigestParams(www)?.get('nonce'), params.get('nonce'));
  });

  it('refuses a replayed nonce count without stale', async () => {
    const middleware = build();
    const params = await challenge(middleware);
    assert.equal((await run(middleware, { headers: ['Authorization', answer(params, { nc: '00000003' })] })).next.seen.length, 1);
    const { exchange, next } = await run(middleware, { headers: ['Authorization', answer(params, { nc: '00000003' })] });
    assert.equal(next.seen.length, 0);
    assert.doesNotMatch(getHeader(exchange.sent.headers, 'www-authenticate')!, /stale/);
  });

  it('answers stale to a right digest over a nonce it never issued', async () => {
    const middleware = build();
    const params = await challenge(middleware);
    params.set('nonce', 'AAAAAAAAAAAAAAAA');
    const { exchange } = await run(middleware, { headers: ['Authorization', answer(params)] });
    assert.equal(exchange.sent.status, 401);
    assert.match(getHeader(exchange.sent.headers, 'www-authenticate')!, /stale=true/);
  });

  it('does not accept nonces of another instance (each router has its own)', async () => {
    const params = await challenge(build());
    const { exchange } = await run(build(), { headers: ['Authorization', answer(params)] });
    assert.equal(exchange.sent.status, 401);
  });

  it('uses the configured realm for the challenge and the user lookup', async () => {
    const middleware = build({ users, realm: 'private' });
    const params = await challenge(middleware);
    assert.equal(params.get('realm'), 'private');
    const { next } = await run(middleware, { headers: ['Authorization', answer(params, { user: 'alice', password: 'wonderland' })] });
    assert.equal(next.seen.length, 1);
  });

  it('records the user name a refused client tried', async () => {
    const middleware = build();
    const params = await challenge(middleware);
    const { exchange } = await run(middleware, { headers: ['Authorization', answer(params, { password: 'bad' })] });
    assert.equal(exchange.log.clientUsername, 'test');
  });

  it('puts the user name in headerField and removes Authorization with removeHeader', async () => {
    const middleware = build({ users, headerField: 'X-WebAuth-User', removeHeader: true });
    const params = await challenge(middleware);
    const { next } = await run(middleware, { headers: ['X-WebAuth-User', 'admin', 'Authorization', answer(params)] });
    assert.deepEqual(getHeaderValues(next.seen[0]!.headers, 'x-webauth-user'), ['test']);
    assert.equal(getHeader(next.seen[0]!.headers, 'authorization'), undefined);
  });

  it('reads users from usersFile', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'switchyard-digest-')), 'users');
    writeFileSync(file, `# htdigest\n${users[0]}\n`);
    const middleware = build({ usersFile: file });
    const params = await challenge(middleware);
    const { next } = await run(middleware, { headers: ['Authorization', answer(params)] });
    assert.equal(next.seen.length, 1);
  });

  const invalid: readonly [title: string, config: Record<string, unknown>, code: string, field: string][] = [
    ['refuses a line with one colon', { users: [users[0], 'test:a2688e031edb4be6a3797f3882655c05'] }, 'MIDDLEWARE_INVALID_USERS', 'users[1]'],
    ['refuses a hash that is not hex MD5', { users: ['test:traefik:hunter2'] }, 'MIDDLEWARE_INVALID_USERS', 'users[0]'],
    ['refuses an upper-case hash (it would never match)', { users: ['test:traefik:A2688E031EDB4BE6A3797F3882655C05'] }, 'MIDDLEWARE_INVALID_USERS', 'users[0]'],
    ['refuses a missing usersFile', { usersFile: join(tmpdir(), 'switchyard-missing-digest') }, 'MIDDLEWARE_FILE_UNREADABLE', 'usersFile'],
  ];
  for (const [title, config, code, field] of invalid) {
    it(title, () => {
      assert.throws(() => build(config), (err: unknown) => {
        assert.ok(err instanceof MiddlewareConfigError);
        assert.equal(err.code, code);
        assert.equal(err.field, field);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      });
    });
  }
});

describe('parseDigestParams', () => {
  it('unquotes values and keeps commas inside quotes', () => {
    const p = parseDigestParams('Digest username="a,b", qop=auth, uri="/x?y=1,2", flag');
    assert.deepEqual(p && [...p], [['username', 'a,b'], ['qop', 'auth'], ['uri', '/x?y=1,2'], ['flag', '']]);
  });
  it('refuses another scheme and a lower-case one', () => {
    assert.equal(parseDigestParams('Basic abc'), null);
    assert.equal(parseDigestParams('digest username="a"'), null);
  });
});

describe('NonceStore', () => {
  it('stays bounded, dropping the least recently used nonces', () => {
    const clock = manualClock();
    const store = new NonceStore(clock, 10, 2);
    const first = store.issue();
    clock.advance(1);
    const nonces = [first];
    for (let i = 0; i < 12; i++) {
      clock.advance(1);
      nonces.push(store.issue());
    }
    // The first nonce is used recently, so it survives the purge.
    clock.advance(1);
    assert.equal(store.use(first, 1n), 'ok');
    store.issue();
    assert.equal(store.size, 10);
    assert.equal(store.use(first, 2n), 'ok');
    assert.equal(store.use(nonces[1]!, 1n), 'unknown');
  });
});
