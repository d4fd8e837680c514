/**
 * Reference checks shared by every kind of item: a reference to an item that does not exist or
 * is disabled disables the referencing item, and items that reference each other in a loop are
 * all disabled with the loop in their message. Traefik wording for the API errors: a missing
 * service is `the service "x@p" does not exist`, a missing middleware `middleware "x@p" does not
 * exist`, a disabled one passes its own errors on, a loop is `recursion detected in a->b->a`.
 */
import type { RuntimeItem } from '../config/runtime.ts';
import { findCycles } from './reference-cycles.ts';
import { addProblem, isServing } from './runtime-items.ts';

/** What a reference points at. */
export type ReferenceKind = 'service' | 'middleware' | 'serversTransport';

/** One reference of an item, ready to check. */
export interface CheckedReference {
  /** Key of the target among all items (see `referenceKey`). */
  readonly key: string;
  /** Qualified name of the target, for messages. */
  readonly name: string;
  readonly kind: ReferenceKind;
  /** Full dotted path of the field making the reference. */
  readonly path: string;
  /** Code stem: `ROUTER_SERVICE` gives `ROUTER_SERVICE_NOT_FOUND` and `ROUTER_SERVICE_DISABLED`. */
  readonly code: string;
}

/** An item that references others (service or middleware), as a node of the reference graph. */
export interface ReferenceNode {
  readonly item: RuntimeItem<unknown>;
  readonly noun: 'service' | 'middleware';
  /** Dotted path of the item itself (`http.services.api`). */
  readonly path: string;
  readonly refs: readonly CheckedReference[];
}

/** The key of an item among all items of one protocol: `service:api@file`. */
export function referenceKey(kind: ReferenceKind, name: string): string {
  return `${kind}:${name}`;
}

function nameOfKey(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

/**
 * Checks one reference of `item`: records a problem and returns false when the target is
 * missing or disabled.
 */
export function checkReference(item: RuntimeItem<unknown>, ref: CheckedReference, target: RuntimeItem<unknown> | undefined): boolean {
  if (target === undefined) {
    const message = ref.kind === 'service' ? `the service "${ref.name}" does not exist`
      : ref.kind === 'middleware' ? `middleware "${ref.name}" does not exist`
        : `servers transport not found ${ref.name}`;
    addProblem(item, { critical: true, code: `${ref.code}_NOT_FOUND`, path: ref.path, message });
    return false;
  }
  if (!isServing(target)) {
    const noun = ref.kind === 'serversTransport' ? 'servers transport' : ref.kind;
    const reasons = target.errors.join(', ');
    addProblem(item, {
      critical: true, code: `${ref.code}_DISABLED`, path: ref.path,
      message: `the ${noun} "${ref.name}" is disabled: ${reasons}`,
      // Traefik passes a disabled dependency's own errors on unchanged.
      error: reasons === '' ? `the ${noun} "${ref.name}" is disabled` : reasons,
    });
    return false;
  }
  return true;
}

/**
 * Settles the reference graph of services and middlewares: loops first (every member
 * disabled), then each node after the nodes it references, so a disabled item disables
 * everything above it, however deep.
 */
export function settleReferenceGraph(
  nodes: ReadonlyMap<string, ReferenceNode>, lookup: (key: string) => RuntimeItem<unknown> | undefined,
): void {
  const edges = new Map([...nodes].map(([key, node]) => [key, node.refs.map((ref) => ref.key)]));
  const cycles = findCycles(edges);
  for (const [key, cycle] of cycles) {
    const node = nodes.get(key)!;
    const names = cycle.map(nameOfKey);
    addProblem(node.item, {
      critical: true,
      code: node.noun === 'service' ? 'SERVICE_RECURSION' : 'MIDDLEWARE_RECURSION',
      path: node.path,
      message: `could not instantiate ${node.noun} ${names[0]}: recursion detected in ${names.join('->')}`,
    });
  }

  const settled = new Set<string>();
  // Iterative depth-first walk: a node is checked once everything it references is settled.
  for (const root of [...nodes.keys()].sort()) {
    const stack: { key: string; expanded: boolean }[] = [{ key: root, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (settled.has(top.key)) {
        stack.pop();
        continue;
      }
      const node = nodes.get(top.key)!;
      if (!top.expanded) {
        top.expanded = true;
        for (const ref of node.refs) {
          // Loop members are already disabled; walking into them again would not end.
          if (nodes.has(ref.key) && !settled.has(ref.key) && !stack.some((frame) => frame.key === ref.key)) {
            stack.push({ key: ref.key, expanded: false });
          }
        }
        continue;
      }
      stack.pop();
      settled.add(top.key);
      for (const ref of node.refs) {
        // A loop member already says it is in a loop; the other members being disabled is that loop.
        if (cycles.has(top.key) && cycles.has(ref.key)) continue;
        checkReference(node.item, ref, lookup(ref.key));
      }
    }
  }
}

/**
 * A router's `tls.options` must name defined TLS options (`default` always exists); otherwise
 * the router is disabled.
 */
export function checkTlsOptionsReference(item: RuntimeItem<unknown>, tlsOptions: string, defined: ReadonlySet<string> | ReadonlyMap<string, unknown>, path: string): void {
  if (tlsOptions === '' || tlsOptions === 'default' || defined.has(tlsOptions)) return;
  addProblem(item, {
    critical: true, code: 'ROUTER_TLS_OPTIONS_NOT_FOUND', path: `${path}.tls.options`, message: `unknown TLS options: ${tlsOptions}`,
  });
}
