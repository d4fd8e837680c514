/**
 * Command-line options of bench/run.ts, bench/routing-scale.ts and bench/sticky.ts. Parsed
 * once at the boundary into plain values; a bad option is a message and exit code 2, not a
 * stack trace.
 */
import { parseArgs } from 'node:util';
import { CONTENDER_NAMES, isContenderName } from './contenders.ts';
import type { ContenderName } from './contenders.ts';
import { BODY_SIZES, formatBodySize, parseBodySize } from './scenarios.ts';
import type { BodySize } from './scenarios.ts';
import { NOISY_CORES } from './report.ts';
import { isStickyProxy, STICKY_PROXIES } from './sticky-setups.ts';
import type { StickyProxy } from './sticky-setups.ts';

/** Options both scripts take. */
export interface CommonOptions {
  readonly install: boolean;
  readonly repeat: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Wait up to this long before each run for other processes to use < `quietCores` (0: never wait). */
  readonly quietWaitSeconds: number;
  readonly quietCores: number;
  /** Runs disturbed by other processes are done again up to this many times. */
  readonly noisyRetries: number;
  readonly connections: readonly number[];
  readonly bodies: readonly BodySize[];
  /** Absolute or repo-relative path of the Switchyard launcher. */
  readonly switchyardBin: string;
  readonly out: string;
}

export interface RunOptions extends CommonOptions {
  readonly only: readonly ContenderName[];
  /** Whether --only was given (then every named contender must run). */
  readonly onlyGiven: boolean;
  readonly routers: number;
}

export interface RoutingScaleOptions extends CommonOptions {
  readonly fewRouters: number;
  readonly manyRouters: number;
}

export interface StickyOptions extends CommonOptions {
  readonly only: readonly StickyProxy[];
  readonly routers: number;
}

/** A user mistake on the command line. */
export class UsageError extends Error {}

const COMMON_HELP = `  --install            install missing tools (nginx, haproxy, caddy, wrk) with apt-get first
  --repeat=N           run every measurement N times, interleaved across contenders; report medians
                       (default 1 for run.ts, 3 for routing-scale.ts and sticky.ts)
  --duration=S         seconds per measured run (default 10)
  --warmup=S           seconds of warm-up load before each measured run (default 2)
  --quiet-wait=S       before each run, wait up to S seconds (default 60, 0 = never) until
  --quiet-below=C      processes outside the benchmark use less than C cores (default 0.2)
  --noisy-retries=N    run a measurement again (up to N times, default 2) when other processes
                       used that much CPU during it; the least disturbed attempt counts
  --connections=A,B    client connections (default depends on the script)
  --bodies=A,B         body sizes: ${BODY_SIZES.map(formatBodySize).join(', ')} (as 100,16k)
  --switchyard-bin=P   Switchyard launcher (default bin/switchyard)
  --out=FILE           markdown report file
  --help`;

export const RUN_HELP = `Usage: npm run bench -- [options]

Benchmarks reverse proxies, each on one core with one worker, round robin over two origins.
  --only=a,b           contenders: ${CONTENDER_NAMES.join(', ')} (default: all)
  --routers=N          host routers in Switchyard's routing table (default 1000)
${COMMON_HELP}
`;

export const ROUTING_SCALE_HELP = `Usage: npx node bench/routing-scale.ts [options]

Switchyard with a small and a large routing table under the same load; requires < 10% overhead.
  --few=N              routers in the small table (default 10)
  --many=N             routers in the large table (default 10000)
${COMMON_HELP}
`;

export const STICKY_HELP = `Usage: npx node bench/sticky.ts [options]

Sticky sessions by cookie against round robin, for each proxy, with clients that send no cookie
and clients that send the one they got; requires Switchyard's sticky cookie to cost ≤ 10%.
  --only=a,b           proxies: ${STICKY_PROXIES.join(', ')} (default: all; each runs both modes)
  --routers=N          host routers in Switchyard's routing table (default 1000)
${COMMON_HELP}
`;

