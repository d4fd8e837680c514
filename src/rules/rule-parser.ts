/**
 * Parser for the rule language: Go expression syntax restricted to matcher calls with string
 * arguments, combined with `||` (lowest), `&&` and unary `!`, with parentheses. The tree keeps
 * source offsets so later stages report errors at the right place.
 */
import type { RuleProblem } from './rule-error.ts';
import { tokenizeRule } from './rule-lexer.ts';
import type { Token } from './rule-lexer.ts';

/** One argument of a matcher call: its decoded value and the offset of its opening quote. */
export interface RuleArgument {
  readonly value: string;
  readonly offset: number;
}

/** A matcher call as written, e.g. ``PathPrefix(`/api`)``. */
export interface RuleCall {
  readonly kind: 'call';
  /** The name as written (not yet resolved to a canonical matcher). */
  readonly name: string;
  readonly offset: number;
  readonly args: readonly RuleArgument[];
}

/** The syntax tree of a rule. `and`/`or` are n-ary, left to right. */
export type RuleNode =
  | RuleCall
  | { readonly kind: 'not'; readonly offset: number; readonly operand: RuleNode }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly RuleNode[] };

/** The syntax tree, or the first syntax problem. */
export type ParseRuleResult = { ok: true; node: RuleNode } | { ok: false; problem: RuleProblem };

/** Deeper nesting than this is refused, so a hostile rule cannot exhaust the stack. */
const maxNesting = 256;

class SyntaxProblem extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** Parses rule text into a syntax tree. Does not know which matchers exist. */
export function parseRule(rule: string): ParseRuleResult {
  const lexed = tokenizeRule(rule);
  if (!lexed.ok) return lexed;
  const tokens = lexed.tokens;
  if (tokens.length === 1) return { ok: false, problem: { message: 'the rule is empty', offset: 0 } };
  let pos = 0;
  let depth = 0;
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++]!;

  const parseOr = (after: Token | null): RuleNode => {
    const operands = [parseAnd(after)];
    while (peek().kind === '||') {
      const op = next();
      operands.push(parseAnd(op));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  };

  const parseAnd = (after: Token | null): RuleNode => {
    const operands = [parseUnary(after)];
    while (peek().kind === '&&') {
      const op = next();
      operands.push(parseUnary(op));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  };

  const parseUnary = (after: Token | null): RuleNode => {
    if (++depth > maxNesting) throw new SyntaxProblem(`the rule nests deeper than ${maxNesting} levels`, peek().offset);
    try {
      if (peek().kind === '!') {
        const bang = next();
        return { kind: 'not', offset: bang.offset, operand: parseUnary(bang) };
      }
      return parsePrimary(after);
    } finally {
      depth--;
    }
  };

  const parsePrimary = (after: Token | null): RuleNode => {
    const t = peek();
    switch (t.kind) {
      case '(': {
        next();
        const inner = parseOr(t);
        const close = peek();
        if (close.kind === ')') {
          next();
          return inner;
        }
        if (close.kind === 'eof') throw new SyntaxProblem('unbalanced parentheses: this `(` is never closed', t.offset);
        throw unexpected(close, 'expected `)`, `&&` or `||`');
      }
      case 'ident': {
        next();
        const open = peek();
        if (open.kind !== '(') {
          throw new SyntaxProblem(`${t.text} is not a matcher call: write ${t.text}(\`value\`)`, t.offset);
        }
        next();
        return { kind: 'call', name: t.value, offset: t.offset, args: parseArguments(open) };
      }
      case 'eof':
        if (after !== null && after.kind === '(') {
          throw new SyntaxProblem('unbalanced parentheses: this `(` is never closed', after.offset);
        }
        if (after !== null) {
          throw new SyntaxProblem(`dangling operator \`${after.text}\`: expected a matcher after it, found the end of the rule`, after.offset);
        }
        throw new SyntaxProblem('expected a matcher, found the end of the rule', t.offset);
      case 'string':
        throw new SyntaxProblem('expected a matcher, found a string: strings are only allowed as matcher arguments', t.offset);
      default:
        throw unexpected(t, 'expected a matcher');
    }
  };

  const parseArguments = (open: Token): RuleArgument[] => {
    const args: RuleArgument[] = [];
    if (peek().kind === ')') {
      next();
      return args;
    }
    for (;;) {
      const arg = peek();
      if (arg.kind === 'eof') throw new SyntaxProblem('unbalanced parentheses: this `(` is never closed', open.offset);
      if (arg.kind === 'ident') {
        const nested = tokens[pos + 1]?.kind === '(';
        throw new SyntaxProblem(
          nested
            ? 'matchers cannot be nested: matcher arguments are quoted strings'
            : `matcher arguments are quoted strings, found identifier ${arg.text}`,
          arg.offset,
        );
      }
      if (arg.kind === 'op') {
        // Typically an unquoted value such as PathPrefix(/api).
        throw new SyntaxProblem(`matcher arguments are quoted strings, found \`${arg.text}\``, arg.offset);
      }
      if (arg.kind !== 'string') throw unexpected(arg, 'expected a quoted string argument');
      next();
      args.push({ value: arg.value, offset: arg.offset });
      const sep = peek();
      if (sep.kind === ')') {
        next();
        return args;
      }
      if (sep.kind === ',') {
        next();
        // Go accepts a trailing comma in a call: Host(`a`,) has one argument.
        if (peek().kind === ')') {
          next();
          return args;
        }
        continue;
      }
      if (sep.kind === 'eof') throw new SyntaxProblem('unbalanced parentheses: this `(` is never closed', open.offset);
      if (sep.kind === 'string') throw new SyntaxProblem('missing `,` between matcher arguments', sep.offset);
      throw unexpected(sep, 'expected `,` or `)` after a matcher argument');
    }
  };

  try {
    const node = parseOr(null);
    const rest = peek();
    if (rest.kind !== 'eof') {
      if (rest.kind === ')') throw new SyntaxProblem('unbalanced parentheses: this `)` has no matching `(`', rest.offset);
      throw unexpected(rest, 'expected `&&`, `||` or the end of the rule');
    }
    return { ok: true, node };
  } catch (err) {
    if (err instanceof SyntaxProblem) return { ok: false, problem: { message: err.message, offset: err.offset } };
    throw err;
  }
}

function unexpected(t: Token, expectation: string): SyntaxProblem {
  if (t.kind === 'op') {
    return new SyntaxProblem(`operator ${t.text} is not supported: rules combine matchers with &&, || and !`, t.offset);
  }
  return new SyntaxProblem(`${expectation}, found ${describe(t)}`, t.offset);
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the rule';
    case 'string':
      return 'a string';
    case 'ident':
      return `identifier ${t.text}`;
    default:
      return `\`${t.text}\``;
  }
}
