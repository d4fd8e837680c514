/**
 * Why a rule does not compile, and where. Offsets are JavaScript string indices (UTF-16 code
 * units) into the rule text; line and column are 1-based and derived from the offset, so a
 * multi-line rule in a YAML block scalar points at the right place.
 */

/** A rule that does not compile: the message and the position of the problem. */
export interface RuleError {
  readonly message: string;
  /** 0-based position in the rule text (the rule length when the problem is its end). */
  readonly offset: number;
  /** 1-based line of `offset`. */
  readonly line: number;
  /** 1-based column of `offset` within its line. */
  readonly column: number;
}

/** A problem found before line/column are known (lexer, parser, matcher builders). */
export interface RuleProblem {
  readonly message: string;
  readonly offset: number;
}

/** Builds a RuleError, computing line and column of `offset` in `rule`. */
export function createRuleError(rule: string, problem: RuleProblem): RuleError {
  const offset = Math.max(0, Math.min(problem.offset, rule.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (rule.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { message: problem.message, offset, line, column: offset - lineStart + 1 };
}
