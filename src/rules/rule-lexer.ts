/**
 * Tokens of the rule language. Traefik parses a rule as a Go expression, so the lexer follows Go's
 * scanner: identifiers, backtick and double-quoted strings, Go operators, comments as whitespace.
 * Only `&&`, `||`, `!`, parentheses and commas mean something; every other operator is lexed so
 * the parser can say "operator == is not supported" at the right place.
 *
 * Deliberate leniency: Go inserts a semicolon at a newline that follows `)`, so in Traefik a rule
 * with a line break between `)` and `&&` fails to parse. We accept newlines anywhere (a rule that
 * works in Traefik works here unchanged).
 */
import { decodeInterpretedString, decodeRawString } from './go-string-literal.ts';
import type { RuleProblem } from './rule-error.ts';

/** The kinds of tokens the parser sees. `op` is any Go operator the rule language does not support. */
export type TokenKind = 'ident' | 'string' | '(' | ')' | ',' | '&&' | '||' | '!' | 'op' | 'eof';

/** One token: its kind, source span and, for strings, the decoded value. */
export interface Token {
  readonly kind: TokenKind;
  readonly offset: number;
  readonly end: number;
  /** The source text of the token ('' for eof). */
  readonly text: string;
  /** The decoded value of a string literal; the name of an identifier. */
  readonly value: string;
}

/** The token list (ending with eof), or the first lexical problem. */
export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; problem: RuleProblem };

// Longest first, so `&&` wins over `&` and `!=` over `!`.
const operators = [
  '<<=', '>>=', '&^=', '...',
  '&&', '||', '==', '!=', '<=', '>=', '<<', '>>', '&^', '+=', '-=', '*=', '/=', '%=', '&=', '|=',
  '^=', ':=', '++', '--', '<-',
  '!', '(', ')', ',', '+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '=', '.', ';', ':', '[',
  ']', '{', '}', '~',
];
const meaningful: ReadonlySet<string> = new Set(['&&', '||', '!', '(', ')', ',']);

const identStart = /[\p{L}_]/u;
const identPart = /[\p{L}\p{Nd}_]/u;

/** Splits a rule into tokens. */
export function tokenizeRule(rule: string): TokenizeResult {
  const tokens: Token[] = [];
  let i = 0;
  const n = rule.length;
  while (i < n) {
    const c = rule[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && rule[i + 1] === '/') {
      const nl = rule.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (c === '/' && rule[i + 1] === '*') {
      const close = rule.indexOf('*/', i + 2);
      if (close < 0) return fail(i, 'comment not terminated');
      i = close + 2;
      continue;
    }
    if (c === '`') {
      const close = rule.indexOf('`', i + 1);
      if (close < 0) return fail(i, 'raw string literal not terminated (missing closing backtick)');
      const text = rule.slice(i, close + 1);
      tokens.push({ kind: 'string', offset: i, end: close + 1, text, value: decodeRawString(text.slice(1, -1)) });
      i = close + 1;
      continue;
    }
    if (c === '"') {
      const close = findClosingQuote(rule, i);
      if (close < 0) return fail(i, 'string literal not terminated (missing closing double quote)');
      const decoded = decodeInterpretedString(rule.slice(i + 1, close), i + 1);
      if (!decoded.ok) return { ok: false, problem: decoded.problem };
      tokens.push({ kind: 'string', offset: i, end: close + 1, text: rule.slice(i, close + 1), value: decoded.value });
      i = close + 1;
      continue;
    }
    if (c === "'") {
      return fail(i, "single-quoted strings are not supported: quote matcher values with backticks (`) or double quotes (\")");
    }
    if ((c >= '0' && c <= '9') || (c === '.' && isDigit(rule[i + 1]))) {
      const end = scanNumber(rule, i);
      return fail(i, `numbers are not supported: matcher values are strings, write \`${rule.slice(i, end)}\``);
    }
    const cp = rule.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (identStart.test(ch)) {
      let end = i + ch.length;
      while (end < n) {
        const next = String.fromCodePoint(rule.codePointAt(end)!);
        if (!identPart.test(next)) break;
        end += next.length;
      }
      const text = rule.slice(i, end);
      tokens.push({ kind: 'ident', offset: i, end, text, value: text });
      i = end;
      continue;
    }
    const op = operators.find((o) => rule.startsWith(o, i));
    if (op !== undefined) {
      const kind: TokenKind = meaningful.has(op) ? (op as TokenKind) : 'op';
      tokens.push({ kind, offset: i, end: i + op.length, text: op, value: op });
      i += op.length;
      continue;
    }
    const hex = cp.toString(16).toUpperCase().padStart(4, '0');
    return fail(i, `illegal character U+${hex} ${JSON.stringify(ch)}`);
  }
  tokens.push({ kind: 'eof', offset: n, end: n, text: '', value: '' });
  return { ok: true, tokens };
}

function fail(offset: number, message: string): TokenizeResult {
  return { ok: false, problem: { message, offset } };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Index of the closing `"` of the string opened at `open`, or -1 (a raw newline ends it, as in Go). */
function findClosingQuote(rule: string, open: number): number {
  for (let i = open + 1; i < rule.length; i++) {
    const c = rule[i];
    if (c === '\\') {
      if (rule[i + 1] === '\n') return -1;
      i++;
      continue;
    }
    if (c === '"') return i;
    if (c === '\n') return -1;
  }
  return -1;
}

function scanNumber(rule: string, start: number): number {
  let end = start;
  while (end < rule.length && /[0-9a-zA-Z_.]/.test(rule[end]!)) end++;
  return end;
}
