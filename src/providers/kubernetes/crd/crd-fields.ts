/**
 * Typed reads of CRD fields. The API server validates objects against the CRD's schema, but
 * objects of the legacy group may come from CRDs without one, and fixtures are hand-written, so
 * every read checks the type and reports a wrong one (`CRD_INVALID_FIELD`, with the path) instead
 * of guessing. Absent fields (missing or null) read as undefined without a diagnostic.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import type { ObjectReport } from './crd-report.ts';

/** True for a plain object (a YAML mapping / JSON object). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

function wrongType(report: ObjectReport, path: ConfigPath, expected: string, value: unknown): undefined {
  report.error('CRD_INVALID_FIELD', path, `expected ${expected}, got ${describe(value)}`);
  return undefined;
}

/** An object field. */
export function readMap(report: ObjectReport, value: unknown, path: ConfigPath): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  return isMap(value) ? value : wrongType(report, path, 'an object', value);
}

/** A list field. */
export function readList(report: ObjectReport, value: unknown, path: ConfigPath): readonly unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value : wrongType(report, path, 'a list', value);
}

/** A string field. */
export function readString(report: ObjectReport, value: unknown, path: ConfigPath): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : wrongType(report, path, 'a string', value);
}

/** A string field that must be present and non-empty. */
export function readRequiredString(report: ObjectReport, value: unknown, path: ConfigPath): string | undefined {
  const text = readString(report, value, path);
  if (text === undefined && (value === undefined || value === null)) {
    report.error('CRD_INVALID_FIELD', path, 'required field is missing');
    return undefined;
  }
  if (text === '') {
    report.error('CRD_INVALID_FIELD', path, 'must not be empty');
    return undefined;
  }
  return text;
}

/** A boolean field. */
export function readBool(report: ObjectReport, value: unknown, path: ConfigPath): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'boolean' ? value : wrongType(report, path, 'true or false', value);
}

/** An integer field. */
export function readInt(report: ObjectReport, value: unknown, path: ConfigPath): number | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isInteger(value) ? value : wrongType(report, path, 'an integer', value);
}

/** Kubernetes IntOrString (a port number or a port name). */
export function readIntOrString(report: ObjectReport, value: unknown, path: ConfigPath): number | string | undefined {
  if (value === undefined || value === null) return undefined;
  if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'string') return value;
  return wrongType(report, path, 'a number or a name', value);
}

/** A list of strings. */
export function readStringList(report: ObjectReport, value: unknown, path: ConfigPath): string[] | undefined {
  const list = readList(report, value, path);
  if (list === undefined) return undefined;
  const out: string[] = [];
  list.forEach((item, index) => {
    const text = readString(report, item, [...path, index]);
    if (text !== undefined) out.push(text);
  });
  return out;
}

/** The `spec` of an object (an error when it is absent or not an object). */
export function readSpec(report: ObjectReport): Record<string, unknown> | undefined {
  const spec = report.object.spec;
  if (spec === undefined || spec === null) {
    report.error('CRD_INVALID_FIELD', ['spec'], 'required field is missing');
    return undefined;
  }
  return readMap(report, spec, ['spec']);
}

/** A copy of `map` without `keys` (and without absent members). */
export function omitKeys(map: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    if (!keys.includes(key) && value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

/**
 * `value` with null members removed at every depth. The API server drops null fields of a CRD
 * object that its schema does not mark nullable (`cookie:` with nothing never reaches Traefik),
 * whereas the dynamic-config schemas read null as "enabled with defaults"; removing them keeps
 * Kubernetes' meaning.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(withoutNulls);
  if (!isMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null && member !== undefined) out[key] = withoutNulls(member);
  }
  return out;
}
