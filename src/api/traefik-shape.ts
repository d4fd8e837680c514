/**
 * Parsed configuration back in the shape Traefik's API prints: durations as Go duration
 * strings, and values Go's `omitempty` leaves out (false, 0, "", empty lists) left out.
 *
 * Parsed config keeps durations as milliseconds and fills Traefik's defaults, so two facts are
 * needed that the values alone do not carry: which fields are durations and which fields Traefik
 * declares as pointers (shown even when false or 0). Both are listed here by field name.
 */
import { isPlainObject } from '../config/config-object.ts';
import { formatGoDuration } from './go-duration.ts';

/** Duration fields, as `parent.field` (the parent object's key in the configuration). */
const DURATION_FIELDS = new Set([
  'healthCheck.interval', 'healthCheck.unhealthyInterval', 'healthCheck.timeout',
  'passiveHealthCheck.failureWindow',
  'responseForwarding.flushInterval',
  'rateLimit.period',
  'redis.readTimeout', 'redis.writeTimeout', 'redis.dialTimeout',
  'retry.initialInterval', 'retry.timeout',
  'circuitBreaker.checkPeriod', 'circuitBreaker.fallbackDuration', 'circuitBreaker.recoveryDuration',
  'forwardingTimeouts.dialTimeout', 'forwardingTimeouts.responseHeaderTimeout',
  'forwardingTimeouts.idleConnTimeout', 'forwardingTimeouts.readIdleTimeout', 'forwardingTimeouts.pingTimeout',
  // Entry points (static configuration).
  'respondingTimeouts.readTimeout', 'respondingTimeouts.writeTimeout', 'respondingTimeouts.idleTimeout',
  'lifeCycle.requestAcceptGraceTimeout', 'lifeCycle.graceTimeOut',
  'transport.keepAliveMaxTime', 'udp.timeout',
  // Switchyard extensions.
  'loadBalancer.slowStart', 'clientIP.timeout',
]);

/**
 * Switchyard extensions with a non-zero default, left out at their default so services look
 * as Traefik prints them unless the extension is used (`parent.field` → default).
 */
const EXTENSION_DEFAULTS = new Map<string, unknown>([
  ['healthCheck.rise', 1], ['healthCheck.fall', 1], ['mirroring.mirrorBufferBytes', 1024 * 1024],
]);

/** Fields Traefik declares as pointers: printed even when false or 0. */
const POINTER_FIELDS = new Set(['passHostHeader', 'followRedirects', 'mirrorBody', 'maxBodySize', 'weight',
  'maxRequestBodyBytes']);

/** Objects whose keys are data (header names), not fields: their values are printed as they are. */
const MAP_FIELDS = new Set(['customRequestHeaders', 'customResponseHeaders', 'sslProxyHeaders',
  'healthCheck.headers', 'plugin']);

function shapeValue(value: unknown, parent: string, key: string): unknown {
  if (value === undefined || value === null) return undefined;
  if (EXTENSION_DEFAULTS.get(`${parent}.${key}`) === value) return undefined;
  const pointer = POINTER_FIELDS.has(key);
  if (typeof value === 'number') {
    if (DURATION_FIELDS.has(`${parent}.${key}`)) return value === 0 ? undefined : formatGoDuration(value);
    return value === 0 && !pointer ? undefined : value;
  }
  if (typeof value === 'boolean') return value || pointer ? value : undefined;
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    return value.map((item: unknown) => (isPlainObject(item) ? shapeObject(item, key) : item));
  }
  if (isPlainObject(value)) {
    if (MAP_FIELDS.has(key) || MAP_FIELDS.has(`${parent}.${key}`)) return value;
    return shapeObject(value, key);
  }
  return value;
}

function shapeObject(object: Readonly<Record<string, unknown>>, parent: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const shaped = shapeValue(value, parent, key);
    if (shaped !== undefined) out[key] = shaped;
  }
  return out;
}

/**
 * Converts one configuration object (a router, a service kind's config, an entry point) to
 * Traefik's JSON shape. `parent` is the key the object sits under (`loadBalancer`), which
 * decides the duration fields directly inside it. Non-objects give `{}`.
 */
export function toTraefikShape(value: unknown, parent = ''): Record<string, unknown> {
  return isPlainObject(value) ? shapeObject(value, parent) : {};
}
