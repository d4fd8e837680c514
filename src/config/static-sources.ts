/**
 * The command line and the environment as static configuration sources, read as Traefik reads
 * them: `--entryPoints.web.address=:8000`, bare `--api.insecure` (= true), comma lists;
 * `TRAEFIK_ENTRYPOINTS_WEB_ADDRESS=:8000` (and Switchyard's own `SWITCHYARD_` prefix, which wins).
 * Keys are case-insensitive (matched by the schemas); names keep the case written in flags
 * and are lower-case from the environment.
 */
import type { Diagnostic } from './diagnostics.ts';
import { setTreeValue, splitDottedKey, type ConfigTree } from './config-tree.ts';

/** Flags Switchyard itself takes, which are not static configuration keys. */
export const ownFlags = ['configFile', 'workers'] as const;

/** The command line split into Switchyard's own flags and the configuration tree. */
export interface ParsedFlags {
  readonly configFile: string | undefined;
  /** `--workers=N` (static-workers.ts): read whatever source the configuration comes from. */
  readonly workers: string | undefined;
  readonly tree: ConfigTree;
  /** Number of configuration flags (own flags excluded). */
  readonly count: number;
  readonly diagnostics: Diagnostic[];
}

/** Reads `--key=value`, `--key` (true) and `--configFile path` from `argv` (without node and script). */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const tree: ConfigTree = {};
  const diagnostics: Diagnostic[] = [];
  let configFile: string | undefined;
  let workers: string | undefined;
  let count = 0;
  const error = (message: string): void => {
    diagnostics.push({ severity: 'error', code: 'STATIC_INVALID_FLAG', resource: 'command line', path: '', message });
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const flag = /^--?([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    if (flag === null) {
      error(`unexpected argument "${arg}"; flags are written --key=value`);
      continue;
    }
    const key = flag[1]!;
    let value = flag[2];
    if (key.toLowerCase() === 'configfile') {
      if (value === undefined && i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) value = argv[++i];
      if (value === undefined || value === '') error('--configFile needs a path: --configFile=/etc/traefik/traefik.yml');
      else configFile = value;
      continue;
    }
    if (key.toLowerCase() === 'workers') {
      workers = value ?? '';
      continue;
    }
    const path = splitDottedKey(key);
    if (path === null) {
      error(`malformed flag "${arg}"; expected --section.key=value`);
      continue;
    }
    setTreeValue(tree, path, value ?? 'true');
    count++;
  }
  return { configFile, workers, tree, count, diagnostics };
}

/**
 * Reads prefixed environment variables into a tree. Only variables whose first key after the
 * prefix is in `roots` are read: Traefik ignores the rest, which matters on Kubernetes where a
 * Service named `traefik` injects `TRAEFIK_PORT`, `TRAEFIK_SERVICE_HOST`, ….
 */
export function readEnvironment(
  env: Readonly<Record<string, string | undefined>>, prefix: string, roots: readonly string[],
): { tree: ConfigTree; count: number } {
  const tree: ConfigTree = {};
  const known = new Set(roots.map((root) => root.toLowerCase()));
  let count = 0;
  const names = Object.keys(env).filter((name) => name.toUpperCase().startsWith(prefix)).sort();
  for (const name of names) {
    const value = env[name];
    if (value === undefined) continue;
    const parts = name.slice(prefix.length).toLowerCase().split('_');
    if (parts.some((part) => part === '') || !known.has(parts[0]!)) continue;
    setTreeValue(tree, parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part)), value);
    count++;
  }
  return { tree, count };
}

/** Overlays `over` onto `base` (leaves of `over` win), returning a new tree. */
export function mergeTrees(base: ConfigTree, over: ConfigTree): ConfigTree {
  const out: ConfigTree = structuredClone(base);
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        visit(child, [...path, Array.isArray(node) ? Number(key) : key]);
      }
    } else {
      setTreeValue(out, path, node);
    }
  };
  visit(over, []);
  return out;
}