const commonSpec = {
  install: { type: 'boolean', default: false },
  repeat: { type: 'string' },
  duration: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '2' },
  'quiet-wait': { type: 'string', default: '60' },
  'quiet-below': { type: 'string', default: String(NOISY_CORES) },
  'noisy-retries': { type: 'string', default: '2' },
  connections: { type: 'string' },
  bodies: { type: 'string' },
  'switchyard-bin': { type: 'string', default: 'bin/switchyard' },
  out: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

function positiveInt(name: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${text}'`);
  return value;
}

function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a number > 0, got '${text}'`);
  return value;
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseCommon(
  values: Record<string, string | boolean | undefined>,
  defaults: { repeat: string; connections: string; bodies: string; out: string },
): CommonOptions {
  const bodies = list(String(values.bodies ?? defaults.bodies)).map((text) => {
    const size = parseBodySize(text);
    if (size === undefined) throw new UsageError(`--bodies: '${text}' is not one of ${BODY_SIZES.map(formatBodySize).join(', ')}`);
    return size;
  });
  return {
    install: values.install === true,
    repeat: positiveInt('repeat', String(values.repeat ?? defaults.repeat)),
    durationSeconds: positiveInt('duration', String(values.duration)),
    warmupSeconds: positiveInt('warmup', String(values.warmup), 0),
    quietWaitSeconds: positiveInt('quiet-wait', String(values['quiet-wait']), 0),
    quietCores: positiveNumber('quiet-below', String(values['quiet-below'])),
    noisyRetries: positiveInt('noisy-retries', String(values['noisy-retries']), 0),
    connections: list(String(values.connections ?? defaults.connections)).map((c) => positiveInt('connections', c)),
    bodies,
    switchyardBin: String(values['switchyard-bin']),
    out: String(values.out ?? defaults.out),
  };
}

/** Options of bench/run.ts, or 'help'. */
export function parseRunOptions(argv: readonly string[]): RunOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...commonSpec, only: { type: 'string' }, routers: { type: 'string', default: '1000' } },
    strict: true,
  });
  if (values.help) return 'help';
  const only = values.only === undefined ? [...CONTENDER_NAMES] : list(values.only);
  for (const name of only) {
    if (!isContenderName(name)) throw new UsageError(`--only: unknown contender '${name}' (known: ${CONTENDER_NAMES.join(', ')})`);
  }
  return {
    ...parseCommon(values, { repeat: '1', connections: '50,500', bodies: '100,16k', out: 'bench/results/latest.md' }),
    only: only.filter(isContenderName),
    onlyGiven: values.only !== undefined,
    routers: positiveInt('routers', values.routers),
  };
}

/** Options of bench/routing-scale.ts, or 'help'. */
export function parseRoutingScaleOptions(argv: readonly string[]): RoutingScaleOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...commonSpec, few: { type: 'string', default: '10' }, many: { type: 'string', default: '10000' } },
    strict: true,
  });
  if (values.help) return 'help';
  return {
    // Three runs by default: the verdict compares two close numbers on a noisy machine.
    ...parseCommon(values, { repeat: '3', connections: '50', bodies: '100', out: 'bench/results/routing-scale.md' }),
    fewRouters: positiveInt('few', values.few),
    manyRouters: positiveInt('many', values.many),
  };
}

/** Options of bench/sticky.ts, or 'help'. */
export function parseStickyOptions(argv: readonly string[]): StickyOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...commonSpec, only: { type: 'string' }, routers: { type: 'string', default: '1000' } },
    strict: true,
  });
  if (values.help) return 'help';
  const only = values.only === undefined ? [...STICKY_PROXIES] : list(values.only);
  for (const name of only) {
    if (!isStickyProxy(name)) throw new UsageError(`--only: unknown proxy '${name}' (known: ${STICKY_PROXIES.join(', ')})`);
  }
  return {
    // Three runs by default, as routing-scale.ts: the verdict compares two close numbers.
    ...parseCommon(values, { repeat: '3', connections: '50', bodies: '100', out: 'bench/results/sticky.md' }),
    only: only.filter(isStickyProxy),
    routers: positiveInt('routers', values.routers),
  };
}
