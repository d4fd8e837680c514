import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MiddlewareConfigError } from '../middleware.ts';
import { compileExpression, type ExpressionFunctions } from './expression.ts';

interface Env {
  readonly a: number;
  readonly b: number;
  readonly up: boolean;
}

const functions: ExpressionFunctions<Env> = {
  A: { arity: 0, returns: 'float', build: () => (env) => env.a },
  B: { arity: 0, returns: 'int', build: () => (env) => env.b },
  Up: { arity: 0, returns: 'boolean', build: () => (env) => env.up },
  Sum: { arity: 2, returns: 'float', build: ([x = 0, y = 0]) => () => x + y },
};

const env: Env = { a: 0.6, b: 10, up: true };

describe('expression language', () => {
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    ['A() > 0.5', true],
    ['A() >= 0.6', true],
    ['A() < 0.5', false],
    ['A() <= 0.6', true],
    ['B() == 10', true],
    ['B() != 10', false],
    ['Sum(1, 2.5) == 3.5', true],
    ['Sum(1,2)==3.0', true],
    ['Sum(1, 2) != 3e0', false],
    ['Up()', true],
    ['A() > 0.5 && B() < 5', false],
    ['A() > 0.5 || B() < 5', true],
    ['B() < 5 && A() > 0.5 || Up()', true],
    ['B() < 5 && (A() > 0.5 || Up())', false],
    ['(((A() > .5)))', true],
    ['(B()) == 10', true],
  ];
  for (const [source, expected] of cases) {
    it(`evaluates ${source} to ${String(expected)}`, () => {
      assert.equal(compileExpression(source, functions, 'expression')(env), expected);
    });
  }

  it('binds && tighter than ||', () => {
    const f = compileExpression('Up() || B() < 5 && A() > 1.0', functions, 'expression');
    assert.equal(f(env), true);
    assert.equal(f({ ...env, up: false }), false);
  });

  it('short-circuits && and ||', () => {
    let calls = 0;
    const counting: ExpressionFunctions<Env> = { ...functions, C: { arity: 0, returns: 'int', build: () => () => ++calls } };
    compileExpression('B() < 5 && C() > 0', counting, 'e')(env);
    compileExpression('B() > 5 || C() > 0', counting, 'e')(env);
    assert.equal(calls, 0);
  });

  const errors: ReadonlyArray<readonly [string, number, RegExp]> = [
    ['', 1, /unexpected end of expression/],
    ['A() >', 6, /unexpected end/],
    ['Nope() > 1', 1, /unknown function "Nope"/],
    ['A() > 1.0 &&', 13, /unexpected end/],
    ['A() > 1.0 & B() < 2', 11, /unexpected character "&"/],
    ['A(1) > 1', 1, /takes 0 argument/],
    ['Sum(1) > 1.0', 1, /takes 2 argument/],
    ['Sum(1, A()) > 1.0', 8, /must be numbers/],
    ['Sum(1 2) > 1.0', 7, /expected "," or "\)"/],
    ['(A() > 1.0', 11, /expected "\)"/],
    ['A() > 1.0)', 10, /unexpected "\)"/],
    ['A()', 1, /boolean/],
    ['A() > 1.0 && B()', 14, /&& needs a boolean/],
    ['Up() > 1', 1, /left side of > must be a numeric function/],
    ['1 < B()', 1, /left side of < must be a numeric function/],
    ['B() < A()', 7, /right side of < must be a number literal/],
    ['B() > 1.5', 7, /expected an integer literal, got a float/],
    ['A() > 1', 7, /expected a float literal, got an integer/],
    ['A() > 0.1 > 0.2', 1, /left side of > must be a numeric function/],
    ['Up() == Up()', 1, /left side of == must be/],
    ['!Up()', 1, /unexpected character "!"/],
    ['A > 1', 3, /expected "\(" after A/],
    ['A() > 1.0 $', 11, /unexpected character/],
  ];
  for (const [source, column, message] of errors) {
    it(`refuses ${JSON.stringify(source)} at column ${column}`, () => {
      assert.throws(() => compileExpression(source, functions, 'expression'), (err: unknown) => {
        assert.ok(err instanceof MiddlewareConfigError);
        assert.equal(err.code, 'MIDDLEWARE_INVALID_EXPRESSION');
        assert.equal(err.field, 'expression');
        assert.match(err.message, new RegExp(`at column ${column}:`));
        assert.match(err.message, message);
        return true;
      });
    });
  }
});
