/**
 * One measurement: warm-up load, then the measured wrk run, then the proxy's RSS.
 */
import type { RunningContender } from './contenders.ts';
import { LOOPBACK } from './free-port.ts';
import { readTreeRssKiB } from './process-rss.ts';
import type { Measurement } from './report.ts';
import { LOAD_CPU } from './rig.ts';
import type { Rig } from './rig.ts';
import { bodyPath } from './scenarios.ts';
import type { Scenario } from './scenarios.ts';
import { BENCH_HOST } from './traefik-config.ts';
import { runWrk } from './wrk.ts';

export interface LoadSettings {
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
}

export async function measure(
  rig: Rig,
  running: RunningContender,
  scenario: Scenario,
  settings: LoadSettings,
  key: string = running.name,
): Promise<Measurement> {
  const run = {
    wrk: rig.tools.wrk!,
    cpu: LOAD_CPU,
    url: `http://${LOOPBACK}:${running.port}${bodyPath(scenario.bodyBytes)}`,
    host: BENCH_HOST,
    connections: scenario.connections,
  };
  if (settings.warmupSeconds > 0) {
    // Warm-up: JIT, connection pools to the origins, buffers. Its numbers are thrown away.
    await runWrk(rig.supervisor, { ...run, durationSeconds: settings.warmupSeconds });
  }
  const result = await runWrk(rig.supervisor, { ...run, durationSeconds: settings.durationSeconds });
  if (running.process?.hasExited()) {
    throw new Error(`${running.name} exited during the run${running.process.outputTail() ? `:\n${running.process.outputTail()}` : ''}`);
  }
  const rssKiB = running.process === undefined ? undefined : readTreeRssKiB(running.process.pid);
  return { contender: key, scenario, result, rssKiB };
}

/** `nginx · 100 B/50 · 41,234 req/s · p99 2.10 ms · errors 0` — progress line for stderr. */
export function progressLine(m: Measurement, label: string): string {
  const e = m.result.errors;
  const errors = e.connect + e.read + e.write + e.timeout + e.non2xx;
  return (
    `  ${label.padEnd(12)} ${String(m.scenario.bodyBytes).padStart(5)} B × ${String(m.scenario.connections).padStart(3)} conns: ` +
    `${Math.round(m.result.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s, ` +
    `p50 ${m.result.p50Ms.toFixed(2)} ms, p99 ${m.result.p99Ms.toFixed(2)} ms, errors ${errors}` +
    (m.rssKiB === undefined ? '' : `, RSS ${(m.rssKiB / 1024).toFixed(1)} MiB`)
  );
}
