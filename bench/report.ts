/**
 * Turns measurements into the markdown report: one table per scenario (medians over the
 * repeated runs), ratios to nginx, and the Switchyard ratios the project tracks.
 * Pure: measurements and metadata in, text out.
 */
import type { ContenderName } from './contenders.ts';
import type { Scenario } from './scenarios.ts';
import { scenarioKey, scenarioTitle } from './scenarios.ts';
import type { WrkErrors, WrkResult } from './wrk.ts';
import { NO_ERRORS } from './wrk.ts';

/** Other load (in cores) from which a run is marked as disturbed. */
export const NOISY_CORES = 0.2;

/** One wrk run against one contender. */
export interface Measurement {
  /** The contender's name, or another key when one contender runs in several setups. */
  readonly contender: string;
  readonly scenario: Scenario;
  readonly result: WrkResult;
  /** RSS of the proxy's process tree right after the run; undefined for `direct`. */
  readonly rssKiB: number | undefined;
  /** CPU used by processes outside the benchmark during the run, in cores. */
  readonly otherCores: number;
  /** CPU the proxy used during the run, in cores (1 = its whole core); undefined for `direct`. */
  readonly proxyCores: number | undefined;
}

/** Medians over the runs of one contender in one scenario. */
export interface Summary {
  readonly contender: string;
  readonly runs: number;
  readonly requestsPerSecond: number;
  readonly minRequestsPerSecond: number;
  readonly maxRequestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Summed over all runs: errors are never averaged away. */
  readonly errors: WrkErrors;
  readonly requests: number;
  readonly rssKiB: number | undefined;
  readonly proxyCores: number | undefined;
  readonly otherCores: number;
}

export interface ReportInput {
  readonly title: string;
  /** Runs per contender and scenario (`--repeat`). */
  readonly repeat: number;
  /** Lines of `key: value` facts about the run (machine, versions, settings). */
  readonly facts: readonly (readonly [string, string])[];
  readonly scenarios: readonly Scenario[];
  /** Contenders in display order with their labels. */
  readonly contenders: readonly { readonly name: ContenderName; readonly label: string }[];
  readonly measurements: readonly Measurement[];
  /** Contenders that could not be measured, with the reason. */
  readonly skipped: ReadonlyMap<ContenderName, string>;
}

/** The median; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function sumErrors(all: readonly WrkErrors[]): WrkErrors {
  return all.reduce(
    (acc, e) => ({
      connect: acc.connect + e.connect,
      read: acc.read + e.read,
      write: acc.write + e.write,
      timeout: acc.timeout + e.timeout,
      non2xx: acc.non2xx + e.non2xx,
    }),
    NO_ERRORS,
  );
}

/** Summaries for one scenario, one per contender that has measurements. */
export function summarize(measurements: readonly Measurement[], scenario: Scenario): Map<string, Summary> {
  const key = scenarioKey(scenario);
  const byContender = new Map<string, Measurement[]>();
  for (const m of measurements) {
    if (scenarioKey(m.scenario) !== key) continue;
    const list = byContender.get(m.contender) ?? [];
    list.push(m);
    byContender.set(m.contender, list);
  }
  const out = new Map<string, Summary>();
  for (const [contender, list] of byContender) {
    const rps = list.map((m) => m.result.requestsPerSecond);
    const rss = list.flatMap((m) => (m.rssKiB === undefined ? [] : [m.rssKiB]));
    const proxyCpu = list.flatMap((m) => (m.proxyCores === undefined ? [] : [m.proxyCores]));
    out.set(contender, {
      contender,
      runs: list.length,
      requestsPerSecond: median(rps),
      minRequestsPerSecond: Math.min(...rps),
      maxRequestsPerSecond: Math.max(...rps),
      p50Ms: median(list.map((m) => m.result.p50Ms)),
      p99Ms: median(list.map((m) => m.result.p99Ms)),
      errors: sumErrors(list.map((m) => m.result.errors)),
      requests: list.reduce((n, m) => n + m.result.requests, 0),
      rssKiB: rss.length > 0 ? median(rss) : undefined,
      proxyCores: proxyCpu.length > 0 ? median(proxyCpu) : undefined,
      otherCores: median(list.map((m) => m.otherCores)),
    });
  }
  return out;
}

export function formatRate(rps: number): string {
  return Math.round(rps).toLocaleString('en-US');
}

