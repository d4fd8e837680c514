/**
 * From syntax tree to a checked tree of matcher leaves, shared by HTTP and TCP rules.
 *
 * Order of checks follows Traefik: first every matcher name is resolved over the whole rule
 * (vulcand/predicate fails on an unknown function before any matcher is built), then leaves are
 * built left to right (Traefik's addRule): "no args", "empty args", arity, then the matcher's own
 * validation. Negation is pushed down to the leaves by De Morgan, as Traefik's parser does, so
 * only leaves carry a NOT flag.
 */
import { createRuleError } from './rule-error.ts';
import type { RuleError, RuleProblem } from './rule-error.ts';
import { parseRule } from './rule-parser.ts';
import type { RuleArgument, RuleCall, RuleNode } from './rule-parser.ts';

/** A built leaf, or why its arguments are wrong. */
export type LeafResult<L> = { ok: true; leaf: L } | { ok: false; problem: RuleProblem };

/** How one matcher is checked and built. */
export interface MatcherSpec<L> {
  /** Accepted argument counts; 'many' = one or more (the v2 multi-value matchers). */
  readonly arity: readonly number[] | 'many';
  build(args: readonly RuleArgument[], call: RuleCall): LeafResult<L>;
}

/** The matchers of one rule syntax, by canonical name. */
export type MatcherTable<L> = Readonly<Record<string, MatcherSpec<L>>>;

/** A leaf of a checked rule: the built matcher and whether it is negated. */
export interface RuleLeaf<L> {
  readonly kind: 'leaf';
  readonly leaf: L;
  readonly negated: boolean;
  /** Canonical matcher name. */
  readonly matcher: string;
  readonly args: readonly string[];
}

/** A checked rule in negation normal form: NOT only on leaves, and/or n-ary and flattened. */
export type RuleTree<L> = RuleLeaf<L> | { readonly kind: 'and' | 'or'; readonly children: readonly RuleTree<L>[] };

/** A checked rule tree, or the first error with its position. */
export type BuildRuleTreeResult<L> = { ok: true; tree: RuleTree<L> } | { ok: false; error: RuleError };

/** Hints for names that are not matchers of this syntax (e.g. a v2 name used in a v3 rule). */
export type UnknownNameHint = (name: string) => string | undefined;

/**
 * The four spellings Traefik registers for each matcher (pkg/rules/parser.go): canonical,
 * lower, UPPER and Title (strings.Title of the lower-case name). `pathPrefix` is not one of them.
 */
export function matcherSpellings(canonical: string): string[] {
  const lower = canonical.toLowerCase();
  return [canonical, lower, canonical.toUpperCase(), lower.charAt(0).toUpperCase() + lower.slice(1)];
}

const spellingCache = new WeakMap<object, ReadonlyMap<string, string>>();

function spellingsOf(table: MatcherTable<unknown>): ReadonlyMap<string, string> {
  let map = spellingCache.get(table);
  if (map === undefined) {
    const built = new Map<string, string>();
    for (const canonical of Object.keys(table)) {
      for (const spelling of matcherSpellings(canonical)) built.set(spelling, canonical);
    }
    map = built;
    spellingCache.set(table, map);
  }
  return map;
}

/** Resolves a matcher name as written to its canonical name, or undefined. */
export function resolveMatcherName(name: string, table: MatcherTable<unknown>): string | undefined {
  return spellingsOf(table).get(name);
}

/** Parses and checks a rule against a matcher table. */
export function buildRuleTree<L>(rule: string, table: MatcherTable<L>, hint?: UnknownNameHint): BuildRuleTreeResult<L> {
  const parsed = parseRule(rule);
  if (!parsed.ok) return { ok: false, error: createRuleError(rule, parsed.problem) };
  const unknown = findUnknownName(parsed.node, table, hint);
  if (unknown !== null) return { ok: false, error: createRuleError(rule, unknown) };
  const built = toTree(parsed.node, false, table);
  if ('problem' in built) return { ok: false, error: createRuleError(rule, built.problem) };
  return { ok: true, tree: built };
}

function findUnknownName(node: RuleNode, table: MatcherTable<unknown>, hint: UnknownNameHint | undefined): RuleProblem | null {
  switch (node.kind) {
    case 'call': {
      if (resolveMatcherName(node.name, table) !== undefined) return null;
      let message = `unsupported function: ${node.name}`;
      const sameLetters = Object.keys(table).find((k) => k.toLowerCase() === node.name.toLowerCase());
      const extra = sameLetters !== undefined
        ? `matcher names are accepted as ${matcherSpellings(sameLetters).join(', ')}`
        : hint?.(node.name);
      if (extra !== undefined) message += ` (${extra})`;
      return { message, offset: node.offset };
    }
    case 'not':
      return findUnknownName(node.operand, table, hint);
    case 'and':
    case 'or':
      for (const operand of node.operands) {
        const found = findUnknownName(operand, table, hint);
        if (found !== null) return found;
      }
      return null;
    default:
      return assertNever(node);
  }
}

type TreeOrProblem<L> = RuleTree<L> | { problem: RuleProblem };

function toTree<L>(node: RuleNode, negated: boolean, table: MatcherTable<L>): TreeOrProblem<L> {
  switch (node.kind) {
    case 'call':
      return buildLeaf(node, negated, table);
    case 'not':
      return toTree(node.operand, !negated, table);
    case 'and':
    case 'or': {
      // De Morgan: !(a && b) == !a || !b.
      const kind = (node.kind === 'and') !== negated ? 'and' : 'or';
      const children: RuleTree<L>[] = [];
      for (const operand of node.operands) {
        const child = toTree(operand, negated, table);
        if ('problem' in child) return child;
        if (child.kind === kind) children.push(...child.children);
        else children.push(child);
      }
      return { kind, children };
    }
    default:
      return assertNever(node);
  }
}

function buildLeaf<L>(call: RuleCall, negated: boolean, table: MatcherTable<L>): TreeOrProblem<L> {
  const name = resolveMatcherName(call.name, table)!;
  const spec = table[name]!;
  if (call.args.length === 0) return { problem: { message: `no args for matcher ${name}`, offset: call.offset } };
  const empty = call.args.find((a) => a.value === '');
  if (empty !== undefined) return { problem: { message: `empty args for matcher ${name}`, offset: empty.offset } };
  if (spec.arity !== 'many' && !spec.arity.includes(call.args.length)) {
    const expected = spec.arity.join(' or ');
    const plural = spec.arity.length === 1 && spec.arity[0] === 1 ? 'argument' : 'arguments';
    return {
      problem: { message: `${name} takes ${expected} ${plural}, got ${call.args.length}`, offset: call.offset },
    };
  }
  const built = spec.build(call.args, call);
  if (!built.ok) return { problem: built.problem };
  return { kind: 'leaf', leaf: built.leaf, negated, matcher: name, args: call.args.map((a) => a.value) };
}

function assertNever(value: never): never {
  throw new Error(`unexpected rule node ${JSON.stringify(value)}`);
}
