import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { basicAuthSchema } from '../../config/http-middlewares-auth.ts';
import { getHeader, getHeaderValues } from '../../lib/exchange.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createBasicAuth, parseBasicCredentials } from './basic-auth.ts';

const bcryptSecret = '$2y$04$jpYS2YoCX42WXGfYSRvyBO7jYRhqsoDwkF1GL4dwY2Bx.oKQcObi6'; // secret
const users = [
  'test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/', // test
  'sha:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=', // secret
  `bc:${bcryptSecret}`,
  'md5:$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1', // secret
];

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

interface Case {
  readonly title: string;
  readonly config?: Record<string, unknown>;
  readonly authorization?: string;
  /** The user that reached the service, or null for a 401. */
  readonly expected: string | null;
}

const cases: Case[] = [
  { title: 'accepts an $apr1$ user with the right password', authorization: basic('test', 'test'), expected: 'test' },
  { title: 'refuses an $apr1$ user with a wrong password', authorization: basic('test', 'tesT'), expected: null },
  { title: 'accepts a {SHA} user with the right password', authorization: basic('sha', 'secret'), expected: 'sha' },
  { title: 'refuses a {SHA} user with a wrong password', authorization: basic('sha', 'secret2'), expected: null },
  { title: 'accepts a bcrypt user with the right password', authorization: basic('bc', 'secret'), expected: 'bc' },
  { title: 'refuses a bcrypt user with a wrong password', authorization: basic('bc', 'Secret'), expected: null },
  { title: 'accepts a $1$ user with the right password', authorization: basic('md5', 'secret'), expected: 'md5' },
  { title: 'refuses an unknown user', authorization: basic('nobody', 'test'), expected: null },
  { title: 'refuses a request without Authorization', expected: null },
  { title: 'refuses another scheme', authorization: `Bearer ${Buffer.from('test:test').toString('base64')}`, expected: null },
  { title: 'reads the scheme case-insensitively', authorization: `bASIC ${Buffer.from('test:test').toString('base64')}`, expected: 'test' },
  { title: 'refuses credentials that are not base64', authorization: 'Basic dGVzdDp0ZXN0!', expected: null },
  { title: 'refuses credentials without a colon', authorization: `Basic ${Buffer.from('testtest').toString('base64')}`, expected: null },
  { title: 'keeps colons in the password', config: { users: ['c:{SHA}3OptnM09ILoVSfbZtd3mB0IViII='] }, authorization: basic('c', 'a:b'), expected: 'c' },
];

