/**
 * Turns a checked rule tree into one function, built once at compile time. Evaluation
 * short-circuits left to right (like Traefik's matchersTree) and allocates nothing itself.
 */
import type { RuleTree } from './rule-tree.ts';

/** A compiled test over a subject and one extra argument (the routing path for HTTP). */
export type Predicate<A, B> = (a: A, b: B) => boolean;

/** Composes the leaf predicates of `tree` with its and/or structure and leaf negations. */
export function buildPredicate<L, A, B>(tree: RuleTree<L>, leafPredicate: (leaf: L) => Predicate<A, B>): Predicate<A, B> {
  if (tree.kind === 'leaf') {
    const test = leafPredicate(tree.leaf);
    return tree.negated ? (a, b) => !test(a, b) : test;
  }
  const parts = tree.children.map((child) => buildPredicate(child, leafPredicate));
  if (parts.length === 2) {
    const [left, right] = parts as [Predicate<A, B>, Predicate<A, B>];
    return tree.kind === 'and' ? (a, b) => left(a, b) && right(a, b) : (a, b) => left(a, b) || right(a, b);
  }
  const n = parts.length;
  if (tree.kind === 'and') {
    return (a, b) => {
      for (let i = 0; i < n; i++) if (!parts[i]!(a, b)) return false;
      return true;
    };
  }
  return (a, b) => {
    for (let i = 0; i < n; i++) if (parts[i]!(a, b)) return true;
    return false;
  };
}
