/**
 * Compiles an HTTP router rule (v3 or the deprecated v2 syntax) into an HttpRequestMatcher, once,
 * at build time. The matcher's `hosts` lets the route table skip routers that cannot match the
 * request's host; its `explain` (rule-explainer.ts, built from the same tree) serves
 * `/api/explain` and never runs on the request path.
 */
import type { RequestHead } from '../lib/exchange.ts';
import type { HttpRequestMatcher } from '../lib/matcher.ts';
import { v3NameHint, httpMatchersV3 } from './http-matchers.ts';
import type { HttpLeaf } from './http-matchers.ts';
import { httpMatchersV2, v2NameHint } from './http-matchers-v2.ts';
import { buildPredicate } from './predicate.ts';
import { createHttpRuleExplainer } from './rule-explainer.ts';
import type { RuleError } from './rule-error.ts';
import { buildRuleTree } from './rule-tree.ts';
import type { RuleTree } from './rule-tree.ts';

/** Which rule language a router uses (`ruleSyntax`). */
export type RuleSyntax = 'v3' | 'v2';

/** The compiled matcher, or the first error with its position in the rule. */
export type CompileHttpRuleResult = { ok: true; matcher: HttpRequestMatcher } | { ok: false; error: RuleError };

/** Compiles an HTTP rule. */
export function compileHttpRule(rule: string, syntax: RuleSyntax): CompileHttpRuleResult {
  const built = syntax === 'v2'
    ? buildRuleTree(rule, httpMatchersV2, v2NameHint)
    : buildRuleTree(rule, httpMatchersV3, v3NameHint);
  if (!built.ok) return built;
  const match = buildPredicate<HttpLeaf, RequestHead, string>(built.tree, (leaf) => leaf.test);
  return { ok: true, matcher: { match, hosts: restrictedHosts(built.tree), explain: createHttpRuleExplainer(built.tree) } };
}

/**
 * The hosts a rule can only match, from its negation normal form: a positive leaf gives its own
 * hosts; a negated leaf any host; `||` the union when every branch is restricted; `&&` the
 * intersection when all restricting branches list exact hosts, else the smallest branch (each
 * branch is a valid over-approximation on its own).
 */
function restrictedHosts(tree: RuleTree<HttpLeaf>): readonly string[] | null {
  if (tree.kind === 'leaf') return tree.negated ? null : tree.leaf.hosts;
  const sets = tree.children.map(restrictedHosts);
  if (tree.kind === 'or') {
    if (sets.some((s) => s === null)) return null;
    return [...new Set(sets.flatMap((s) => s!))];
  }
  const restricting = sets.filter((s): s is readonly string[] => s !== null);
  if (restricting.length === 0) return null;
  if (restricting.every((s) => s.every((h) => !h.startsWith('*.')))) {
    const [first, ...others] = restricting;
    return first!.filter((h, i) => first!.indexOf(h) === i && others.every((o) => o.includes(h)));
  }
  return restricting.reduce((a, b) => (b.length < a.length ? b : a));
}
