import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileRegex } from './regex.ts';
import type { UserRegex } from './regex.ts';

function compile(pattern: string): UserRegex {
  const compiled = compileRegex(pattern);
  if (!compiled.ok) assert.fail(compiled.message);
  return compiled.regex;
}

describe('compileRegex', () => {
  test('returns RE2 syntax errors as values', () => {
    for (const pattern of ['(', 'a**', '(?=a)', '\\1', '[z-a]', '(?<n>a)(?<n>b)']) {
      const compiled = compileRegex(pattern);
      assert.equal(compiled.ok, false, pattern);
      if (!compiled.ok) assert.match(compiled.message, /error parsing regexp/);
    }
  });

  test('accepts Go syntax: named groups both ways, POSIX classes, \\Q…\\E, flags', () => {
    for (const pattern of ['(?P<a>x)', '(?<a>x)', '[[:word:]]+', '\\Qa.b\\E', '(?i)abc', '(?s).', '\\pL', '\\z']) {
      assert.equal(compileRegex(pattern).ok, true, pattern);
    }
  });

  test('matches unanchored, like Go MatchString', () => {
    const re = compile('api');
    assert.equal(re.test('/v1/api/users'), true);
    assert.equal(re.test('/v1/API'), false);
    assert.equal(compile('^a$').test('a\n'), false, '$ is end of text, not end of line');
  });

  test('stays linear on a pattern that makes backtracking engines explode', () => {
    assert.equal(compile('(a+)+$').test(`${'a'.repeat(50_000)}!`), false);
  });
});

describe('UserRegex.exec', () => {
  test('returns the leftmost match with its groups and string indices', () => {
    const m = compile('(?P<user>[a-z]+)@(?P<host>[a-z.]+)').exec('mail: bob@example.com!');
    assert.deepEqual(m, { start: 6, end: 21, groups: ['bob@example.com', 'bob', 'example.com'] });
  });

  test('reports a group that did not take part as undefined', () => {
    assert.deepEqual(compile('(a)|(b)').exec('b')?.groups, ['b', undefined, 'b']);
  });

  test('uses string indices for non-ASCII subjects', () => {
    const m = compile('x+').exec('é😀xx');
    assert.equal(m?.start, 3);
    assert.equal(m?.end, 5);
  });

  test('returns null when nothing matches', () => {
    assert.equal(compile('z').exec('abc'), null);
  });

  test('names groups like Go SubexpNames', () => {
    assert.deepEqual(compile('(a)(?P<second>b)(c)').groupNames, ['', '', 'second', '']);
  });
});

describe('UserRegex.replace follows Go ReplaceAllString', () => {
  const cases: { pattern: string; subject: string; replacement: string; expected: string; title: string }[] = [
    { title: 'expands numbered groups', pattern: '^/api/(.*)', subject: '/api/users', replacement: '/v2/$1', expected: '/v2/users' },
    { title: 'replaces every match', pattern: 'a(x*)', subject: 'baaxxc', replacement: '[$1]', expected: 'b[][xx]c' },
    { title: 'expands named groups', pattern: '(?P<word>\\w+)', subject: 'hello world', replacement: '<${word}>', expected: '<hello> <world>' },
    { title: '$name takes the longest name, so $1x is group "1x" (empty)', pattern: '(\\w+)', subject: 'ab', replacement: '$1x', expected: '' },
    { title: '${1}x delimits the group', pattern: '(\\w+)', subject: 'ab', replacement: '${1}x', expected: 'abx' },
    { title: '$$ is a literal dollar', pattern: 'b', subject: 'abc', replacement: '$$', expected: 'a$c' },
    { title: 'a lone $ stays literal', pattern: 'b', subject: 'abc', replacement: '$', expected: 'a$c' },
    { title: 'an unclosed ${ stays literal', pattern: 'b', subject: 'abc', replacement: '${', expected: 'a${c' },
    { title: 'a missing group expands to nothing', pattern: '(b)', subject: 'abc', replacement: '$2', expected: 'ac' },
    { title: 'a leading zero makes a name, not a number', pattern: '(b)', subject: 'abc', replacement: '$01', expected: 'ac' },
    { title: 'an unmatched group expands to nothing', pattern: 'a|(b)', subject: 'a', replacement: '[$1]', expected: '[]' },
    { title: 'skips an empty match right after a match', pattern: 'a*', subject: 'baaac', replacement: '-', expected: '-b-c-' },
    { title: 'replaces empty matches between characters', pattern: 'x*', subject: 'abc', replacement: '-', expected: '-a-b-c-' },
    { title: 'advances by code point, not by UTF-16 unit', pattern: '', subject: 'é😀', replacement: '-', expected: '-é-😀-' },
    { title: 'keeps the text when nothing matches', pattern: 'z', subject: 'abc', replacement: '-', expected: 'abc' },
  ];
  for (const c of cases) {
    test(c.title, () => {
      assert.equal(compile(c.pattern).replace(c.subject, c.replacement), c.expected);
    });
  }
});

describe('UserRegex.expand', () => {
  test('expands a template for one match like Go ExpandString', () => {
    const re = compile('(?P<scheme>https?)://(?P<host>[^/]+)');
    const m = re.exec('see http://example.com/x');
    assert.ok(m);
    assert.equal(re.expand('${host} via $scheme ($0)', m), 'example.com via http (http://example.com)');
  });
});
