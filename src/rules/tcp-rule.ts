/**
 * Compiles a TCP router rule (v3 or v2) into a TcpConnectionMatcher.
 */
import type { TcpConnectionFacts, TcpConnectionMatcher } from '../lib/matcher.ts';
import type { RuleSyntax } from './http-rule.ts';
import { buildPredicate } from './predicate.ts';
import type { RuleError } from './rule-error.ts';
import { buildRuleTree } from './rule-tree.ts';
import type { RuleTree } from './rule-tree.ts';
import { tcpMatchersV2, tcpMatchersV3 } from './tcp-matchers.ts';
import type { TcpLeaf } from './tcp-matchers.ts';

/** The compiled matcher, or the first error with its position in the rule. */
export type CompileTcpRuleResult = { ok: true; matcher: TcpConnectionMatcher } | { ok: false; error: RuleError };

/** Compiles a TCP rule. */
export function compileTcpRule(rule: string, syntax: RuleSyntax): CompileTcpRuleResult {
  const built = buildRuleTree(rule, syntax === 'v2' ? tcpMatchersV2 : tcpMatchersV3);
  if (!built.ok) return built;
  const tree = built.tree;
  const test = buildPredicate<TcpLeaf, TcpConnectionFacts, undefined>(tree, (leaf) => leaf.test);
  return {
    ok: true,
    matcher: {
      match: (connection) => test(connection, undefined),
      // Traefik (tcp mux AddRoute): the whole rule is the single value `*` of HostSNI.
      catchAll: tree.kind === 'leaf' && !tree.negated && tree.matcher === 'HostSNI' && tree.args.length === 1 && tree.args[0] === '*',
      needsTls: readsTls(tree),
    },
  };
}

function readsTls(tree: RuleTree<TcpLeaf>): boolean {
  return tree.kind === 'leaf' ? tree.leaf.readsTls : tree.children.some(readsTls);
}
