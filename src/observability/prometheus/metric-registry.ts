/**
 * A small Prometheus registry, one per running Switchyard (no globals): counter, gauge and
 * histogram families with fixed label names, series created on first use, and the text
 * exposition format 0.0.4.
 *
 * The output reads like client_golang's (Traefik's): families sorted by name, series sorted by
 * their label values, labels in name order, `le` last on buckets, numbers as Go formats them.
 * A family with no series is left out, as client_golang leaves out an empty vector.
 *
 * Label sets are bounded: each family holds at most `maxSeriesPerFamily` series. Past that an
 * observation goes to a detached series that is never written, and
 * `switchyard_metrics_series_dropped_total{metric}` counts it, so an unbounded label (a header
 * label whose values are not bounded) cannot grow memory without limit, and says so.
 */
import { escapeHelp, escapeLabelValue, formatSampleValue } from './exposition-format.ts';
import type { MetricFamilyState } from './metric-state.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** A counter's or gauge's value; callers add to or set `value`. */
export interface ValueSeries {
  value: number;
}

/** One histogram series over its family's bucket bounds. */
export class HistogramSeries {
  readonly #bounds: readonly number[];
  /** Observations per bucket, not cumulative; the last slot counts those above every bound. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

/** A family of series sharing a name, a help text and label names. */
export interface MetricFamily<S> {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labelNames: readonly string[];
  /**
   * The series for these label values (in `labelNames` order), created at zero on first use.
   * Past the series limit: a detached series that is never written.
   */
  series(labelValues: readonly string[]): S;
  /** Removes every series (families filled at scrape time start afresh). */
  clear(): void;
  readonly size: number;
}

export interface MetricRegistryOptions {
  /** Default 10000. */
  readonly maxSeriesPerFamily?: number;
}

export interface MetricRegistry {
  counter(name: string, help: string, labelNames: readonly string[]): MetricFamily<ValueSeries>;
  gauge(name: string, help: string, labelNames: readonly string[]): MetricFamily<ValueSeries>;
  /** `buckets`: upper bounds, increasing, without +Inf. */
  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): MetricFamily<HistogramSeries>;
  /**
   * Removes, from every family that has all the given label names, the series whose labels
   * have all the given values (client_golang's DeletePartialMatch). Returns how many.
   */
  deleteMatching(labels: Readonly<Record<string, string>>): number;
  /** Every non-empty family in the text exposition format. */
  render(): string;
  /** Every series' raw values (metric-state.ts), for another process to add up. */
  exportState(): MetricFamilyState[];
  /**
   * Adds exported series: a family missing here is created as exported; values, bucket counts,
   * sums and counts add up. A family defined differently here (type, labels, buckets) is skipped.
   */
  addState(families: readonly MetricFamilyState[]): void;
}

interface Entry<S> {
  readonly labelValues: readonly string[];
  readonly series: S;
}

/** A family's storage and how it writes itself. */
interface FamilyImpl<S> extends MetricFamily<S> {
  readonly entries: Map<string, Entry<S>>;
  write(out: string[]): void;
}

/** Label values never contain NUL (HTTP forbids it in header values; names are config keys). */
const keySeparator = '\u0000';

