/**
 * Starts one worker process: the same program (src/main.ts) on the same Node, forked with an
 * IPC channel using structured-clone serialization, stdout and stderr shared with the control
 * plane (log lines are single writes, so lines from several processes do not interleave).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from './worker-messages.ts';

/** Set in a worker's environment to its id; main.ts runs the worker side when it is there. */
export const workerIdVariable = 'SWITCHYARD_WORKER_ID';

/** The control plane's handle on one worker process. */
export interface WorkerChannel {
  readonly pid: number;
  /** Posts a message; false when the channel is closed (the worker is gone). */
  send(message: ToWorker): boolean;
  onMessage(listener: (message: FromWorker) => void): void;
  /** Called once when the process exited. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  kill(signal: NodeJS.Signals): void;
}

const mainModule = fileURLToPath(new URL('../../main.ts', import.meta.url));

/** Forks worker `id`. */
export function spawnWorker(id: number): WorkerChannel {
  const child = fork(mainModule, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [workerIdVariable]: String(id) },
    // An inspector port can be bound once: a debugged control plane starts its workers without it.
    execArgv: process.execArgv.filter((arg) => !arg.startsWith('--inspect')),
  });
  // A send to a worker that just died fails asynchronously; its exit is handled on 'exit'.
  child.on('error', () => undefined);
  return {
    pid: child.pid ?? 0,
    send(message) {
      if (!child.connected) return false;
      child.send(message, (err) => {
        if (err !== null && err !== undefined) child.emit('error', err);
      });
      return true;
    },
    onMessage(listener) {
      child.on('message', (m) => listener(m as FromWorker));
    },
    onExit(listener) {
      child.once('exit', listener);
    },
    kill(signal) {
      child.kill(signal);
    },
  };
}
