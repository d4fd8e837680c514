/**
 * The report of bench/sticky.ts: per scenario and client behaviour, every setup's medians, its
 * req/s relative to the same proxy's round robin and to nginx's round robin, and the verdict on
 * Switchyard's sticky cookie (it may cost at most MAX_STICKY_COST of Switchyard's round-robin
 * req/s). Pure: measurements and metadata in, text out.
 */
import { formatErrors, formatLatency, formatOtherLoad, formatProxyCpu, formatRate, NOISY_CORES, summarize } from './report.ts';
import type { Measurement, Summary } from './report.ts';
import { scenarioTitle } from './scenarios.ts';
import type { Scenario } from './scenarios.ts';
import { CLIENT_BEHAVIOURS, measurementKey, STICKY_COOKIE } from './sticky-setups.ts';
import type { ClientBehaviour, StickyProxy, StickySetup } from './sticky-setups.ts';

/** Largest accepted req/s loss of Switchyard's sticky cookie against its round robin. */
export const MAX_STICKY_COST = 0.1;

export interface StickyReportInput {
  /** Runs per setup, behaviour and scenario (`--repeat`). */
  readonly repeat: number;
  readonly facts: readonly (readonly [string, string])[];
  readonly scenarios: readonly Scenario[];
  /** Setups in display order. */
  readonly setups: readonly StickySetup[];
  readonly measurements: readonly Measurement[];
  /** Setups (by key) that could not be measured, with the reason. */
  readonly skipped: ReadonlyMap<string, string>;
}

/** `1 − sticky / roundRobin` in req/s: the share of throughput sticky sessions cost. */
export function stickyCost(roundRobin: Summary, sticky: Summary): number {
  return 1 - sticky.requestsPerSecond / roundRobin.requestsPerSecond;
}

const BEHAVIOUR_TITLES: Record<ClientBehaviour, string> = {
  'no-cookie': 'Clients that send no cookie (every request is placed anew; inserting proxies answer with Set-Cookie)',
  cookie: `Clients that send the cookie they got (\`Cookie: ${STICKY_COOKIE}=<value the proxy set>\`, half of them each origin's: the lookup)`,
};

const BEHAVIOUR_SHORT: Record<ClientBehaviour, string> = {
  'no-cookie': 'no cookie (pick + Set-Cookie)',
  cookie: 'cookie sent (lookup)',
};

function ratio(a: Summary | undefined, b: Summary | undefined): string {
  if (a === undefined || b === undefined || b.requestsPerSecond === 0) return '—';
  return `${(a.requestsPerSecond / b.requestsPerSecond).toFixed(2)}×`;
}

function roundRobinOf(setups: readonly StickySetup[], proxy: StickyProxy): StickySetup | undefined {
  return setups.find((s) => s.proxy === proxy && s.balancing.kind === 'round-robin');
}

function stickyOf(setups: readonly StickySetup[], proxy: StickyProxy): StickySetup | undefined {
  return setups.find((s) => s.proxy === proxy && s.balancing.kind === 'sticky-cookie');
}

function behaviourTable(
  behaviour: ClientBehaviour,
  setups: readonly StickySetup[],
  rows: ReadonlyMap<string, Summary>,
  repeated: boolean,
): string[] {
  const get = (setup: StickySetup | undefined): Summary | undefined =>
    setup === undefined ? undefined : rows.get(measurementKey(setup, behaviour));
  const nginx = get(roundRobinOf(setups, 'nginx'));
  const lines = [
    `### ${BEHAVIOUR_TITLES[behaviour]}`,
    '',
    `| proxy | balancing | req/s | p50 | p99 | errors | × own round robin | × nginx round robin |${repeated ? ' req/s min–max |' : ''} proxy CPU | other load |`,
    `|---|---|---:|---:|---:|---|---:|---:|${repeated ? '---:|' : ''}---:|---:|`,
  ];
  for (const setup of setups) {
    const row = get(setup);
    if (row === undefined) continue;
    const own = setup.balancing.kind === 'round-robin' ? '1.00×' : ratio(row, get(roundRobinOf(setups, setup.proxy)));
    const spread = repeated ? ` ${formatRate(row.minRequestsPerSecond)}–${formatRate(row.maxRequestsPerSecond)} |` : '';
    lines.push(
      `| ${setup.proxyLabel} | ${setup.balancingLabel} | ${formatRate(row.requestsPerSecond)} | ${formatLatency(row.p50Ms)} | ` +
        `${formatLatency(row.p99Ms)} | ${formatErrors(row.errors)} | ${own} | ${ratio(row, nginx)} |${spread} ` +
        `${formatProxyCpu(row.proxyCores)} | ${formatOtherLoad(row.otherCores)} |`,
    );
  }
  lines.push('');
  return lines;
}