describe('basicAuth', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const middleware = createBasicAuth(basicAuthSchema.parse(c.config ?? { users }), testContext());
      const { exchange, next } = await run(middleware, { headers: c.authorization === undefined ? [] : ['Authorization', c.authorization] });
      if (c.expected === null) {
        assert.equal(next.seen.length, 0);
        assert.equal(exchange.sent.status, 401);
        assert.equal(getHeader(exchange.sent.headers, 'www-authenticate'), 'Basic realm="traefik"');
        assert.equal(getHeader(exchange.sent.headers, 'content-type'), 'text/plain');
        assert.equal(exchange.sent.body, '401 Unauthorized\n');
        return;
      }
      assert.equal(next.seen.length, 1);
      assert.equal(exchange.sent.status, 200);
      assert.equal(exchange.log.clientUsername, c.expected);
      assert.equal(getHeader(next.seen[0]!.headers, 'authorization'), c.authorization, 'Authorization is kept by default');
    });
  }

  it('challenges with the configured realm', async () => {
    const middleware = createBasicAuth(basicAuthSchema.parse({ users, realm: 'staff only' }), testContext());
    const { exchange } = await run(middleware);
    assert.equal(getHeader(exchange.sent.headers, 'www-authenticate'), 'Basic realm="staff only"');
  });

  it('uses the traefik realm when the realm is empty', async () => {
    const middleware = createBasicAuth(basicAuthSchema.parse({ users, realm: '' }), testContext());
    const { exchange } = await run(middleware);
    assert.equal(getHeader(exchange.sent.headers, 'www-authenticate'), 'Basic realm="traefik"');
  });

  it('sends no body to a HEAD request', async () => {
    const middleware = createBasicAuth(basicAuthSchema.parse({ users }), testContext());
    const { exchange } = await run(middleware, { method: 'HEAD' });
    assert.equal(exchange.sent.status, 401);
    assert.equal(exchange.sent.body, '');
  });

  it('records the user name a refused client tried', async () => {
    const middleware = createBasicAuth(basicAuthSchema.parse({ users }), testContext());
    const { exchange } = await run(middleware, { headers: ['Authorization', basic('test', 'wrong')] });
    assert.equal(exchange.sent.status, 401);
    assert.equal(exchange.log.clientUsername, 'test');
  });

  it('puts the user name in headerField, replacing what the client sent', async () => {
    const middleware = createBasicAuth(basicAuthSchema.parse({ users, headerField: 'X-WebAuth-User' }), testContext());
    const { next } = await run(middleware, { headers: ['x-webauth-user', 'admin', 'Authorization', basic('test', 'test')] });
    assert.deepEqual(getHeaderValues(next.seen[0]!.headers, 'x-webauth-user'), ['test']);
  });

  it('removes Authorization before the service with removeHeader', async () => {
    const middleware = createBasicAuth(basicAuthSchema.parse({ users, removeHeader: true }), testContext());
    const { next } = await run(middleware, { headers: ['Authorization', basic('sha', 'secret')] });
    assert.equal(next.seen.length, 1);
    assert.equal(getHeader(next.seen[0]!.headers, 'authorization'), undefined);
  });

  it('lets an inline user replace the same user of usersFile', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'switchyard-basic-')), 'users');
    writeFileSync(file, '# users\ntest:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\nsha:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n');
    const middleware = createBasicAuth(basicAuthSchema.parse({ usersFile: file, users: [users[0]] }), testContext());
    assert.equal((await run(middleware, { headers: ['Authorization', basic('test', 'test')] })).next.seen.length, 1);
    assert.equal((await run(middleware, { headers: ['Authorization', basic('test', 'secret')] })).next.seen.length, 0);
    assert.equal((await run(middleware, { headers: ['Authorization', basic('sha', 'secret')] })).next.seen.length, 1);
  });

  const invalid: readonly [title: string, config: Record<string, unknown>, code: string, field: string][] = [
    ['refuses a line without a colon', { users: [users[0], 'justaname'] }, 'MIDDLEWARE_INVALID_USERS', 'users[1]'],
    ['refuses a line with two colons', { users: ['a:b:c'] }, 'MIDDLEWARE_INVALID_USERS', 'users[0]'],
    ['refuses a plain-text password', { users: [users[0], users[1], 'plain:hunter2'] }, 'MIDDLEWARE_INVALID_USERS', 'users[2]'],
    ['refuses a missing usersFile', { usersFile: join(tmpdir(), 'switchyard-missing-users') }, 'MIDDLEWARE_FILE_UNREADABLE', 'usersFile'],
  ];
  for (const [title, config, code, field] of invalid) {
    it(title, () => {
      assert.throws(() => createBasicAuth(basicAuthSchema.parse(config), testContext()), (err: unknown) => {
        assert.ok(err instanceof MiddlewareConfigError);
        assert.equal(err.code, code);
        assert.equal(err.field, field);
        assert.doesNotMatch(err.message, /hunter2/, 'the message never shows a secret');
        return true;
      });
    });
  }

  it('blames the line of usersFile that is malformed', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'switchyard-basic-')), 'users');
    writeFileSync(file, 'test:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\nbad:hunter2\n');
    assert.throws(() => createBasicAuth(basicAuthSchema.parse({ usersFile: file }), testContext()), (err: unknown) => {
      assert.ok(err instanceof MiddlewareConfigError);
      assert.equal(err.field, 'usersFile');
      assert.match(err.message, /line 2 of /);
      assert.doesNotMatch(err.message, /hunter2/);
      return true;
    });
  });
});

describe('parseBasicCredentials', () => {
  it('splits at the first colon', () => {
    const c = parseBasicCredentials(basic('u', 'p:q'));
    assert.equal(c?.user, 'u');
    assert.equal(c?.password.toString(), 'p:q');
  });
  it('refuses base64 without padding', () => {
    assert.equal(parseBasicCredentials('Basic dTpwMg'), null);
  });
});
