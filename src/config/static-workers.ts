/**
 * The static `workers` key (Switchyard): how many worker processes serve the entry points.
 * Unlike every other static key it may also come from `--workers=N` or `SWITCHYARD_WORKERS`
 * whatever source holds the rest of the configuration, so that one configuration file can run
 * with one worker or several (and the end-to-end suite can run with `SWITCHYARD_WORKERS=2`).
 */
import { availableParallelism } from 'node:os';
import type { Diagnostic } from './diagnostics.ts';
import { int } from './scalar-schemas.ts';

/** The most worker processes one Switchyard runs. */
export const maxWorkers = 256;

/** `workers`: 1 (one process does everything), N > 1 worker processes, or 0 for one per core. */
export const workersSchema = int({ min: 0, max: maxWorkers });

/**
 * Reads the `--workers` flag value or `SWITCHYARD_WORKERS` (the flag wins) into a worker count,
 * a diagnostic when the value is not one, or undefined when neither is given.
 */
export function workersOverride(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): number | Diagnostic | undefined {
  const fromFlag = flag !== undefined;
  const text = fromFlag ? flag : env['SWITCHYARD_WORKERS'];
  if (text === undefined || text === '') return undefined;
  const parsed = workersSchema.safeParse(text);
  if (parsed.success) return parsed.data;
  return {
    severity: 'error',
    code: 'STATIC_INVALID_WORKERS',
    resource: fromFlag ? 'command line' : 'environment',
    path: 'workers',
    message: `${fromFlag ? '--workers' : 'SWITCHYARD_WORKERS'} must be an integer between 0 (one per core) and ${maxWorkers}, got "${text}"`,
  };
}

/** The number of worker processes `workers` asks for: 0 becomes the machine's cores. */
export function workerCount(workers: number): number {
  return workers === 0 ? availableParallelism() : workers;
}