export function formatLatency(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Other processes' CPU in cores; marked when it was enough to distort the numbers. */
export function formatOtherLoad(cores: number): string {
  return cores >= NOISY_CORES ? `${cores.toFixed(2)} ⚠` : cores.toFixed(2);
}

/** Proxy CPU as a share of its core: `97%`. */
export function formatProxyCpu(cores: number | undefined): string {
  return cores === undefined ? '—' : `${Math.round(cores * 100)}%`;
}

export function formatRss(kib: number | undefined): string {
  return kib === undefined ? '—' : `${(kib / 1024).toFixed(1)} MiB`;
}

/** `0`, or the non-zero kinds: `read 3, timeout 12`. */
export function formatErrors(errors: WrkErrors): string {
  const parts = (Object.entries(errors) as [keyof WrkErrors, number][])
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind === 'non2xx' ? 'non-2xx' : kind} ${n}`);
  return parts.length === 0 ? '0' : parts.join(', ');
}

function ratio(a: Summary | undefined, b: Summary | undefined): string {
  if (a === undefined || b === undefined || b.requestsPerSecond === 0) return '—';
  return `${(a.requestsPerSecond / b.requestsPerSecond).toFixed(2)}×`;
}

function switchyardRatios(rows: Map<string, Summary>, skipped: ReadonlyMap<ContenderName, string>): string {
  const sy = rows.get('switchyard');
  let line: string;
  if (sy === undefined) {
    const why = skipped.get('switchyard');
    line = `Switchyard / Caddy and Switchyard / bare relay: not measured${why ? ` (${firstLine(why)})` : ' (not selected)'}.`;
  } else {
    line = `Switchyard / Caddy: **${ratio(sy, rows.get('caddy'))}** · Switchyard / bare relay: **${ratio(sy, rows.get('bare-relay'))}** (req/s)`;
  }
  // The raw engine is reported beside the default one only when it was measured.
  const raw = rows.get('switchyard-raw');
  if (raw === undefined) return line;
  return `${line}\nSwitchyard (raw engine) / nginx: **${ratio(raw, rows.get('nginx'))}** · / Caddy: **${ratio(raw, rows.get('caddy'))}** · / Switchyard (node engine): **${ratio(raw, sy)}** (req/s)`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/** The whole report as markdown. */
export function renderReport(input: ReportInput): string {
  const repeated = input.repeat > 1;
  const lines: string[] = [`# ${input.title}`, ''];
  for (const [key, value] of input.facts) lines.push(`- ${key}: ${value}`);
  lines.push(
    '',
    `req/s, p50 and p99 are ${repeated ? `medians of ${input.repeat} interleaved runs` : 'from one run'}; errors are wrk's ` +
      'socket errors (connect, read, write, timeout > 2 s) and non-2xx/3xx responses, summed over all runs; ' +
      'RSS is the VmRSS of the proxy and its child processes right after the run; × nginx is req/s relative to nginx; ' +
      'proxy CPU is the share of its core the proxy used (near 100%: the proxy, not the load generator, set the pace); ' +
      `other load is the CPU (in cores, of 2) used by processes outside the benchmark during the run — ⚠ from ${NOISY_CORES}: the numbers are disturbed.`,
    '',
  );
  for (const scenario of input.scenarios) {
    const rows = summarize(input.measurements, scenario);
    const nginx = rows.get('nginx');
    lines.push(`## ${scenarioTitle(scenario)}`, '');
    const spreadHead = repeated ? ' req/s min–max |' : '';
    const spreadRule = repeated ? '---:|' : '';
    lines.push(`| contender | req/s | p50 | p99 | errors | RSS | × nginx |${spreadHead} proxy CPU | other load |`);
    lines.push(`|---|---:|---:|---:|---|---:|---:|${spreadRule}---:|---:|`);
    for (const { name, label } of input.contenders) {
      const row = rows.get(name);
      if (row === undefined) continue;
      const spread = repeated ? ` ${formatRate(row.minRequestsPerSecond)}–${formatRate(row.maxRequestsPerSecond)} |` : '';
      lines.push(
        `| ${label} | ${formatRate(row.requestsPerSecond)} | ${formatLatency(row.p50Ms)} | ${formatLatency(row.p99Ms)} | ` +
          `${formatErrors(row.errors)} | ${formatRss(row.rssKiB)} | ${ratio(row, nginx)} |${spread} ${formatProxyCpu(row.proxyCores)} | ${formatOtherLoad(row.otherCores)} |`,
      );
    }
    lines.push('', switchyardRatios(rows, input.skipped), '');
  }
  if (input.skipped.size > 0) {
    lines.push('## Not measured, or stopped early', '');
    for (const [name, reason] of input.skipped) lines.push(`- ${name}: ${firstLine(reason)}`);
    lines.push('');
  }
  return lines.join('\n');
}
