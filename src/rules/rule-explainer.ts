/**
 * Explains an HTTP rule against one request: every leaf's result and a one-line reason for a
 * miss. Built once per rule from the same checked tree as the matcher (http-rule.ts), so the
 * matcher itself stays as fast as it was; this walks the tree without short-circuit, because a
 * person reading the answer wants to see every condition, not only the first that failed.
 */
import type { RequestHead } from '../lib/exchange.ts';
import { getHeaderValues } from '../lib/exchange.ts';
import type { RuleExplanation, RuleLeafResult } from '../lib/matcher.ts';
import type { HttpLeaf } from './http-matchers.ts';
import type { RuleLeaf, RuleTree } from './rule-tree.ts';

/** Explains a rule for one request; `routingPath` as the route table computes it (routing-path.ts). */
export type HttpRuleExplainer = (request: RequestHead, routingPath: string) => RuleExplanation;

/** A node of the tree with each leaf given its position among the leaves (written order). */
type Indexed =
  | { readonly kind: 'leaf'; readonly index: number; readonly leaf: RuleLeaf<HttpLeaf>; readonly text: string }
  | { readonly kind: 'and' | 'or'; readonly children: readonly Indexed[] };

/** Creates the explainer of a checked rule tree. */
export function createHttpRuleExplainer(tree: RuleTree<HttpLeaf>): HttpRuleExplainer {
  const leaves: { leaf: RuleLeaf<HttpLeaf>; text: string }[] = [];
  const index = (node: RuleTree<HttpLeaf>): Indexed => {
    if (node.kind === 'leaf') {
      const text = leafText(node);
      leaves.push({ leaf: node, text });
      return { kind: 'leaf', index: leaves.length - 1, leaf: node, text };
    }
    return { kind: node.kind, children: node.children.map(index) };
  };
  const root = index(tree);

  return (request, routingPath) => {
    const results: RuleLeafResult[] = leaves.map(({ leaf }) => ({
      matcher: leaf.matcher,
      args: leaf.args,
      negated: leaf.negated,
      matched: leaf.leaf.test(request, routingPath) !== leaf.negated,
    }));
    const evaluated = evaluate(root, results, request, routingPath);
    return { matched: evaluated.matched, leaves: results, reason: evaluated.matched ? 'matched' : evaluated.reason };
  };
}

function evaluate(node: Indexed, results: readonly RuleLeafResult[], request: RequestHead, routingPath: string): { matched: boolean; reason: string } {
  switch (node.kind) {
    case 'leaf': {
      const matched = results[node.index]!.matched;
      return { matched, reason: matched ? '' : `${node.text} did not match ${subjectOf(node.leaf, request, routingPath)}` };
    }
    case 'and': {
      const parts = node.children.map((c) => evaluate(c, results, request, routingPath));
      const failed = parts.find((p) => !p.matched);
      return failed === undefined ? { matched: true, reason: '' } : failed;
    }
    case 'or': {
      const parts = node.children.map((c) => evaluate(c, results, request, routingPath));
      if (parts.some((p) => p.matched)) return { matched: true, reason: '' };
      return { matched: false, reason: `no alternative matched (${parts.map((p) => p.reason).join('; ')})` };
    }
    default: {
      const never: never = node;
      throw new Error(`unexpected rule node ${JSON.stringify(never)}`);
    }
  }
}

/** The leaf as a rule would write it: ``!Host(`a.example`)``. */
function leafText(leaf: RuleLeaf<HttpLeaf>): string {
  return `${leaf.negated ? '!' : ''}${leaf.matcher}(${leaf.args.map((a) => `\`${a}\``).join(', ')})`;
}

/** What of the request a matcher looked at, for the reason of a miss. */
function subjectOf(leaf: RuleLeaf<HttpLeaf>, request: RequestHead, routingPath: string): string {
  switch (leaf.matcher) {
    case 'Host':
    case 'HostHeader':
    case 'HostRegexp':
      return request.host === '' ? 'an empty host' : `host ${request.host}`;
    case 'Path':
    case 'PathPrefix':
    case 'PathRegexp':
      return `path ${routingPath}`;
    case 'Method':
      return `method ${request.method}`;
    case 'ClientIP':
      return `client IP ${request.remoteAddress}`;
    case 'Query':
    case 'QueryRegexp':
      return request.query === '' ? 'an empty query' : `query ?${request.query}`;
    case 'Header':
    case 'HeaderRegexp':
      return headerSubject(request, [leaf.args[0] ?? '']);
    case 'Headers':
    case 'HeadersRegexp':
      // v2: key/value pairs.
      return headerSubject(request, leaf.args.filter((_a, i) => i % 2 === 0));
    default:
      return 'the request';
  }
}

function headerSubject(request: RequestHead, names: readonly string[]): string {
  return [...new Set(names.map((n) => n.toLowerCase()))].map((name) => {
    const values = getHeaderValues(request.headers, name);
    return values.length === 0 ? `header ${name} absent` : `header ${name}: ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  }).join(', ');
}
