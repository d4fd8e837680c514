/**
 * One measurement: wait for a quiet machine, warm-up load, the measured wrk run (with the CPU
 * other processes used meanwhile), then the proxy's RSS.
 */
import type { RunningContender } from './contenders.ts';
import { elapsedTicks, foreignCores, sampleCpu, treeTicks, waitForQuiet } from './cpu-accounting.ts';
import { errorLine } from './http-probe.ts';
import { LOOPBACK } from './free-port.ts';
import { readTreeRssKiB } from './process-tree.ts';
import type { Measurement } from './report.ts';
import { LOAD_CPU } from './rig.ts';
import type { Rig } from './rig.ts';
import { bodyPath } from './scenarios.ts';
import type { Scenario } from './scenarios.ts';
import { BENCH_HOST } from './traefik-config.ts';
import { runWrk } from './wrk.ts';
import type { WrkRequestShape } from './wrk.ts';

export interface LoadSettings {
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Before a run, wait up to this long for other processes to use less than `quietCores`. */
  readonly quietWaitSeconds: number;
  readonly quietCores: number;
  /** Runs disturbed by other processes (≥ `quietCores`) are done again up to this many times. */
  readonly noisyRetries: number;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Measures `running` in `scenario`, the requests shaped by `shape` (plain GETs with Host by
 * default). A run during which other processes used `quietCores` or more is done again (up to
 * `noisyRetries` times); the least disturbed attempt is returned.
 */
export async function measure(
  rig: Rig,
  running: RunningContender,
  scenario: Scenario,
  settings: LoadSettings,
  key: string = running.name,
  shape: WrkRequestShape = {},
): Promise<Measurement> {
  let best: Measurement | undefined;
  for (let attempt = 0; attempt <= settings.noisyRetries; attempt++) {
    const m = await measureOnce(rig, running, scenario, settings, key, shape);
    if (best === undefined || m.otherCores < best.otherCores) best = m;
    if (m.otherCores < settings.quietCores) break;
    if (attempt < settings.noisyRetries) {
      log(`bench: ${key}: other processes used ${m.otherCores.toFixed(2)} cores during the run; running it again`);
    }
  }
  return best!;
}

async function measureOnce(
  rig: Rig,
  running: RunningContender,
  scenario: Scenario,
  settings: LoadSettings,
  key: string,
  shape: WrkRequestShape,
): Promise<Measurement> {
  const run = {
    wrk: rig.tools.wrk!,
    cpu: LOAD_CPU,
    url: `http://${LOOPBACK}:${running.port}${bodyPath(scenario.bodyBytes)}`,
    host: BENCH_HOST,
    connections: scenario.connections,
    ...shape,
  };
  if (settings.quietWaitSeconds > 0) {
    const load = await waitForQuiet(settings.quietCores, settings.quietWaitSeconds * 1000, (cores) =>
      log(`bench: other processes use ${cores.toFixed(2)} cores; waiting up to ${settings.quietWaitSeconds} s for a quieter machine`),
    );
    if (load >= settings.quietCores) log(`bench: still ${load.toFixed(2)} cores of other load; measuring anyway (see the "other load" column)`);
  }
  if (settings.warmupSeconds > 0) {
    // Warm-up: JIT, connection pools to the origins, buffers. Its numbers are thrown away.
    await runWrk(rig.supervisor, { ...run, durationSeconds: settings.warmupSeconds }).catch(async (err: unknown) => {
      throw (await crashed(running)) ?? err;
    });
  }
  const proxyPid = running.process?.pid;
  const before = sampleCpu();
  const proxyBefore = proxyPid === undefined ? 0 : treeTicks(proxyPid);
  const result = await runWrk(rig.supervisor, { ...run, durationSeconds: settings.durationSeconds }).catch(async (err: unknown) => {
    throw (await crashed(running)) ?? err;
  });
  const proxyAfter = proxyPid === undefined ? 0 : treeTicks(proxyPid);
  const after = sampleCpu();
  const otherCores = foreignCores(before, after);
  // Near 1.0: the proxy used its whole core, so it (not wrk or the origins) set the pace. Pinned
  // to one core it cannot use more; readings above 1 are tick rounding (10 ms) and are capped.
  const proxyCores =
    proxyPid === undefined ? undefined : Math.min(1, (proxyAfter - proxyBefore) / elapsedTicks(before, after));
  const crash = await crashed(running);
  if (crash) throw crash;
  const rssKiB = running.process === undefined ? undefined : readTreeRssKiB(running.process.pid);
  return { contender: key, scenario, result, rssKiB, otherCores, proxyCores };
}

/** An error naming the exit and the last output when the contender's process has died. */
async function crashed(running: RunningContender): Promise<Error | undefined> {
  const child = running.process;
  if (child === undefined || !child.hasExited()) return undefined;
  const code = await child.exited;
  const output = child.outputTail();
  const headline = errorLine(output);
  return new Error(
    `${running.name} exited (${typeof code === 'number' ? `code ${code}` : code}) during the run${headline ? `: ${headline}` : ''}` +
      (output ? `\n--- output of ${child.name} ---\n${output.split('\n').slice(-15).join('\n')}` : ''),
  );
}

/** `nginx · 100 B/50 · 41,234 req/s · p99 2.10 ms · errors 0` — progress line for stderr. */
export function progressLine(m: Measurement, label: string): string {
  const e = m.result.errors;
  const errors = e.connect + e.read + e.write + e.timeout + e.non2xx;
  return (
    `  ${label.padEnd(12)} ${String(m.scenario.bodyBytes).padStart(5)} B × ${String(m.scenario.connections).padStart(3)} conns: ` +
    `${Math.round(m.result.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s, ` +
    `p50 ${m.result.p50Ms.toFixed(2)} ms, p99 ${m.result.p99Ms.toFixed(2)} ms, errors ${errors}` +
    (m.rssKiB === undefined ? '' : `, RSS ${(m.rssKiB / 1024).toFixed(1)} MiB`) +
    (m.proxyCores === undefined ? '' : `, proxy CPU ${Math.round(m.proxyCores * 100)}%`) +
    `, other load ${m.otherCores.toFixed(2)} cores`
  );
}
