/**
 * Process trees from /proc: the processes below a root, and their resident memory summed
 * (nginx master + worker, a launcher script's children). Summing the tree keeps contenders
 * comparable whatever their process layout.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** VmRSS of one process in KiB; undefined when it is gone. */
export function readRssKiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Parent pid from /proc/<pid>/stat (the field after the parenthesised command name). */
function readParentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** `root` and every process below it (a snapshot of /proc). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const parent = readParentPid(pid);
    if (parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  const found: number[] = [];
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    found.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Sum of VmRSS over `root` and its descendants, in KiB; undefined when `root` is gone. */
export function readTreeRssKiB(root: number): number | undefined {
  if (readRssKiB(root) === undefined) return undefined;
  return descendants(root).reduce((sum, pid) => sum + (readRssKiB(pid) ?? 0), 0);
}
