/**
 * Static `log` and `accessLog` sections [Traefik pkg/types/logs.go].
 */
import { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { bool, duration, int, oneOf, statusRanges, str } from './scalar-schemas.ts';

const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'PANIC'] as const;

/** `log`: Switchyard's own log. The level is matched case-insensitively and kept upper-case. */
export const logSchema = configObject({
  level: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), oneOf(levels)).default('ERROR'),
  format: oneOf(['common', 'json']).default('common'),
  filePath: str().optional(),
  noColor: bool().default(false),
});

/** Headers and query parameters may be redacted; access-log fields are kept or dropped (Traefik). */
const fieldMode = oneOf(['keep', 'drop', 'redact']);
const keepOrDrop = oneOf(['keep', 'drop']);

const accessLogFiltersSchema = configObject({
  statusCodes: statusRanges().default([]),
  retryAttempts: bool().default(false),
  minDuration: duration().default(0),
});

const accessLogHeadersSchema = configObject({
  defaultMode: fieldMode.default('drop'),
  names: z.record(z.string(), fieldMode).optional(),
});

const accessLogQueryParametersSchema = configObject({
  defaultMode: fieldMode.default('keep'),
  names: z.record(z.string(), fieldMode).optional(),
});

const accessLogFieldsSchema = configObject({
  defaultMode: keepOrDrop.default('keep'),
  names: z.record(z.string(), keepOrDrop).optional(),
  headers: accessLogHeadersSchema.prefault({}),
  queryParameters: accessLogQueryParametersSchema.optional(),
});

/** `accessLog`: present (even empty) enables the access log. */
export const accessLogSchema = configObject({
  filePath: str().optional(),
  format: oneOf(['common', 'genericCLF', 'json']).default('common'),
  bufferingSize: int({ min: 0 }).default(0),
  filters: accessLogFiltersSchema.optional(),
  fields: accessLogFieldsSchema.prefault({}),
  addInternals: bool().default(false),
});

/** `log`. */
export type LogConfig = DeepReadonly<z.output<typeof logSchema>>;
/** `accessLog` (durations in ms). */
export type AccessLogConfig = DeepReadonly<z.output<typeof accessLogSchema>>;