/** The verdict line on Switchyard for one scenario, and whether it passes (undefined: not measured). */
function switchyardVerdict(
  setups: readonly StickySetup[],
  rows: ReadonlyMap<string, Summary>,
  skipped: ReadonlyMap<string, string>,
): { text: string; pass: boolean | undefined } {
  const rr = roundRobinOf(setups, 'switchyard');
  const sticky = stickyOf(setups, 'switchyard');
  if (rr === undefined || sticky === undefined) return { text: 'Switchyard sticky ÷ round robin: not selected.', pass: undefined };
  const parts: string[] = [];
  let pass = true;
  for (const behaviour of CLIENT_BEHAVIOURS) {
    const base = rows.get(measurementKey(rr, behaviour));
    const stickyRow = rows.get(measurementKey(sticky, behaviour));
    if (base === undefined || stickyRow === undefined) {
      const why = skipped.get(sticky.key) ?? skipped.get(rr.key);
      return { text: `Switchyard sticky ÷ round robin: not measured${why === undefined ? '' : ` (${firstLine(why)})`}.`, pass: false };
    }
    const cost = stickyCost(base, stickyRow);
    if (cost > MAX_STICKY_COST) pass = false;
    parts.push(`${BEHAVIOUR_SHORT[behaviour]} **${ratio(stickyRow, base)}** (cost ${(cost * 100).toFixed(1)}%)`);
  }
  return {
    text:
      `Switchyard sticky ÷ Switchyard round robin: ${parts.join(' · ')}; requirement: cost ≤ ${MAX_STICKY_COST * 100}% ` +
      `of req/s: **${pass ? 'PASS' : 'FAIL'}**`,
    pass,
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/** The whole report as markdown, and whether Switchyard passed (undefined when not measured). */
export function renderStickyReport(input: StickyReportInput): { text: string; pass: boolean | undefined } {
  const repeated = input.repeat > 1;
  const lines: string[] = ['# Sticky sessions', ''];
  for (const [key, value] of input.facts) lines.push(`- ${key}: ${value}`);
  lines.push(
    '',
    `req/s, p50 and p99 are ${repeated ? `medians of ${input.repeat} interleaved runs` : 'from one run'}; errors are summed over ` +
      'all runs; × own round robin is req/s relative to the same proxy with round robin and the same clients; × nginx round ' +
      'robin likewise against nginx; proxy CPU is the share of its core the proxy used; other load is the CPU (in cores, of 2) ' +
      `used by processes outside the benchmark during the run — ⚠ from ${NOISY_CORES}: the numbers are disturbed.`,
    '',
  );
  let pass: boolean | undefined;
  for (const scenario of input.scenarios) {
    const rows = summarize(input.measurements, scenario);
    lines.push(`## ${scenarioTitle(scenario)}`, '');
    for (const behaviour of CLIENT_BEHAVIOURS) lines.push(...behaviourTable(behaviour, input.setups, rows, repeated));
    const verdict = switchyardVerdict(input.setups, rows, input.skipped);
    lines.push(verdict.text, '');
    if (verdict.pass !== undefined) pass = (pass ?? true) && verdict.pass;
  }
  if (input.skipped.size > 0) {
    lines.push('## Not measured, or stopped early', '');
    for (const [key, reason] of input.skipped) lines.push(`- ${key}: ${firstLine(reason)}`);
    lines.push('');
  }
  return { text: lines.join('\n'), pass };
}
