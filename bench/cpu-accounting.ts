/**
 * How much CPU processes other than ours used during a run. The machine is shared: another
 * session's test suite on either core slows the proxy or wrk and makes a number worthless, so
 * each run records the foreign load, and runs wait for a quiet machine before they start.
 *
 * Ours = this harness and every process below it (origins, proxies, wrk — wrk's time arrives
 * in our `cutime` once it is reaped). Foreign = all busy process CPU time (steal included: the
 * host took it; interrupt time left out) minus ours.
 */
import { readFileSync } from 'node:fs';
import { descendants } from './process-tree.ts';

export interface CpuSample {
  /** Busy ticks summed over all CPUs. */
  readonly busy: number;
  /** All ticks summed over all CPUs. */
  readonly total: number;
  readonly cpus: number;
  /** Ticks used by this process tree. */
  readonly ours: number;
}

function readSystemTicks(): { busy: number; total: number; cpus: number } {
  const stat = readFileSync('/proc/stat', 'utf8');
  const lines = stat.split('\n');
  const fields = lines[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  // Interrupt time is left out of "busy": on loopback it is mostly our own traffic, which no
  // process is charged for, and counting it would make every run look disturbed.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + steal;
  const cpus = lines.filter((l) => /^cpu\d+ /.test(l)).length;
  return { busy, total: busy + idle + iowait + irq + softirq, cpus };
}

/** utime + stime (+ cutime + cstime with `withReaped`) of one process, in ticks. */
function processTicks(pid: number, withReaped: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    // After the command name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    return f[11]! + f[12]! + (withReaped ? f[13]! + f[14]! : 0);
  } catch {
    return 0; // exited between listing and reading
  }
}

/** CPU ticks used so far by `root` and the processes below it (live ones). */
export function treeTicks(root: number): number {
  return descendants(root).reduce((sum, pid) => sum + processTicks(pid, false), 0);
}

/** Ticks per CPU that passed between two samples. */
export function elapsedTicks(before: CpuSample, after: CpuSample): number {
  return (after.total - before.total) / after.cpus;
}

export function sampleCpu(): CpuSample {
  const root = process.pid;
  let ours = processTicks(root, true);
  for (const pid of descendants(root)) if (pid !== root) ours += processTicks(pid, false);
  return { ...readSystemTicks(), ours };
}

/** CPU used by other processes between two samples, in cores (0.5 = half a core on average). */
export function foreignCores(before: CpuSample, after: CpuSample): number {
  const elapsedPerCpu = elapsedTicks(before, after);
  if (elapsedPerCpu <= 0) return 0;
  const foreign = after.busy - before.busy - (after.ours - before.ours);
  return Math.max(0, foreign / elapsedPerCpu);
}

/** Foreign load over the next `ms` milliseconds. */
export async function measureForeignLoad(ms: number): Promise<number> {
  const before = sampleCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return foreignCores(before, sampleCpu());
}

/**
 * Waits until other processes use less than `maxCores` (sampled each second), for at most
 * `maxWaitMs`. Returns the last foreign load seen; `onWait` is told when waiting starts.
 */
export async function waitForQuiet(maxCores: number, maxWaitMs: number, onWait: (cores: number) => void): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let load = await measureForeignLoad(500);
  let told = false;
  while (load >= maxCores && Date.now() < deadline) {
    if (!told) onWait(load);
    told = true;
    load = await measureForeignLoad(1000);
  }
  return load;
}
