/**
 * Test support: runs the real `bin/switchyard` as a child process and follows its JSON log, so
 * tests wait for events (listening, configuration applied, phases of a stop) instead of
 * sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const launcher = join(projectRoot, 'bin', 'switchyard');

export interface LogLine {
  readonly level?: number | string;
  readonly message?: string;
  readonly [key: string]: unknown;
}

export interface SwitchyardProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  /** Resolves with the first log line (past or future) satisfying `predicate`. */
  waitFor(predicate: (line: LogLine) => boolean, what?: string): Promise<LogLine>;
  /** Entry point name → `host:port` from the "entry point listening" lines. */
  readonly ports: Map<string, number>;
  /** Number of "configuration applied" lines seen so far. */
  applied(): number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly stderr: () => string;
}

/** Creates a temporary directory with the given files and returns its path. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/**
 * Starts switchyard with `args`, waits until every named entry point listens. `workers` runs
 * that many worker processes (SWITCHYARD_WORKERS); without it the variable the tests run with
 * applies, so `SWITCHYARD_WORKERS=2 node --test test/` runs every end-to-end test on workers.
 */
export async function startSwitchyard(args: string[], entryPoints: string[], options: { cwd?: string; env?: Record<string, string>; workers?: number } = {}): Promise<SwitchyardProcess> {
  const child = spawn(launcher, args, {
    cwd: options.cwd ?? projectRoot,
    env: { ...process.env, ...options.env, ...(options.workers !== undefined ? { SWITCHYARD_WORKERS: String(options.workers) } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: { predicate: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  const ports = new Map<string, number>();
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const rl = createInterface({ input: child.stdout! });
  rl.on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { message: text };
    }
    lines.push(line);
    if (line.message === 'entry point listening' && typeof line.entryPoint === 'string' && typeof line.port === 'number') {
      ports.set(line.entryPoint, line.port);
    }
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.predicate(line)) {
        waiters[i]!.resolve(line);
        waiters.splice(i, 1);
      }
    }
  });
  const exited = once(child, 'exit');
  const proc: SwitchyardProcess = {
    child,
    lines,
    ports,
    stderr: () => stderr,
    applied: () => lines.filter((l) => l.message === 'configuration applied').length,
    waitFor(predicate, what = 'log line') {
      const seen = lines.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exited.then(() => reject(new Error(`switchyard exited before ${what}; stderr:\n${stderr}\nstdout:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`)));
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
  for (const ep of entryPoints) {
    await proc.waitFor((l) => l.message === 'entry point listening' && l.entryPoint === ep, `entry point ${ep}`);
  }
  // The first configuration that includes the file provider (the internal one may come first).
  await proc.waitFor((l) => l.message === 'configuration applied' && Array.isArray(l.providers) && l.providers.includes('file'),
    'the first configuration with the file provider');
  return proc;
}

/** A static configuration that listens on port 0 for `web` (and `traefik` for the API). */
export function staticConfig(dynamicFile: string, extra = ''): string {
  return `entryPoints:
  web:
    address: "127.0.0.1:0"
  traefik:
    address: "127.0.0.1:0"
providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(dynamicFile)}
    watch: true
api:
  insecure: true
ping: {}
log:
  level: INFO
  format: json
${extra}`;
}

/**
 * A static configuration with two entry points on port 0: `web`, which trusts no peer, and
 * `trusted`, which keeps the X-Forwarded-* headers 127.0.0.1 (the tests' client) sends.
 * `moreEntryPoints` is YAML for further entry points, indented as `web` is.
 */
export function trustedStaticConfig(dynamicFile: string, moreEntryPoints = ''): string {
  return `entryPoints:
  web:
    address: "127.0.0.1:0"
  trusted:
    address: "127.0.0.1:0"
    forwardedHeaders:
      trustedIPs: ["127.0.0.1/32"]
${moreEntryPoints}providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(dynamicFile)}
log:
  level: INFO
  format: json
`;
}

/**
 * A static configuration with the given entry points (YAML lines under `entryPoints:`, each
 * indented by two spaces), the file provider on `dynamicFile` with no throttle, and the JSON log
 * the tests follow.
 */
export function staticWithEntryPoints(dynamicFile: string, entryPoints: string, options: { watch?: boolean } = {}): string {
  return `entryPoints:
${entryPoints}providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(dynamicFile)}
    watch: ${options.watch === true}
log:
  level: INFO
  format: json
`;
}

/** Listens on 127.0.0.1 port 0 and returns the port. */
export async function listenOnLoopback(server: import('node:net').Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

/** A dynamic configuration with one catch-all router to one server. */
export function catchAllTo(serverUrl: string, path = '/'): string {
  return `
http:
  routers:
    all:
      rule: "PathPrefix(\`${path}\`)"
      service: origin
  services:
    origin:
      loadBalancer:
        servers: [{url: "${serverUrl}"}]
`;
}

/**
 * Writes `dynamic` and a static configuration (staticConfig() unless given) into a temporary
 * directory and starts switchyard on them. Returns the process and the directory.
 */
export async function startWithDynamic(dynamic: string, entryPoints: string[], staticText?: (dynamicFile: string) => string): Promise<{ sy: SwitchyardProcess; dir: string }> {
  const dir = tempDir();
  const dynamicFile = join(dir, 'dynamic.yml');
  writeFileSync(dynamicFile, dynamic);
  writeFileSync(join(dir, 'static.yml'), (staticText ?? staticConfig)(dynamicFile));
  const sy = await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`], entryPoints);
  return { sy, dir };
}
