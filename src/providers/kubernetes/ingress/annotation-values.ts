/**
 * Typed reading of annotation values (always strings in Kubernetes): booleans as Go's
 * strconv.ParseBool reads them (Traefik decodes annotations with it), integers, comma-separated
 * lists. A value that does not parse is an error diagnostic naming the annotation, and the reader
 * returns `null` so the caller can leave the object out; an absent annotation is `undefined`.
 */
import type { KubeObject } from '../kube-objects.ts';
import { annotationPath, type DiagnosticSink } from './ingress-diagnostics.ts';

/** Reads the annotations of one object. Keys are exact annotation names. */
export interface AnnotationReader {
  readonly object: KubeObject;
  /** Every annotation of the object. */
  readonly all: Readonly<Record<string, string>>;
  has(key: string): boolean;
  string(key: string): string | undefined;
  bool(key: string): boolean | undefined | null;
  int(key: string, bounds?: { readonly min?: number; readonly max?: number }): number | undefined | null;
  /** Comma-separated, trimmed, empty items dropped. */
  list(key: string): string[] | undefined;
  /** Reports an invalid value of `key` and returns null. */
  invalid(key: string, message: string): null;
}

const trueWords = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const falseWords = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool. */
export function parseGoBool(value: string): boolean | undefined {
  const v = value.trim();
  if (trueWords.has(v)) return true;
  if (falseWords.has(v)) return false;
  return undefined;
}

/**
 * The annotations of an object as strings. The API server only stores strings; a hand-fed
 * object may hold numbers or booleans (an unquoted YAML value), read as their text; anything
 * else is dropped.
 */
export function stringAnnotations(object: KubeObject): Readonly<Record<string, string>> {
  const raw: unknown = object.metadata.annotations;
  if (typeof raw !== 'object' || raw === null) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
  }
  return out;
}

/** Creates a reader over `object`'s annotations reporting to `sink`. */
export function readAnnotations(object: KubeObject, sink: DiagnosticSink): AnnotationReader {
  const all = stringAnnotations(object);
  const reader: AnnotationReader = {
    object,
    all,
    has: (key) => Object.hasOwn(all, key),
    string: (key) => (Object.hasOwn(all, key) ? all[key] : undefined),
    invalid(key, message) {
      sink.error('INGRESS_ANNOTATION_INVALID', object, annotationPath(key), message);
      return null;
    },
    bool(key) {
      const value = reader.string(key);
      if (value === undefined) return undefined;
      const parsed = parseGoBool(value);
      return parsed === undefined ? reader.invalid(key, `expected true or false, got ${JSON.stringify(value)}`) : parsed;
    },
    int(key, bounds = {}) {
      const value = reader.string(key);
      if (value === undefined) return undefined;
      const trimmed = value.trim();
      if (!/^[+-]?\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
        return reader.invalid(key, `expected an integer, got ${JSON.stringify(value)}`);
      }
      const n = Number(trimmed);
      if ((bounds.min !== undefined && n < bounds.min) || (bounds.max !== undefined && n > bounds.max)) {
        const range = bounds.max === undefined ? `at least ${bounds.min}` : bounds.min === undefined ? `at most ${bounds.max}` : `from ${bounds.min} to ${bounds.max}`;
        return reader.invalid(key, `expected an integer ${range}, got ${n}`);
      }
      return n;
    },
    list(key) {
      const value = reader.string(key);
      if (value === undefined) return undefined;
      return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    },
  };
  return reader;
}