const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function createMetricRegistry(options: MetricRegistryOptions = {}): MetricRegistry {
  const maxSeries = options.maxSeriesPerFamily ?? 10_000;
  const families = new Map<string, FamilyImpl<ValueSeries> | FamilyImpl<HistogramSeries>>();
  /** Bucket bounds of the histogram families, by name (exportState carries them). */
  const histogramBounds = new Map<string, readonly number[]>();

  const makeFamily = <S>(name: string, help: string, type: MetricType, labelNames: readonly string[],
    newSeries: () => S, writeSeries: (out: string[], name: string, labels: string, series: S) => void,
    limited: boolean): FamilyImpl<S> => {
    // Names come from code and validated configuration: a bad one is a bug.
    if (!metricNamePattern.test(name)) throw new Error(`invalid metric name ${name}`);
    for (const l of labelNames) if (!labelNamePattern.test(l) || l === 'le') throw new Error(`invalid label name ${l} on ${name}`);
    if (new Set(labelNames).size !== labelNames.length) throw new Error(`duplicate label names on ${name}`);
    if (families.has(name)) throw new Error(`metric ${name} registered twice`);
    const entries = new Map<string, Entry<S>>();
    // Labels are written in name order; `order[i]` is the index in labelNames of the i-th.
    const order = labelNames.map((_, i) => i).sort((a, b) => (labelNames[a]! < labelNames[b]! ? -1 : 1));
    let detached: S | undefined;
    const family: FamilyImpl<S> = {
      name, help, type, labelNames, entries,
      get size() {
        return entries.size;
      },
      series(labelValues) {
        if (labelValues.length !== labelNames.length) throw new Error(`${name} takes ${labelNames.length} label values, got ${labelValues.length}`);
        const key = labelValues.join(keySeparator);
        const found = entries.get(key);
        if (found !== undefined) return found.series;
        if (limited && entries.size >= maxSeries) {
          dropped.series([name]).value++;
          return (detached ??= newSeries());
        }
        const series = newSeries();
        entries.set(key, { labelValues: [...labelValues], series });
        return series;
      },
      clear() {
        entries.clear();
      },
      write(out) {
        if (entries.size === 0) return;
        out.push(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`);
        const sorted = [...entries.values()].sort((a, b) => compareLabelValues(a.labelValues, b.labelValues, order));
        for (const e of sorted) {
          let labels = '';
          for (const i of order) labels += `${labels === '' ? '' : ','}${labelNames[i]!}="${escapeLabelValue(e.labelValues[i]!)}"`;
          writeSeries(out, name, labels, e.series);
        }
      },
    };
    families.set(name, family as FamilyImpl<ValueSeries> | FamilyImpl<HistogramSeries>);
    return family;
  };

  const writeValue = (out: string[], name: string, labels: string, s: ValueSeries): void => {
    out.push(`${name}${labels === '' ? '' : `{${labels}}`} ${formatSampleValue(s.value)}\n`);
  };

  const valueFamily = (type: 'counter' | 'gauge', limited: boolean) =>
    (name: string, help: string, labelNames: readonly string[]): FamilyImpl<ValueSeries> =>
      makeFamily<ValueSeries>(name, help, type, labelNames, () => ({ value: 0 }), writeValue, limited);

  // Not limited itself: one series per family at most.
  const dropped = valueFamily('counter', false)('switchyard_metrics_series_dropped_total',
    'Observations not recorded because their metric reached its limit of series, by metric.', ['metric']);

  return {
    counter: valueFamily('counter', true),
    gauge: valueFamily('gauge', true),
    histogram(name, help, labelNames, buckets) {
      for (let i = 0; i < buckets.length; i++) {
        if (!Number.isFinite(buckets[i]!) || (i > 0 && buckets[i]! <= buckets[i - 1]!)) throw new Error(`${name}: buckets must be finite and increasing`);
      }
      const bounds = [...buckets];
      histogramBounds.set(name, bounds);
      const les = bounds.map((b) => formatSampleValue(b));
      return makeFamily<HistogramSeries>(name, help, 'histogram', labelNames, () => new HistogramSeries(bounds), (out, n, labels, s) => {
        const sep = labels === '' ? '' : ',';
        let cumulative = 0;
        for (let i = 0; i < les.length; i++) {
          cumulative += s.counts[i]!;
          out.push(`${n}_bucket{${labels}${sep}le="${les[i]!}"} ${formatSampleValue(cumulative)}\n`);
        }
        out.push(`${n}_bucket{${labels}${sep}le="+Inf"} ${formatSampleValue(s.count)}\n`);
        const braces = labels === '' ? '' : `{${labels}}`;
        out.push(`${n}_sum${braces} ${formatSampleValue(s.sum)}\n${n}_count${braces} ${formatSampleValue(s.count)}\n`);
      }, true);
    },
    deleteMatching(labels) {
      const names = Object.keys(labels);
      let removed = 0;
      for (const family of families.values()) {
        const idx = names.map((n) => family.labelNames.indexOf(n));
        if (idx.some((i) => i < 0)) continue;
        for (const [key, entry] of family.entries as Map<string, Entry<unknown>>) {
          if (idx.every((i, j) => entry.labelValues[i] === labels[names[j]!])) {
            family.entries.delete(key);
            removed++;
          }
        }
      }
      return removed;
    },
    render() {
      const out: string[] = [];
      for (const name of [...families.keys()].sort()) families.get(name)!.write(out);
      return out.join('');
    },
    exportState() {
      const out: MetricFamilyState[] = [];
      for (const family of families.values()) {
        if (family.entries.size === 0) continue;
        const series = [...(family.entries as Map<string, Entry<ValueSeries | HistogramSeries>>).values()].map(({ labelValues, series: s }) =>
          (s instanceof HistogramSeries
            ? { labelValues, counts: [...s.counts], sum: s.sum, count: s.count }
            : { labelValues, value: s.value }));
        out.push({ name: family.name, help: family.help, type: family.type, labelNames: family.labelNames, buckets: histogramBounds.get(family.name) ?? [], series });
      }
      return out;
    },
    addState(states) {
      for (const state of states) {
        let family = families.get(state.name);
        if (family === undefined) {
          family = state.type === 'histogram' ? this.histogram(state.name, state.help, state.labelNames, state.buckets) as FamilyImpl<HistogramSeries>
            : (state.type === 'counter' ? this.counter : this.gauge)(state.name, state.help, state.labelNames) as FamilyImpl<ValueSeries>;
        }
        const bounds = histogramBounds.get(state.name) ?? [];
        if (family.type !== state.type || family.labelNames.join(keySeparator) !== state.labelNames.join(keySeparator)
          || bounds.join(' ') !== state.buckets.join(' ')) continue;
        for (const s of state.series) {
          const target = family.series(s.labelValues);
          if ('value' in s) {
            if (!(target instanceof HistogramSeries)) target.value += s.value;
          } else if (target instanceof HistogramSeries && target.counts.length === s.counts.length) {
            for (let i = 0; i < s.counts.length; i++) target.counts[i]! += s.counts[i]!;
            target.sum += s.sum;
            target.count += s.count;
          }
        }
      }
    },
  };
}

function compareLabelValues(a: readonly string[], b: readonly string[], order: readonly number[]): number {
  for (const i of order) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
