/**
 * The small predicate language of `circuitBreaker.expression` and `buffering.retryExpression`
 * (oxy's Go-expression subset): function calls with numeric literal arguments, the comparisons
 * `< <= > >= == !=`, `&&`, `||` and parentheses. Precedence follows Go: `||` binds loosest, then
 * `&&`, then comparisons. Which functions exist is up to the caller (a function table), so both
 * middlewares share one parser and one type checker.
 *
 * The checker refuses what oxy refuses, so a configuration Traefik disables is disabled here
 * too: a comparison is always `Function() OP literal` (function on the left), and the literal
 * has the function's Go type: an integer literal (`100`) for int functions such as
 * `LatencyAtQuantileMS` or `Attempts`, a float literal (`0.5`) for ratios. There is no `!`.
 *
 * Compilation happens once in the factory; the result is a closure tree evaluated per check.
 */
import { MiddlewareConfigError } from '../middleware.ts';

/** A function the expression may call; `build` receives the literal arguments once. */
export interface ExpressionFunction<Env> {
  readonly arity: number;
  /** Go's result type, which decides the literal a comparison needs. */
  readonly returns: 'int' | 'float' | 'boolean';
  readonly build: (args: readonly number[]) => (env: Env) => number | boolean;
}

/** The functions an expression may call, by exact (case-sensitive) name. */
export type ExpressionFunctions<Env> = Readonly<Record<string, ExpressionFunction<Env>>>;

/** A compiled predicate. */
export type Predicate<Env> = (env: Env) => boolean;

type Token =
  | { readonly kind: 'number'; readonly value: number; readonly numeric: 'int' | 'float'; readonly pos: number }
  | { readonly kind: 'ident'; readonly value: string; readonly pos: number }
  | { readonly kind: 'op'; readonly value: string; readonly pos: number }
  | { readonly kind: 'end'; readonly pos: number };

type Typed<Env> =
  | { readonly type: 'number'; readonly numeric: 'int' | 'float'; readonly literal: boolean; readonly eval: (env: Env) => number; readonly pos: number }
  | { readonly type: 'boolean'; readonly eval: (env: Env) => boolean; readonly pos: number };

const operators = ['&&', '||', '<=', '>=', '==', '!=', '<', '>', '(', ')', ','] as const;

/**
 * Compiles `source` to a predicate, or throws MIDDLEWARE_INVALID_EXPRESSION for `field` with the
 * 1-based column of the problem in the message.
 */
