/**
 * Routing scale: Switchyard with a small (10) and a large (10,000) routing table of host
 * routers under the same load. The requirement is that the large table costs less than 10%
 * of req/s. The benchmarked router has the lowest priority in both tables (see
 * traefik-config.ts), so a table that scans rules in order pays for every decoy.
 *
 * Run: npx node bench/routing-scale.ts [--install] [--repeat=3] [--few=10] [--many=10000]
 */
import { startSwitchyard } from './contenders.ts';
import type { RunningContender } from './contenders.ts';
import { parseRoutingScaleOptions, ROUTING_SCALE_HELP } from './cli-options.ts';
import type { RoutingScaleOptions } from './cli-options.ts';
import { measure, progressLine } from './measure.ts';
import { formatErrors, formatLatency, formatOtherLoad, formatProxyCpu, formatRate, formatRss, NOISY_CORES, summarize } from './report.ts';
import type { Measurement, Summary } from './report.ts';
import { contenderDeps, machineFacts, saveReport, withRig } from './rig.ts';
import type { Rig } from './rig.ts';
import { scenarioMatrix, scenarioTitle } from './scenarios.ts';
import type { Scenario } from './scenarios.ts';

/** Largest accepted req/s loss of the large table against the small one. */
export const MAX_OVERHEAD = 0.1;

const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface Setup {
  readonly key: string;
  readonly routers: number;
  readonly running: RunningContender;
  readonly startupMs: number;
}

/** `(few − many) / few` in req/s: the share of throughput the large table costs. */
export function overhead(few: Summary, many: Summary): number {
  return (few.requestsPerSecond - many.requestsPerSecond) / few.requestsPerSecond;
}

function renderScenario(scenario: Scenario, setups: readonly Setup[], measurements: readonly Measurement[]): { text: string; pass: boolean } {
  const rows = summarize(measurements, scenario);
  const lines = [
    `## ${scenarioTitle(scenario)}`,
    '',
    '| routing table | req/s | p50 | p99 | errors | RSS | start-up | proxy CPU | other load |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const setup of setups) {
    const row = rows.get(setup.key);
    if (row === undefined) continue;
    lines.push(
      `| ${setup.routers.toLocaleString('en-US')} routers | ${formatRate(row.requestsPerSecond)} | ${formatLatency(row.p50Ms)} | ` +
        `${formatLatency(row.p99Ms)} | ${formatErrors(row.errors)} | ${formatRss(row.rssKiB)} | ${setup.startupMs} ms | ` +
        `${formatProxyCpu(row.proxyCores)} | ${formatOtherLoad(row.otherCores)} |`,
    );
  }
  const few = rows.get(setups[0]!.key);
  const many = rows.get(setups[1]!.key);
  if (few === undefined || many === undefined) return { text: [...lines, '', 'Overhead: not measured.', ''].join('\n'), pass: false };
  const value = overhead(few, many);
  const pass = value < MAX_OVERHEAD;
  lines.push(
    '',
    `Overhead of ${setups[1]!.routers.toLocaleString('en-US')} vs ${setups[0]!.routers.toLocaleString('en-US')} routers: ` +
      `**${(value * 100).toFixed(1)}%** of req/s (requirement < ${MAX_OVERHEAD * 100}%): **${pass ? 'PASS' : 'FAIL'}**` +
      (value < 0 ? ' — the large table measured faster: no overhead within the noise' : ''),
    '',
  );
  return { text: lines.join('\n'), pass };
}

async function compare(rig: Rig, options: RoutingScaleOptions): Promise<number> {
  const setups: Setup[] = [];
  for (const routers of [options.fewRouters, options.manyRouters]) {
    const started = Date.now();
    const deps = contenderDeps(rig, options.switchyardBin, routers);
    try {
      const running = await startSwitchyard(deps, routers, `-${routers}`);
      setups.push({ key: `routers-${routers}`, routers, running, startupMs: Date.now() - started });
      log(`bench: Switchyard with ${routers} routers ready on port ${running.port} (${Date.now() - started} ms)`);
    } catch (err) {
      log(`bench: Switchyard with ${routers} routers did not start — ${(err as Error).message}`);
      return 1;
    }
  }
  const scenarios = scenarioMatrix(options.bodies, options.connections);
  const measurements: Measurement[] = [];
  for (const scenario of scenarios) {
    for (let round = 0; round < options.repeat; round++) {
      // Alternate which table goes first so neither always runs on a fresher machine.
      const order = round % 2 === 0 ? setups : [...setups].reverse();
      for (const setup of order) {
        const m = await measure(rig, setup.running, scenario, options, setup.key);
        measurements.push(m);
        log(progressLine(m, `${setup.routers} rt`));
      }
    }
  }
  const facts = [
    ...machineFacts(rig),
    ['load', `wrk -t1, ${options.durationSeconds} s per run after ${options.warmupSeconds} s of warm-up, Host: bench.example`],
    ['runs', `${options.repeat} per table and scenario, interleaved; req/s, p50 and p99 are medians, errors are summed`],
    ['other load', `CPU (in cores, of 2) used by processes outside the benchmark during the runs, median; ⚠ from ${NOISY_CORES}`],
  ] as const;
  const sections = scenarios.map((scenario) => renderScenario(scenario, setups, measurements));
  const report = [
    '# Switchyard routing scale',
    '',
    ...facts.map(([key, value]) => `- ${key}: ${value}`),
    '',
    ...sections.map((s) => s.text),
  ].join('\n');
  process.stdout.write(`\n${report}`);
  log(`bench: report written to ${saveReport(options.out, report)}`);
  return sections.every((s) => s.pass) ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: RoutingScaleOptions | 'help';
  try {
    options = parseRoutingScaleOptions(argv);
  } catch (err) {
    log(`bench: ${(err as Error).message}\n\n${ROUTING_SCALE_HELP}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(ROUTING_SCALE_HELP);
    return 0;
  }
  return withRig([], options.install, log, (rig) => compare(rig, options));
}

process.exitCode = await main(process.argv.slice(2));
