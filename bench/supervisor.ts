/**
 * Owns every process the benchmark starts, so that none outlives it: normal end, an error,
 * Ctrl-C or SIGTERM all end in `stopAll()`, and a synchronous SIGKILL sweep runs on `exit` as
 * the last resort.
 *
 * Each child gets its own process group (`detached`), and signals go to the whole group: that
 * reaches nginx's workers and anything a launcher script started, and keeps the terminal's
 * Ctrl-C from hitting children before we decide the order of shutdown.
 */
import { spawn } from 'node:child_process';

/** A process started by the supervisor. */
export interface Supervised {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Whether the process has exited. */
  hasExited(): boolean;
  /** The last few KiB of its stdout and stderr, for error messages. */
  outputTail(): string;
}

export interface SpawnOptions {
  /** Pin the process (and its threads and children) to this CPU with `taskset -c`. */
  readonly cpu?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

export interface Supervisor {
  spawn(name: string, command: string, args: readonly string[], options?: SpawnOptions): Supervised;
  /** SIGTERM to every live group, then SIGKILL to the ones still there after `graceMs`. */
  stopAll(graceMs?: number): Promise<void>;
  /** Stops one process the same way. */
  stop(child: Supervised, graceMs?: number): Promise<void>;
  /** Whether a signal is shutting everything down (failures after it are expected). */
  interrupted(): boolean;
}

const TAIL_BYTES = 16_384;

/**
 * Creates a supervisor and hooks it to SIGINT, SIGTERM and `exit`. `onInterrupt` runs after
 * the children are stopped on a signal (to remove temporary files), then the process exits
 * with 130 (SIGINT) or 143 (SIGTERM).
 */
export function createSupervisor(tasksetPath: string, onInterrupt: () => void): Supervisor {
  const live = new Map<number, Supervised>();

  const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  const stop = async (supervised: Supervised, graceMs = 3000): Promise<void> => {
    if (supervised.hasExited()) {
      signalGroup(supervised.pid, 'SIGKILL'); // children it may have left in its group
      live.delete(supervised.pid);
      return;
    }
    signalGroup(supervised.pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([supervised.exited, timedOut]);
    clearTimeout(timer);
    // Even after a clean exit, a worker may linger in the group for a moment.
    signalGroup(supervised.pid, 'SIGKILL');
    if (outcome === 'timeout') await supervised.exited;
    live.delete(supervised.pid);
  };

  const stopAll = async (graceMs = 3000): Promise<void> => {
    await Promise.all([...live.values()].map((supervised) => stop(supervised, graceMs)));
  };

  const spawnSupervised = (
    name: string,
    command: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ): Supervised => {
    const [file, argv] =
      options.cpu === undefined ? [command, [...args]] : [tasksetPath, ['-c', String(options.cpu), command, ...args]];
    const child = spawn(file, argv, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
    });
    if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
    const pid = child.pid;
    let tail = '';
    const keepTail = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    let exitedFlag = false;
    const exited = new Promise<number | string>((resolve) => {
      child.on('exit', (code, signal) => {
        exitedFlag = true;
        resolve(code ?? signal ?? 'unknown');
      });
      child.on('error', (err) => {
        exitedFlag = true;
        keepTail(Buffer.from(`\n${err.message}\n`));
        resolve('spawn-error');
      });
    });
    const supervised: Supervised = {
      name,
      pid,
      exited,
      hasExited: () => exitedFlag,
      outputTail: () => tail.trim(),
    };
    // The entry stays after exit until stop() sweeps the group: a launcher may exit and leave
    // its children behind in it.
    live.set(pid, supervised);
    return supervised;
  };

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\nbench: ${signal} — stopping everything it started\n`);
    void stopAll(1000).finally(() => {
      onInterrupt();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  // `on`, not `once`: a second Ctrl-C while stopping must not kill us before the children.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Last resort (uncaught exception, process.exit elsewhere): only synchronous calls work here.
  process.once('exit', () => {
    for (const pid of live.keys()) signalGroup(pid, 'SIGKILL');
  });

  return { spawn: spawnSupervised, stopAll, stop, interrupted: () => interrupted };
}