export function compileExpression<Env>(source: string, functions: ExpressionFunctions<Env>, field: string): Predicate<Env> {
  const fail = (pos: number, message: string): never => {
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_EXPRESSION', field, `invalid expression ${JSON.stringify(source)} at column ${pos + 1}: ${message}`);
  };
  const tokens = tokenize(source, fail);
  let i = 0;
  const peek = (): Token => tokens[i]!;
  const take = (): Token => tokens[i++]!;
  const isOp = (t: Token, op: string): boolean => t.kind === 'op' && t.value === op;
  const describe = (t: Token): string => (t.kind === 'end' ? 'end of expression' : JSON.stringify(String(t.value)));

  const asBoolean = (node: Typed<Env>, what: string): ((env: Env) => boolean) => {
    if (node.type !== 'boolean') return fail(node.pos, `${what} needs a boolean operand, got a number`);
    return node.eval;
  };

  const parseOr = (): Typed<Env> => {
    let left = parseAnd();
    while (isOp(peek(), '||')) {
      take();
      const a = asBoolean(left, '||');
      const b = asBoolean(parseAnd(), '||');
      left = { type: 'boolean', eval: (env) => a(env) || b(env), pos: left.pos };
    }
    return left;
  };
  const parseAnd = (): Typed<Env> => {
    let left = parseComparison();
    while (isOp(peek(), '&&')) {
      take();
      const a = asBoolean(left, '&&');
      const b = asBoolean(parseComparison(), '&&');
      left = { type: 'boolean', eval: (env) => a(env) && b(env), pos: left.pos };
    }
    return left;
  };
  const parseComparison = (): Typed<Env> => {
    let left = parsePrimary();
    for (;;) {
      const t = peek();
      if (t.kind !== 'op' || !['<', '<=', '>', '>=', '==', '!='].includes(t.value)) return left;
      take();
      const right = parsePrimary();
      left = comparison(t.value, left, right);
    }
  };
  const comparison = (op: string, left: Typed<Env>, right: Typed<Env>): Typed<Env> => {
    if (left.type !== 'number' || left.literal) return fail(left.pos, `the left side of ${op} must be a numeric function call`);
    if (right.type !== 'number' || !right.literal) return fail(right.pos, `the right side of ${op} must be a number literal`);
    if (right.numeric !== left.numeric) return fail(right.pos, `expected ${left.numeric === 'int' ? 'an integer' : 'a float'} literal, got ${right.numeric === 'int' ? 'an integer' : 'a float'}`);
    const a = left.eval;
    // A literal ignores its environment: fold it to a constant once.
    const b = right.eval(undefined as Env);
    const pos = left.pos;
    switch (op) {
      case '<': return { type: 'boolean', eval: (env) => a(env) < b, pos };
      case '<=': return { type: 'boolean', eval: (env) => a(env) <= b, pos };
      case '>': return { type: 'boolean', eval: (env) => a(env) > b, pos };
      case '>=': return { type: 'boolean', eval: (env) => a(env) >= b, pos };
      case '==': return { type: 'boolean', eval: (env) => a(env) === b, pos };
      default: return { type: 'boolean', eval: (env) => a(env) !== b, pos };
    }
  };
  const parsePrimary = (): Typed<Env> => {
    const t = take();
    if (t.kind === 'number') {
      const value = t.value;
      return { type: 'number', numeric: t.numeric, literal: true, eval: () => value, pos: t.pos };
    }
    if (isOp(t, '(')) {
      const inner = parseOr();
      const close = take();
      if (!isOp(close, ')')) fail(close.pos, `expected ")", got ${describe(close)}`);
      return { ...inner, pos: t.pos };
    }
    if (t.kind === 'ident') return parseCall(t.value, t.pos);
    return fail(t.pos, `unexpected ${describe(t)}`);
  };
  const parseCall = (name: string, pos: number): Typed<Env> => {
    const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
    if (fn === undefined) return fail(pos, `unknown function ${JSON.stringify(name)} (known: ${Object.keys(functions).join(', ')})`);
    const open = take();
    if (!isOp(open, '(')) fail(open.pos, `expected "(" after ${name}, got ${describe(open)}`);
    const args: number[] = [];
    if (isOp(peek(), ')')) take();
    else {
      for (;;) {
        const arg = take();
        if (arg.kind !== 'number') return fail(arg.pos, `arguments of ${name} must be numbers, got ${describe(arg)}`);
        args.push(arg.value);
        const sep = take();
        if (isOp(sep, ')')) break;
        if (!isOp(sep, ',')) fail(sep.pos, `expected "," or ")", got ${describe(sep)}`);
      }
    }
    if (args.length !== fn.arity) fail(pos, `${name} takes ${fn.arity} argument(s), got ${args.length}`);
    const evaluate = fn.build(args);
    return fn.returns === 'boolean'
      ? { type: 'boolean', eval: evaluate as (env: Env) => boolean, pos }
      : { type: 'number', numeric: fn.returns, literal: false, eval: evaluate as (env: Env) => number, pos };
  };

  const root = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') fail(rest.pos, `unexpected ${describe(rest)}`);
  return asBoolean(root, 'the expression');
}

function tokenize(source: string, fail: (pos: number, message: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const number = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(source.slice(i));
    if (number !== null) {
      const numeric = /[.eE]/.test(number[0]) ? 'float' : 'int';
      tokens.push({ kind: 'number', value: Number(number[0]), numeric, pos: i });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_]\w*/.exec(source.slice(i));
    if (ident !== null) {
      tokens.push({ kind: 'ident', value: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    const op = operators.find((o) => source.startsWith(o, i));
    if (op === undefined) fail(i, `unexpected character ${JSON.stringify(c)}`);
    else {
      tokens.push({ kind: 'op', value: op, pos: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', pos: source.length });
  return tokens;
}
