/**
 * A metric registry's series as plain data, so that processes can add up each other's: each
 * worker process exports its registry, the control plane renders the sum on a scrape
 * (server/workers/).
 */
import type { MetricType } from './metric-registry.ts';

/** One series: a value (counter, gauge) or a histogram's per-bucket counts, sum and count. */
export type MetricSeriesState =
  | { readonly labelValues: readonly string[]; readonly value: number }
  | { readonly labelValues: readonly string[]; readonly counts: readonly number[]; readonly sum: number; readonly count: number };

/** One family with its definition, so a registry that lacks it can create it. */
export interface MetricFamilyState {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labelNames: readonly string[];
  /** Histogram bucket bounds (without +Inf); empty for counters and gauges. */
  readonly buckets: readonly number[];
  readonly series: readonly MetricSeriesState[];
}
