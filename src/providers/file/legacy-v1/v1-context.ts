/**
 * Reading Traefik 1.x values with diagnostics: the translation context every 1.x translator
 * shares. 1.x files were decoded by Go's TOML decoder, which matches field names to struct fields
 * case-insensitively (`[backends.b.LoadBalancer]` works), so field names here match the same
 * way; map keys (frontend, backend, server, header names) keep their case.
 */
import type { Diagnostic } from '../../../config/diagnostics.ts';
import { makeDiagnostic, type ConfigPath, type Locate } from '../../../config/issue-diagnostics.ts';

/** Stable codes of the 1.x translation. */
export type V1Code =
  | 'V1_UNKNOWN_FIELD'
  | 'V1_INVALID_VALUE'
  | 'V1_INVALID_RULE'
  | 'V1_INVALID_LOAD_BALANCER_METHOD'
  | 'V1_DEPRECATED'
  | 'V1_NOT_TRANSLATED'
  | 'V1_APPROXIMATED'
  | 'V1_NEVER_MATCHES'
  | 'V1_OVERRIDDEN'
  | 'V1_PASS_HOST_HEADER_CONFLICT'
  | 'V1_NAME_CONFLICT';

/** The diagnostics so far (naming the file), and typed readers that report mistakes. */
export interface V1Context {
  readonly diagnostics: Diagnostic[];
  warn(code: V1Code, path: ConfigPath, message: string): void;
  error(code: V1Code, path: ConfigPath, message: string): void;
  /**
   * The fields of a 1.x struct, keyed by canonical name (matched case-insensitively); each
   * unknown field is a warning naming its path. `undefined` (with an error) when `value` is not
   * a map; `null` (YAML `key:` with nothing) reads as an empty struct.
   */
  fields(value: unknown, known: readonly string[], path: ConfigPath): V1Fields | undefined;
  /** A map of names to values (`servers`, `routes`, `headers`), or undefined with an error. */
  map(value: unknown, path: ConfigPath): Record<string, unknown> | undefined;
  string(value: unknown, path: ConfigPath): string | undefined;
  bool(value: unknown, path: ConfigPath): boolean | undefined;
  int(value: unknown, path: ConfigPath): number | undefined;
  stringList(value: unknown, path: ConfigPath): string[] | undefined;
}

/** One present field: the key as written (for paths) and its value. */
export interface V1Field {
  readonly key: string;
  readonly value: unknown;
}

/** Fields of a struct by canonical name. */
export type V1Fields = ReadonlyMap<string, V1Field>;

/** A translated v3 item and the 1.x path it comes from (where its diagnostics point). */
export interface V1Item {
  readonly value: Record<string, unknown>;
  readonly origin: ConfigPath;
}

/** True for a plain object (a TOML table or YAML mapping). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges two tables; anything else: the later value wins. */
function mergeTables(a: unknown, b: unknown): unknown {
  if (!isMap(a) || !isMap(b)) return b;
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = key in out ? mergeTables(out[key], value) : value;
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a table';
  return JSON.stringify(value);
}

/** Creates the context of one file; `locate` adds line:column to diagnostics when given. */
export function createV1Context(source: string, locate?: Locate): V1Context {
  const diagnostics: Diagnostic[] = [];
  const report = (severity: Diagnostic['severity'], code: V1Code, path: ConfigPath, message: string): void => {
    diagnostics.push(makeDiagnostic(severity, code, source, path, message, locate));
  };
  const ctx: V1Context = {
    diagnostics,
    warn: (code, path, message) => report('warning', code, path, message),
    error: (code, path, message) => report('error', code, path, message),

    fields(value, known, path) {
      if (value === null) return new Map();
      if (!isMap(value)) {
        ctx.error('V1_INVALID_VALUE', path, `expected a table of ${known.join(', ')}, got ${describe(value)}`);
        return undefined;
      }
      const byLowerCase = new Map(known.map((k) => [k.toLowerCase(), k]));
      const out = new Map<string, V1Field>();
      for (const [key, child] of Object.entries(value)) {
        const canonical = byLowerCase.get(key.toLowerCase());
        if (canonical === undefined) {
          ctx.warn('V1_UNKNOWN_FIELD', [...path, key],
            `unknown Traefik 1.x field "${key}" (expected one of ${known.join(', ')}); it is ignored`);
        } else {
          // `[b.healthCheck]` and `[b.healthcheck.headers]` are two TOML keys for one field
          // (1.7's own reference file wrote it so): their tables merge.
          const earlier = out.get(canonical);
          out.set(canonical, earlier === undefined ? { key, value: child } : { key: earlier.key, value: mergeTables(earlier.value, child) });
        }
      }
      return out;
    },

    map(value, path) {
      if (value === null || value === undefined) return {};
      if (isMap(value)) return value;
      ctx.error('V1_INVALID_VALUE', path, `expected a table of names to values, got ${describe(value)}`);
      return undefined;
    },

    string(value, path) {
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      ctx.error('V1_INVALID_VALUE', path, `expected a string, got ${describe(value)}`);
      return undefined;
    },

    bool(value, path) {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      ctx.error('V1_INVALID_VALUE', path, `expected true or false, got ${describe(value)}`);
      return undefined;
    },

    int(value, path) {
      const n = typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof n === 'number' && Number.isInteger(n)) return n;
      ctx.error('V1_INVALID_VALUE', path, `expected an integer, got ${describe(value)}`);
      return undefined;
    },

    stringList(value, path) {
      if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String);
      ctx.error('V1_INVALID_VALUE', path, `expected a list of strings, got ${describe(value)}`);
      return undefined;
    },
  };
  return ctx;
}

/** How a 1.x struct's fields map to v3: a v3 field name (value copied as written) or a nested struct. */
export interface V1Shape {
  readonly [v1Field: string]: string | { readonly to: string; readonly shape: V1Shape };
}

/**
 * Copies the fields of a 1.x struct into a v3 object by `shape`, renaming as it says; unknown
 * fields are warnings. Values are copied as written: the v3 schema validates them afterwards.
 */
export function copyV1Fields(value: unknown, shape: V1Shape, path: ConfigPath, ctx: V1Context): Record<string, unknown> | undefined {
  const fields = ctx.fields(value, Object.keys(shape), path);
  if (fields === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, { key, value: child }] of fields) {
    const target = shape[name]!;
    if (child === null || child === undefined) continue;
    if (typeof target === 'string') {
      out[target] = child;
    } else {
      const nested = copyV1Fields(child, target.shape, [...path, key], ctx);
      if (nested !== undefined) out[target.to] = nested;
    }
  }
  return out;
}

/** The path of field `name` as the user wrote its key (its canonical name when absent). */
export function fieldPath(path: ConfigPath, fields: V1Fields, name: string): ConfigPath {
  return [...path, fields.get(name)?.key ?? name];
}
