import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { md5Crypt } from './md5-crypt.ts';
import { parsePasswordHash, verifyPassword } from './password-hash.ts';

// Hashes from `openssl passwd -apr1 / -1`, `openssl sha1 | base64` and bcryptjs at cost 4–5.
const bcryptSecret = '$2b$04$jpYS2YoCX42WXGfYSRvyBO7jYRhqsoDwkF1GL4dwY2Bx.oKQcObi6';
const hashes = {
  apr1: '$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/', // test
  md5: '$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1', // secret
  sha1: '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=', // secret
  bcrypt2b: bcryptSecret, // secret
  bcrypt2y: `$2y$${bcryptSecret.slice(4)}`,
  bcrypt2a: `$2a$${bcryptSecret.slice(4)}`,
  bcrypt2x: `$2x$${bcryptSecret.slice(4)}`,
} as const;

describe('md5Crypt', () => {
  it('computes the Apache $apr1$ variant', () => {
    assert.equal(md5Crypt(Buffer.from('test'), 'H6uskkkW', '$apr1$'), hashes.apr1);
    assert.equal(md5Crypt(Buffer.from('secret'), 's4lt5alt', '$apr1$'), '$apr1$s4lt5alt$zK4L8gxLn4tRwoWC/Svhx.');
  });
  it('computes the $1$ variant', () => {
    assert.equal(md5Crypt(Buffer.from('secret'), 'abcdefgh', '$1$'), hashes.md5);
  });
});

describe('verifyPassword', () => {
  const cases: readonly [title: string, secret: string, password: string, expected: boolean][] = [
    ['accepts the right password for $apr1$', hashes.apr1, 'test', true],
    ['refuses a wrong password for $apr1$', hashes.apr1, 'Test', false],
    ['accepts the right password for $1$', hashes.md5, 'secret', true],
    ['refuses a wrong password for $1$', hashes.md5, 'secrets', false],
    ['accepts the right password for {SHA}', hashes.sha1, 'secret', true],
    ['refuses a wrong password for {SHA}', hashes.sha1, '', false],
    ['accepts the right password for $2b$', hashes.bcrypt2b, 'secret', true],
    ['refuses a wrong password for $2b$', hashes.bcrypt2b, 'secret!', false],
    ['accepts the right password for $2y$', hashes.bcrypt2y, 'secret', true],
    ['refuses a wrong password for $2y$', hashes.bcrypt2y, 'nope', false],
    ['accepts the right password for $2a$', hashes.bcrypt2a, 'secret', true],
    ['accepts the right password for $2x$ (computed as $2a$)', hashes.bcrypt2x, 'secret', true],
    ['refuses a bcrypt password longer than 72 bytes', hashes.bcrypt2b, `secret${'x'.repeat(80)}`, false],
  ];
  for (const [title, secret, password, expected] of cases) {
    it(title, async () => {
      const hash = parsePasswordHash(secret);
      assert.ok(hash !== null, 'the hash parses');
      assert.equal(await verifyPassword(hash, Buffer.from(password)), expected);
    });
  }
});

describe('parsePasswordHash', () => {
  const refused: readonly [title: string, secret: string][] = [
    ['a plain-text password', 'secret'],
    ['an empty hash', ''],
    ['DES crypt', 'rqXexS6ZhobKA'],
    ['SHA-256 crypt', '$5$rounds=5000$salt$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ'],
    ['SHA-512 crypt', '$6$salt$abcdefghijklmnopqrstuvwxyz'],
    ['a truncated $apr1$ hash', '$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8w'],
    ['a {SHA} hash that is not a SHA-1 digest', '{SHA}abc'],
    ['a bcrypt hash with a cost out of range', `$2y$03$${bcryptSecret.slice(7)}`],
    ['a truncated bcrypt hash', bcryptSecret.slice(0, 50)],
  ];
  for (const [title, secret] of refused) {
    it(`refuses ${title}`, () => {
      assert.equal(parsePasswordHash(secret), null);
    });
  }
  it('names the kind of each supported hash', () => {
    assert.deepEqual([hashes.apr1, hashes.md5, hashes.sha1, hashes.bcrypt2y].map((s) => parsePasswordHash(s)?.kind),
      ['md5-crypt', 'md5-crypt', 'sha1', 'bcrypt']);
  });
});
