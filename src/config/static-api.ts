/**
 * Static `api`, `ping` and `metrics` sections [Traefik pkg/config/static/static_config.go,
 * pkg/ping, pkg/types/metrics.go].
 */
import { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { addIssue } from './issue-codes.ts';
import { bool, int, num, str, stringMap } from './scalar-schemas.ts';

/** `api`: present (even empty) enables the API; the dashboard defaults to on. */
export const apiSchema = configObject({
  insecure: bool().default(false),
  dashboard: bool().default(true),
  debug: bool().default(false),
  basePath: str().default('/'),
  disableDashboardAd: bool().default(false),
  /** The dashboard's title (Traefik v3.4+); kept for the dashboard. */
  dashboardName: str().optional(),
});

/** `ping`: present (even empty) enables `/ping`. */
export const pingSchema = configObject({
  entryPoint: str().default('traefik'),
  manualRouting: bool().default(false),
  terminatingStatusCode: int({ min: 100, max: 599 }).default(503),
});

/** Bucket bounds; one string is split on commas, as Traefik's CLI reads `--metrics.prometheus.buckets=0.1,0.3`. */
const bucketList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value),
  z.array(num()),
);

/** Labels the `*_requests_total` metrics already carry; a header label may not reuse one. */
const requestLabelNames = new Set(['code', 'method', 'protocol', 'entrypoint', 'router', 'service']);

/**
 * `metrics.prometheus`. Traefik lets the Prometheus client panic (or fail to register) on
 * buckets out of order and on header label names Prometheus refuses; here both are errors
 * naming the field.
 */
export const prometheusSchema = configObject({
  buckets: bucketList.default([0.1, 0.3, 1.2, 5]),
  addEntryPointsLabels: bool().default(true),
  addRoutersLabels: bool().default(false),
  addServicesLabels: bool().default(true),
  entryPoint: str().default('traefik'),
  manualRouting: bool().default(false),
  /** Extra label → request header whose value it takes (on the `*_requests_total` metrics). */
  headerLabels: stringMap().optional(),
}, (value, ctx) => {
  for (let i = 1; i < value.buckets.length; i++) {
    if (value.buckets[i]! <= value.buckets[i - 1]!) {
      addIssue(ctx, 'CONFIG_INVALID_VALUE', `buckets must be in increasing order, got ${value.buckets[i - 1]} before ${value.buckets[i]}`, ['buckets', i]);
      return;
    }
  }
  for (const label of Object.keys(value.headerLabels ?? {})) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label) || label.startsWith('__')) {
      addIssue(ctx, 'CONFIG_INVALID_NAME', `"${label}" is not a Prometheus label name (letters, digits and _, not starting with a digit or __)`, ['headerLabels', label]);
    } else if (requestLabelNames.has(label)) {
      addIssue(ctx, 'CONFIG_INVALID_NAME', `"${label}" is already a label of the request metrics`, ['headerLabels', label]);
    }
  }
});

/**
 * `metrics`: only Prometheus is supported (others are warned about and ignored).
 * `addInternals` (Traefik v3): also meter requests whose router uses an `@internal` service
 * (the API, the dashboard, ping, `/metrics` itself).
 */
export const metricsSchema = configObject({
  addInternals: bool().default(false),
  prometheus: prometheusSchema.optional(),
});

/** `api`. */
export type ApiConfig = DeepReadonly<z.output<typeof apiSchema>>;
/** `ping`. */
export type PingConfig = DeepReadonly<z.output<typeof pingSchema>>;
/** `metrics.prometheus`. */
export type PrometheusConfig = DeepReadonly<z.output<typeof prometheusSchema>>;
/** `metrics`. */
export type MetricsConfig = DeepReadonly<z.output<typeof metricsSchema>>;
