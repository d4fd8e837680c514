import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodedCharactersSchema } from '../../config/http-middlewares-headers.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createEncodedCharacters } from './encoded-characters.ts';

describe('encodedCharacters', () => {
  const cases: [string, Record<string, boolean>, string, boolean][] = [
    ['refuses an encoded slash by default', {}, '/a%2Fb', false],
    ['refuses a lower-case escape too', {}, '/a%2fb', false],
    ['refuses an encoded hash by default', {}, '/a%23', false],
    ['refuses an encoded NUL by default', {}, '/a%00', false],
    ['refuses a truncated escape', { allowEncodedPercent: true }, '/a%2', false],
    ['passes a path without escapes', {}, '/a/b', true],
    ['passes other escapes', {}, '/a%20b%C3%A9', true],
    ['passes an allowed encoded slash', { allowEncodedSlash: true }, '/a%2Fb', true],
    ['refuses a semicolon while the slash is allowed', { allowEncodedSlash: true }, '/a%2Fb%3B', false],
    ['passes everything when every option allows it', {
      allowEncodedSlash: true, allowEncodedBackSlash: true, allowEncodedNullCharacter: true, allowEncodedSemicolon: true,
      allowEncodedPercent: true, allowEncodedQuestionMark: true, allowEncodedHash: true,
    }, '/%2F%5C%00%3B%25%3F%23', true],
  ];
  for (const [title, config, target, passes] of cases) {
    it(title, async () => {
      const { exchange, next } = await run(createEncodedCharacters(encodedCharactersSchema.parse(config), testContext()), { target });
      assert.equal(next.seen.length, passes ? 1 : 0);
      assert.equal(exchange.sent.status, passes ? 200 : 400);
      if (!passes) assert.equal(exchange.sent.body, '');
    });
  }

  it('does not look at the query', async () => {
    const { next } = await run(createEncodedCharacters(encodedCharactersSchema.parse({}), testContext()), { target: '/a?x=%2F' });
    assert.equal(next.seen.length, 1);
  });
});
