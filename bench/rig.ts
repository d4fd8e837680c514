/**
 * The test rig both benchmark scripts share: tools checked (and installed with --install), a
 * private work folder, the process supervisor, and the two origins. Core 0 runs the load
 * generator and the origins; core 1 runs the proxy under test, alone.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ContenderDeps } from './contenders.ts';
import { startOrigins } from './origins.ts';
import type { OriginAddress } from './proxy-configs.ts';
import { createSupervisor } from './supervisor.ts';
import type { Supervisor } from './supervisor.ts';
import { findTools, installTools, missingToolsMessage, toolVersion } from './tools.ts';
import type { Tool, ToolPaths } from './tools.ts';
import { BENCH_HOST } from './traefik-config.ts';

/** wrk and the origins. */
export const LOAD_CPU = 0;
/** The proxy under test. */
export const PROXY_CPU = 1;

export const REPO_ROOT = resolve(import.meta.dirname, '..');

export interface Rig {
  readonly supervisor: Supervisor;
  readonly workdir: string;
  readonly tools: ToolPaths;
  readonly origins: readonly OriginAddress[];
  /** The pinned Node 24 runtime. */
  readonly node: string;
  /** Stops every process and removes the work folder. */
  dispose(): Promise<void>;
}

/** Thrown when the machine cannot run the benchmark; the message says what to do. */
export class RigError extends Error {}

/**
 * Checks tools (installing them with `install`), then starts the origins. Every tool in
 * `tools` is required; wrk, taskset and nginx (the origins) always are.
 */
export async function setUpRig(tools: readonly Tool[], install: boolean): Promise<Rig> {
  if (availableParallelism() < 2) {
    throw new RigError(`bench: needs 2 cores (load generator on core ${LOAD_CPU}, proxy on core ${PROXY_CPU}); this machine offers ${availableParallelism()}`);
  }
  const required: Tool[] = ['wrk', 'taskset', 'nginx', ...tools];
  let { found, missing } = findTools(required);
  if (missing.length > 0) {
    if (!install) throw new RigError(missingToolsMessage(missing));
    installTools(missing);
    ({ found, missing } = findTools(required));
    if (missing.length > 0) throw new RigError(`bench: still missing after install: ${missing.join(', ')}`);
  }
  const workdir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const removeWorkdir = (): void => rmSync(workdir, { recursive: true, force: true });
  const supervisor = createSupervisor(found.taskset!, removeWorkdir);
  const dispose = async (): Promise<void> => {
    await supervisor.stopAll();
    removeWorkdir();
  };
  try {
    const origins = await startOrigins({ supervisor, workdir, nginx: found.nginx!, cpu: LOAD_CPU, host: BENCH_HOST });
    const pinned = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');
    return { supervisor, workdir, tools: found, origins, node: existsSync(pinned) ? pinned : process.execPath, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** What contenders need from the rig; `switchyardBin` is resolved against the repository. */
/**
 * Sets up the rig, runs `body` on it and tears it down; errors become a message through `log`
 * and exit status 1.
 */
export async function withRig(tools: readonly Tool[], install: boolean, log: (line: string) => void, body: (rig: Rig) => Promise<number>): Promise<number> {
  let rig: Rig;
  try {
    rig = await setUpRig(tools, install);
  } catch (err) {
    log(err instanceof RigError ? err.message : `bench: could not set up the origins: ${(err as Error).message}`);
    return 1;
  }
  try {
    return await body(rig);
  } catch (err) {
    log(`bench: ${(err as Error).message}`);
    return 1;
  } finally {
    await rig.dispose();
  }
}

export function contenderDeps(rig: Rig, switchyardBin: string, routerCount: number): ContenderDeps {
  return {
    supervisor: rig.supervisor,
    workdir: rig.workdir,
    tools: rig.tools,
    origins: rig.origins,
    cpu: PROXY_CPU,
    node: rig.node,
    repoRoot: REPO_ROOT,
    switchyardBin: resolve(REPO_ROOT, switchyardBin),
    routerCount,
  };
}

/** Writes `text` to `path` (relative to the repository), creating folders; returns the absolute path. */
export function saveReport(path: string, text: string): string {
  const out = resolve(REPO_ROOT, path);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  return out;
}

function gitCommit(): string {
  const result = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'bin'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return `${result.stdout.trim()}${dirty.stdout?.trim() ? ' (src/ or bin/ modified)' : ''}`;
}

function kernel(): string {
  try {
    return readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** Facts for the report header: machine, load, versions. */
export function machineFacts(rig: Rig): [string, string][] {
  const versions: string[] = [];
  const add = (label: string, tool: Tool, args: string[], pattern: RegExp): void => {
    const path = rig.tools[tool];
    if (path === undefined) return;
    const line = toolVersion(path, args);
    versions.push(`${label} ${pattern.exec(line)?.[1] ?? line}`);
  };
  add('nginx', 'nginx', ['-v'], /nginx\/(\S+)/);
  add('HAProxy', 'haproxy', ['-v'], /version (\S+)/);
  add('Caddy', 'caddy', ['version'], /^v?(\S+)/);
  add('wrk', 'wrk', ['-v'], /wrk (?:debian\/)?(\S+)/);
  const nodeVersion = toolVersion(rig.node, ['--version']);
  return [
    ['date', new Date().toISOString().replace(/\.\d+Z$/, 'Z')],
    ['machine', `${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}, Linux ${kernel()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start`],
    ['pinning', `wrk and both origins (nginx, 1 worker each) on core ${LOAD_CPU}; the proxy under test alone on core ${PROXY_CPU}`],
    ['versions', [...versions, `Node ${nodeVersion} (pinned; bare relay and Switchyard)`].join(', ')],
    ['commit', gitCommit()],
  ];
}
