/**
 * Builds a configuration tree from flat `a.b[0].c = value` assignments (CLI flags and
 * environment variables), the shape the schemas then validate.
 */
import { isPlainObject } from './config-object.ts';

/** A raw configuration tree: nested maps and lists of strings. */
export type ConfigTree = Record<string, unknown>;

/**
 * Sets `value` at `path` in `tree`, creating maps (string keys) and lists (number keys). A
 * scalar in the way of a deeper key is replaced by a map: `--api=true --api.insecure=true`
 * means an enabled `api` section with `insecure` set.
 */
export function setTreeValue(tree: ConfigTree, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = tree;
  path.forEach((key, index) => {
    const last = index === path.length - 1;
    const slot = (node as Record<string | number, unknown>);
    if (last) {
      const existing = slot[key];
      // Keep a section already opened by a deeper key; `true` on it adds nothing.
      if (!(isPlainObject(existing) && (value === 'true' || value === true))) slot[key] = value;
      return;
    }
    const wantList = typeof path[index + 1] === 'number';
    let child = slot[key];
    if (wantList ? !Array.isArray(child) : !isPlainObject(child)) {
      child = wantList ? [] : {};
      slot[key] = child;
    }
    node = child as Record<string, unknown> | unknown[];
  });
}

/** Splits `entryPoints.web.http.tls.domains[0].main` into keys and list indexes. */
export function splitDottedKey(key: string): (string | number)[] | null {
  const out: (string | number)[] = [];
  for (const part of key.split('.')) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (match === null) return null;
    out.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}
