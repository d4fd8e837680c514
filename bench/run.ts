/**
 * The benchmark: every contender (nginx, HAProxy, Caddy, the bare relay, Switchyard, and
 * `direct`) under the same wrk load, for each body size and connection count, and a markdown
 * report on stdout and in bench/results/latest.md.
 *
 * Run: npm run bench -- [--install] [--only=nginx,switchyard] [--repeat=3]   (--help for all)
 */
import { contender } from './contenders.ts';
import type { ContenderName, RunningContender } from './contenders.ts';
import { parseRunOptions, RUN_HELP } from './cli-options.ts';
import type { RunOptions } from './cli-options.ts';
import { measure, progressLine } from './measure.ts';
import { renderReport } from './report.ts';
import type { Measurement } from './report.ts';
import { contenderDeps, machineFacts, saveReport, withRig } from './rig.ts';
import type { Rig } from './rig.ts';
import { scenarioMatrix } from './scenarios.ts';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Round `round` starts one contender later than the previous one, so no contender always goes first. */
function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % Math.max(items.length, 1);
  return [...items.slice(k), ...items.slice(0, k)];
}

async function startContenders(rig: Rig, options: RunOptions, failed: Map<ContenderName, string>): Promise<RunningContender[]> {
  const deps = contenderDeps(rig, options.switchyardBin, options.routers);
  const running: RunningContender[] = [];
  for (const name of options.only) {
    const started = Date.now();
    try {
      running.push(await contender(name).start(deps));
      log(`bench: ${name} ready on port ${running.at(-1)!.port} (${Date.now() - started} ms)`);
    } catch (err) {
      const reason = (err as Error).message;
      failed.set(name, reason);
      log(`bench: ${name} skipped — ${reason}`);
    }
  }
  return running;
}

async function benchmark(rig: Rig, options: RunOptions): Promise<number> {
  const failed = new Map<ContenderName, string>();
  let running = await startContenders(rig, options, failed);
  if (running.length === 0) {
    log('bench: no contender started; nothing to measure');
    return 1;
  }
  const scenarios = scenarioMatrix(options.bodies, options.connections);
  const total = scenarios.length * options.repeat * running.length;
  const minutes = (total * (options.durationSeconds + options.warmupSeconds + 1)) / 60;
  log(`bench: ${total} measured runs of ${options.durationSeconds} s (+${options.warmupSeconds} s warm-up), about ${minutes.toFixed(1)} min`);

  const measurements: Measurement[] = [];
  for (const scenario of scenarios) {
    for (let round = 0; round < options.repeat; round++) {
      for (const current of rotate(running, round)) {
        try {
          const m = await measure(rig, current, scenario, options);
          measurements.push(m);
          log(progressLine(m, current.name));
        } catch (err) {
          if (rig.supervisor.interrupted()) return 130; // the signal handler is stopping everything
          failed.set(current.name, `failed during ${scenario.bodyBytes} B × ${scenario.connections}: ${(err as Error).message}`);
          log(`bench: ${current.name} dropped — ${(err as Error).message}`);
          running = running.filter((r) => r !== current);
        }
      }
    }
  }

  const report = renderReport({
    title: 'Switchyard benchmark',
    repeat: options.repeat,
    facts: [
      ...machineFacts(rig),
      ['load', `wrk -t1, ${options.durationSeconds} s per run after ${options.warmupSeconds} s of warm-up, Host: bench.example`],
      ...(options.only.includes('switchyard') || options.only.includes('switchyard-raw')
        ? ([['Switchyard routing table', `${options.routers} host routers (${options.routers - 1} decoys + the benchmarked one, which has the lowest priority)`]] as const)
        : []),
    ],
    scenarios,
    contenders: options.only.map((name) => ({ name, label: contender(name).label })),
    measurements,
    skipped: failed,
  });
  process.stdout.write(`\n${report}`);
  log(`bench: report written to ${saveReport(options.out, report)}`);
  // Switchyard is optional in a default run (it may not start yet); anything named explicitly is not.
  const mandatoryFailure = [...failed.keys()].some((name) => !name.startsWith('switchyard') || options.onlyGiven);
  return mandatoryFailure ? 1 : 0;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: RunOptions | 'help';
  try {
    options = parseRunOptions(argv);
  } catch (err) {
    log(`bench: ${(err as Error).message}\n\n${RUN_HELP}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  return withRig(options.only.flatMap((name) => contender(name).tools), options.install, log, (rig) => benchmark(rig, options));
}

process.exitCode = await main(process.argv.slice(2));
