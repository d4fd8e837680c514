import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileHttpRule } from './http-rule.ts';

interface ErrorCase {
  readonly title: string;
  readonly rule: string;
  readonly offset: number;
  readonly message: RegExp;
  readonly line?: number;
  readonly column?: number;
}

const cases: ErrorCase[] = [
  // Structure.
  { title: 'an empty rule', rule: '', offset: 0, message: /empty/ },
  { title: 'a blank rule', rule: '  \n ', offset: 0, message: /empty/ },
  { title: 'a call whose ( is never closed', rule: 'Host(`a`', offset: 4, message: /unbalanced parentheses.*never closed/ },
  { title: 'a group whose ( is never closed', rule: '(Host(`a`)', offset: 0, message: /unbalanced parentheses.*never closed/ },
  { title: 'a lone (', rule: 'Host(`a`) && (', offset: 13, message: /never closed/ },
  { title: 'an extra )', rule: 'Host(`a`))', offset: 9, message: /unbalanced parentheses.*no matching/ },
  { title: 'empty parentheses', rule: '()', offset: 1, message: /expected a matcher, found `\)`/ },
  { title: 'a dangling &&', rule: 'Host(`a`) &&', offset: 10, message: /dangling operator `&&`/ },
  { title: 'a dangling || before trailing spaces', rule: 'Host(`a`) ||  ', offset: 10, message: /dangling operator `\|\|`/ },
  { title: 'a dangling !', rule: '!', offset: 0, message: /dangling operator `!`/ },
  { title: 'a leading &&', rule: '&& Host(`a`)', offset: 0, message: /expected a matcher, found `&&`/ },
  { title: 'two operators in a row', rule: 'Host(`a`) || && Path(`/`)', offset: 13, message: /expected a matcher, found `&&`/ },
  { title: 'two matchers without an operator', rule: 'Host(`a`) Path(`/`)', offset: 10, message: /expected `&&`, `\|\|` or the end of the rule, found identifier Path/ },
  { title: 'a word operator', rule: 'Host(`a`) and Path(`/`)', offset: 10, message: /found identifier and/ },
  { title: 'a bare identifier', rule: 'Host', offset: 0, message: /Host is not a matcher call/ },
  { title: 'a bare string', rule: '"a"', offset: 0, message: /found a string/ },
  // Unsupported operators.
  { title: '==', rule: 'Host(`a`) == Path(`/`)', offset: 10, message: /operator == is not supported/ },
  { title: '!=', rule: 'Host(`a`) != Path(`/`)', offset: 10, message: /operator != is not supported/ },
  { title: 'a single &', rule: 'Host(`a`) & Path(`/`)', offset: 10, message: /operator & is not supported/ },
  { title: '< in an argument list', rule: 'Host(`a` < `b`)', offset: 9, message: /operator < is not supported/ },
  { title: 'a selector', rule: 'rules.Host(`a`)', offset: 0, message: /rules is not a matcher call/ },
  // Literals.
  { title: 'single-quoted strings', rule: "Host('a')", offset: 5, message: /single-quoted strings are not supported/ },
  { title: 'numbers', rule: 'Host(1)', offset: 5, message: /numbers are not supported/ },
  { title: 'an unterminated raw string', rule: 'Host(`abc', offset: 5, message: /raw string literal not terminated/ },
  { title: 'an unterminated double-quoted string', rule: 'Host("abc', offset: 5, message: /string literal not terminated/ },
  { title: 'a newline inside a double-quoted string', rule: 'Host("a\nb")', offset: 5, message: /string literal not terminated/ },
  { title: 'an unknown escape', rule: 'Host("a\\qb")', offset: 7, message: /unknown escape sequence \\q/ },
  { title: 'a short \\x escape', rule: 'Host("\\x4")', offset: 6, message: /2 hexadecimal digits/ },
  { title: 'a surrogate \\u escape', rule: 'Host("\\ud800")', offset: 6, message: /not a valid Unicode code point/ },
  { title: 'an octal escape above 255', rule: 'Host("\\400")', offset: 6, message: /> 255/ },
  { title: "an escaped single quote inside double quotes", rule: 'Host("\\\'")', offset: 6, message: /unknown escape/ },
  { title: 'an unterminated comment', rule: 'Host(`a`) /* x', offset: 10, message: /comment not terminated/ },
  { title: 'an illegal character', rule: 'Host(`a`) @', offset: 10, message: /illegal character U\+0040/ },
  { title: 'a non-breaking space', rule: 'Host(`a`)\u00a0&& Path(`/`)', offset: 9, message: /illegal character U\+00A0/ },
  // Arguments.
  { title: 'an empty argument between commas', rule: 'Host(`a`,,`b`)', offset: 9, message: /expected a quoted string argument, found `,`/ },
  { title: 'a missing comma', rule: 'Host(`a` `b`)', offset: 9, message: /missing `,`/ },
  { title: 'a nested matcher', rule: 'Host(Path(`/`))', offset: 5, message: /cannot be nested/ },
  { title: 'an identifier argument', rule: 'Host(example)', offset: 5, message: /quoted strings, found identifier example/ },
  { title: 'an unquoted path', rule: 'PathPrefix(/api)', offset: 11, message: /quoted strings, found `\/`/ },
  // Matchers.
  { title: 'an unknown function', rule: 'Foo(`a`)', offset: 0, message: /unsupported function: Foo$/ },
  { title: 'a wrongly cased matcher, with the accepted spellings', rule: 'Host(`a`) && pathPrefix(`/`)', offset: 13, message: /unsupported function: pathPrefix \(matcher names are accepted as PathPrefix, pathprefix, PATHPREFIX, Pathprefix\)/ },
  { title: 'a v2 matcher in a v3 rule, with its v3 name', rule: 'Headers(`a`, `b`)', offset: 0, message: /Headers is ruleSyntax v2; v3 uses Header/ },
  { title: 'an unknown function even after an empty argument', rule: 'Host(``) && Foo(`a`)', offset: 12, message: /unsupported function: Foo/ },
  { title: 'no arguments', rule: 'Host()', offset: 0, message: /no args for matcher Host/ },
  { title: 'an empty argument', rule: 'Host(``)', offset: 5, message: /empty args for matcher Host/ },
  { title: 'an empty double-quoted argument later in the rule', rule: 'Path(`/a`) && Host("")', offset: 19, message: /empty args for matcher Host/ },
  { title: 'one argument for Header', rule: 'Header(`X`)', offset: 0, message: /Header takes 2 arguments, got 1/ },
  { title: 'two arguments for Host', rule: 'Host(`a`, `b`)', offset: 0, message: /Host takes 1 argument, got 2/ },
  { title: 'three arguments for Query', rule: 'Query(`a`, `b`, `c`)', offset: 0, message: /Query takes 1 or 2 arguments, got 3/ },
  // Matcher values.
  { title: 'a Path without a leading slash', rule: 'Path(`api`)', offset: 5, message: /path "api" does not start with a '\/'/ },
  { title: 'a PathPrefix without a leading slash', rule: 'PathPrefix(`api`)', offset: 11, message: /does not start with a '\/'/ },
  { title: 'a non-ASCII Host', rule: 'Host(`exämple.com`)', offset: 5, message: /non-ASCII characters are not allowed/ },
  { title: 'a non-ASCII HostRegexp', rule: 'HostRegexp(`exämple`)', offset: 11, message: /non-ASCII/ },
  { title: 'an invalid PathRegexp', rule: 'PathRegexp(`(`)', offset: 11, message: /compiling PathRegexp matcher: error parsing regexp: missing closing \)/ },
  { title: 'an invalid HeaderRegexp', rule: 'HeaderRegexp(`X`, `a**`)', offset: 18, message: /compiling HeaderRegexp matcher/ },
  { title: 'an invalid QueryRegexp', rule: 'QueryRegexp(`k`, `[`)', offset: 17, message: /compiling QueryRegexp matcher/ },
  { title: 'an invalid ClientIP', rule: 'ClientIP(`10.0.0.300`)', offset: 9, message: /initializing IP checker for ClientIP matcher/ },
  // Positions across lines.
  { title: 'a problem on the second line', rule: 'Host(`a`)\n  && Path(`b`)', offset: 20, line: 2, column: 11, message: /does not start with a '\/'/ },
  { title: 'a problem at the end of a multi-line rule', rule: 'Host(`a`) &&\n', offset: 10, line: 1, column: 11, message: /dangling/ },
  { title: 'a column counted after a CRLF', rule: 'Host(`a`) ||\r\nFoo(`b`)', offset: 14, line: 2, column: 1, message: /unsupported function: Foo/ },
];

describe('invalid rules are rejected with the position of the problem', () => {
  for (const c of cases) {
    test(c.title, () => {
      const compiled = compileHttpRule(c.rule, 'v3');
      if (compiled.ok) assert.fail(`accepted ${JSON.stringify(c.rule)}`);
      const { error } = compiled;
      assert.match(error.message, c.message);
      assert.equal(error.offset, c.offset, error.message);
      if (c.line !== undefined) assert.equal(error.line, c.line);
      if (c.column !== undefined) assert.equal(error.column, c.column);
      if (c.line === undefined && !c.rule.includes('\n')) {
        assert.equal(error.line, 1);
        assert.equal(error.column, c.offset + 1);
      }
    });
  }

  test('a rule nested too deeply is an error, not a stack overflow', () => {
    const rule = `${'('.repeat(10_000)}Host(\`a\`)${')'.repeat(10_000)}`;
    const compiled = compileHttpRule(rule, 'v3');
    assert.equal(compiled.ok, false);
    if (!compiled.ok) assert.match(compiled.error.message, /nests deeper/);
  });
});
