/**
 * The external programs the benchmark drives, where they are, and how to install them
 * (Debian/Ubuntu packages through apt-get, only with `--install`).
 */
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';

export type Tool = 'wrk' | 'taskset' | 'nginx' | 'haproxy' | 'caddy';

/** Absolute paths of the tools that were found. */
export type ToolPaths = Partial<Record<Tool, string>>;

// nginx lives in /usr/sbin, which a non-root PATH often lacks.
const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** Finds an executable on PATH (plus the sbin folders); undefined when absent. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS].filter((d) => d !== '');
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function findTools(tools: readonly Tool[]): { found: ToolPaths; missing: Tool[] } {
  const found: ToolPaths = {};
  const missing: Tool[] = [];
  for (const tool of new Set(tools)) {
    const path = findExecutable(tool);
    if (path === undefined) missing.push(tool);
    else found[tool] = path;
  }
  return { found, missing };
}

/** Whether apt knows a package (needs a fresh `apt-get update`). */
function aptHasPackage(name: string): boolean {
  const result = spawnSync('apt-cache', ['show', '--no-all-versions', name], { stdio: 'ignore' });
  return result.status === 0;
}

/** The Debian package that provides `tool`. nginx-light is gone from newer releases. */
function packageFor(tool: Tool): string {
  switch (tool) {
    case 'wrk':
      return 'wrk';
    case 'taskset':
      return 'util-linux';
    case 'nginx':
      return aptHasPackage('nginx-light') ? 'nginx-light' : 'nginx';
    case 'haproxy':
      return 'haproxy';
    case 'caddy':
      return 'caddy';
    default: {
      const unreachable: never = tool;
      throw new Error(`no package for ${String(unreachable)}`);
    }
  }
}

/** The message printed when tools are missing and `--install` was not given. */
export function missingToolsMessage(missing: readonly Tool[]): string {
  return [
    `bench: missing tools: ${missing.join(', ')}.`,
    '  Install them with:   npm run bench -- --install',
    '  or by hand (Debian/Ubuntu, as root):  apt-get update && apt-get install -y ' +
      missing.map((t) => (t === 'nginx' ? 'nginx-light (or nginx)' : t === 'taskset' ? 'util-linux' : t)).join(' '),
    '  or leave contenders out with --only=name,name (nginx is always needed: it serves the origins).',
  ].join('\n');
}

/**
 * Installs the packages for `missing` with apt-get (through sudo when not root). Output goes
 * to the terminal. Throws when apt-get is unavailable or fails.
 */
export function installTools(missing: readonly Tool[]): void {
  if (findExecutable('apt-get') === undefined) {
    throw new Error(`bench: --install needs apt-get (Debian/Ubuntu); install ${missing.join(', ')} by hand`);
  }
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && findExecutable('sudo') === undefined) {
    throw new Error('bench: --install needs root or sudo to run apt-get');
  }
  const run = (args: string[]): void => {
    const [file, argv] = asRoot ? ['apt-get', args] : ['sudo', ['apt-get', ...args]];
    process.stderr.write(`bench: ${asRoot ? '' : 'sudo '}apt-get ${args.join(' ')}\n`);
    const result = spawnSync(file, argv, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) throw new Error(`bench: apt-get ${args[0]} failed (exit ${String(result.status)})`);
  };
  run(['update', '-q']);
  run(['install', '-y', '-q', ...new Set(missing.map(packageFor))]);
}

/** First line of `<tool> <versionFlag>` output (stdout or stderr), for the report header. */
export function toolVersion(path: string, args: readonly string[]): string {
  const result = spawnSync(path, args, { encoding: 'utf8', timeout: 5000 });
  const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown';
}
