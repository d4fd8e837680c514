/**
 * Finds reference cycles (a chain that includes itself, a weighted service that is its own
 * child two levels down, …) in a graph of named items. Every item on a cycle is reported with
 * the cycle as seen from it, so each one's diagnostic reads naturally.
 */

/**
 * Returns, for every node that lies on a cycle, one cycle through it as a path that starts and
 * ends with the node (`[a, b, a]`). `edges` maps each node to the nodes it references; edges to
 * unknown nodes are ignored. Deterministic: nodes and edges are visited in sorted order.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const cycles = new Map<string, string[]>();
  for (const component of stronglyConnectedComponents(edges)) {
    const members = new Set(component);
    const onlyNode = component[0]!;
    if (component.length === 1 && !(edges.get(onlyNode) ?? []).includes(onlyNode)) continue;
    // One search finds a cycle; its members see it rotated, the others get a search of their own.
    const first = shortestCycle(onlyNode, edges, members);
    const ring = first.slice(0, -1);
    ring.forEach((node, i) => cycles.set(node, [...ring.slice(i), ...ring.slice(0, i), node]));
    for (const node of component) if (!cycles.has(node)) cycles.set(node, shortestCycle(node, edges, members));
  }
  return cycles;
}

/** Tarjan's algorithm, iterative so a long chain cannot overflow the stack. */
function stronglyConnectedComponents(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const targets = (node: string): string[] => [...new Set(edges.get(node) ?? [])].filter((t) => edges.has(t)).sort();

  for (const root of [...edges.keys()].sort()) {
    if (index.has(root)) continue;
    const work: { node: string; targets: string[]; at: number }[] = [];
    const open = (node: string): void => {
      index.set(node, next);
      low.set(node, next);
      next++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, targets: targets(node), at: 0 });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.at < frame.targets.length) {
        const target = frame.targets[frame.at++]!;
        if (!index.has(target)) open(target);
        else if (onStack.has(target)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component.sort());
      }
    }
  }
  return components;
}

/** Breadth-first search from `start` back to itself inside its component. */
function shortestCycle(start: string, edges: ReadonlyMap<string, readonly string[]>, members: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const target of [...(edges.get(node) ?? [])].sort()) {
      if (!members.has(target)) continue;
      if (target === start) {
        const chain: string[] = [];
        for (let at = node; at !== start; at = previous.get(at)!) chain.unshift(at);
        return [start, ...chain, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
