/**
 * Scalar field schemas that read values the way Traefik's decoder (paerser) does: every value
 * may also arrive as a string (CLI flags, environment variables, quoted YAML), so strings are
 * converted to numbers and booleans, numbers to strings, and a comma-separated string to a list.
 */
import { z } from 'zod';
import { parseGoDuration } from './duration.ts';
import { addIssue, describeValue } from './issue-codes.ts';

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function required(value: unknown, ctx: z.core.$RefinementCtx, expected: string): boolean {
  if (value !== undefined) return true;
  addIssue(ctx, 'CONFIG_MISSING_FIELD', `required field is missing; expected ${expected}`);
  return false;
}

/** A string; numbers and booleans are accepted as their text. */
export function str() {
  return z.unknown().transform((value, ctx): string => {
    if (!required(value, ctx, 'a string')) return z.NEVER;
    if (isScalar(value)) return String(value);
    addIssue(ctx, 'CONFIG_INVALID_TYPE', `expected a string, got ${describeValue(value)}`);
    return z.NEVER;
  });
}

/** A string that must not be empty (Traefik rejects the item when it is). */
export function nonEmptyStr() {
  return str().superRefine((value, ctx) => {
    if (value.trim() === '') addIssue(ctx, 'CONFIG_INVALID_VALUE', 'must not be empty');
  });
}

/** An integer (`42` or `"42"`), optionally bounded. */
export function int(bounds: { min?: number; max?: number } = {}) {
  return z.unknown().transform((value, ctx): number => {
    if (!required(value, ctx, 'an integer')) return z.NEVER;
    const n = typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      addIssue(ctx, 'CONFIG_INVALID_TYPE', `expected an integer, got ${describeValue(value)}`);
      return z.NEVER;
    }
    if ((bounds.min !== undefined && n < bounds.min) || (bounds.max !== undefined && n > bounds.max)) {
      const range = bounds.max === undefined ? `at least ${bounds.min}` : bounds.min === undefined
        ? `at most ${bounds.max}` : `between ${bounds.min} and ${bounds.max}`;
      addIssue(ctx, 'CONFIG_INVALID_VALUE', `must be ${range}, got ${n}`);
      return z.NEVER;
    }
    return n;
  });
}

/** A number (`0.5` or `"0.5"`). */
export function num() {
  return z.unknown().transform((value, ctx): number => {
    if (!required(value, ctx, 'a number')) return z.NEVER;
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      addIssue(ctx, 'CONFIG_INVALID_TYPE', `expected a number, got ${describeValue(value)}`);
      return z.NEVER;
    }
    return n;
  });
}

const trueWords = new Set(['1', 't', 'true']);
const falseWords = new Set(['0', 'f', 'false']);

/** A boolean; strings as Go's `strconv.ParseBool` reads them (`true`, `False`, `1`, `t`, …). */
export function bool() {
  return z.unknown().transform((value, ctx): boolean => {
    if (!required(value, ctx, 'true or false')) return z.NEVER;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' || typeof value === 'number') {
      const word = String(value).trim().toLowerCase();
      if (trueWords.has(word)) return true;
      if (falseWords.has(word)) return false;
    }
    addIssue(ctx, 'CONFIG_INVALID_TYPE', `expected true or false, got ${describeValue(value)}`);
    return z.NEVER;
  });
}

/** A list of strings; a single string is split on commas as Traefik's CLI and labels do. */
export function stringList() {
  return z.unknown().transform((value, ctx): string[] => {
    if (!required(value, ctx, 'a list of strings')) return z.NEVER;
    if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (!Array.isArray(value)) {
      addIssue(ctx, 'CONFIG_INVALID_TYPE', `expected a list of strings, got ${describeValue(value)}`);
      return z.NEVER;
    }
    const out: string[] = [];
    value.forEach((item: unknown, index) => {
      if (isScalar(item)) out.push(String(item));
      else addIssue(ctx, 'CONFIG_INVALID_TYPE', `expected a string, got ${describeValue(item)}`, [index]);
    });
    return out;
  });
}

/**
 * A Go duration (`10s`, `1m30s`, `100ms`) or an integer number of seconds, as milliseconds.
 * `check` may reject values Traefik would silently replace (e.g. a health-check interval ≤ 0).
 */
export function duration(check?: (ms: number) => string | undefined) {
  return z.unknown().transform((value, ctx): number => {
    if (!required(value, ctx, 'a duration')) return z.NEVER;
    let ms: number | null = null;
    if (typeof value === 'number') ms = Number.isInteger(value) ? value * 1000 : null;
    else if (typeof value === 'string') ms = parseGoDuration(value);
    if (ms === null) {
      addIssue(ctx, 'CONFIG_INVALID_DURATION',
        `expected a duration like "10s", "1m30s" or "100ms" (or an integer number of seconds), got ${describeValue(value)}`);
      return z.NEVER;
    }
    const problem = check?.(ms);
    if (problem !== undefined) {
      addIssue(ctx, 'CONFIG_INVALID_VALUE', problem);
      return z.NEVER;
    }
    return ms;
  });
}

/** Rejects a duration ≤ 0 (Traefik logs and replaces it with its default). */
export function positiveDuration(defaultText: string) {
  return duration((ms) => (ms > 0 ? undefined
    : `must be greater than 0 (Traefik would silently use ${defaultText} instead)`));
}

/**
 * One of a fixed set of words. Unknown words are errors (Traefik often logs and falls back to a
 * default instead; Switchyard disables the item). With `caseInsensitive`, the value is
 * lower-cased first.
 */
export function oneOf<const T extends readonly string[]>(values: T, options: { caseInsensitive?: boolean } = {}) {
  return z.unknown().transform((value, ctx): T[number] => {
    if (!required(value, ctx, `one of ${values.join(', ')}`)) return z.NEVER;
    if (isScalar(value)) {
      const text = options.caseInsensitive === true ? String(value).toLowerCase() : String(value);
      if ((values as readonly string[]).includes(text)) return text;
    }
    const shown = values.map((v) => (v === '' ? '""' : v)).join(', ');
    addIssue(ctx, 'CONFIG_INVALID_VALUE', `expected one of ${shown}, got ${describeValue(value)}`);
    return z.NEVER;
  });
}

const statusRange = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/;

/** HTTP status ranges `"500"` or `"500-599"` (inclusive), as strings the way Traefik keeps them. */
export function statusRanges() {
  return stringList().superRefine((list, ctx) => {
    list.forEach((item, index) => {
      const match = statusRange.exec(item);
      if (match === null || (match[2] !== undefined && Number(match[2]) < Number(match[1]))) {
        addIssue(ctx, 'CONFIG_INVALID_VALUE', `expected a status code or range like "500" or "500-599", got "${item}"`, [index]);
      }
    });
  });
}

/** A map of string values (`customRequestHeaders`, `headers`); keys keep their case. */
export function stringMap() {
  return z.record(z.string(), str());
}
