/**
 * Static `api`, `ping` and `metrics` sections [Traefik pkg/config/static/static_config.go,
 * pkg/ping, pkg/types/metrics.go].
 */
import { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
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

/** `metrics.prometheus`. */
export const prometheusSchema = configObject({
  buckets: z.array(num()).default([0.1, 0.3, 1.2, 5]),
  addEntryPointsLabels: bool().default(true),
  addRoutersLabels: bool().default(false),
  addServicesLabels: bool().default(true),
  entryPoint: str().default('traefik'),
  manualRouting: bool().default(false),
  headerLabels: stringMap().optional(),
});

/** `metrics`: only Prometheus is supported (others are warned about and ignored). */
export const metricsSchema = configObject({
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
