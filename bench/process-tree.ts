/**
 * Resident memory of a process and all its descendants (nginx master + worker, a launcher
 * script's children), read from /proc. Summing the tree keeps contenders comparable whatever
 * their process layout.
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

/** Sum of VmRSS over `root` and its descendants, in KiB; undefined when `root` is gone. */
export function readTreeRssKiB(root: number): number | undefined {
  const rootRss = readRssKiB(root);
  if (rootRss === undefined) return undefined;
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
  let total = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += readRssKiB(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}
