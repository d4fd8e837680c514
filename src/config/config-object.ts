/**
 * Object schemas for configuration sections, read the way Traefik's decoder reads them:
 *  - field names match case-insensitively (`passhostheader` is `passHostHeader`, as in
 *    Traefik's file provider and labels) and come out in their canonical spelling;
 *  - an unknown field is an error naming the nearest valid field;
 *  - a field present but empty (`cookie:` in YAML, i.e. null) enables an object-valued field
 *    with its defaults (Traefik's `allowEmpty`) and means "absent" for any other field;
 *  - `true` on an object-valued field enables it with its defaults, `false` leaves it out.
 */
import { z } from 'zod';
import { addIssue, type IssueContext } from './issue-codes.ts';
import { unknownNameMessage } from './nearest-name.ts';

const objectSchemas = new WeakSet<z.ZodType>();

/** Peels optional/default wrappers to find the schema that reads the value. */
function innermost(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
      current = current.def.innerType as z.ZodType;
    } else {
      return current;
    }
  }
}

/** Deep-merges two raw maps; on conflicts the second wins. */
function mergeObjects(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? mergeObjects(existing, value) : value;
  }
  return out;
}

/** True for a plain object (a YAML/TOML mapping), not a list or scalar. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object schema with case-insensitive field names, unknown-field diagnostics with a
 * suggestion, and optional cross-field `refine` checks run on the parsed value.
 */
export function configObject<S extends z.ZodRawShape>(
  shape: S,
  refine?: (value: z.output<z.ZodObject<S>>, ctx: IssueContext) => void,
) {
  const keys = Object.keys(shape);
  const byLowerCase = new Map(keys.map((key) => [key.toLowerCase(), key]));
  const unknownField = z.unknown().superRefine((_value, ctx) => {
    // The key is the last path element; the converter to diagnostics names it.
    addIssue(ctx, 'CONFIG_UNKNOWN_FIELD', '', [], { knownFields: keys });
  });
  const inner = z.object(shape).catchall(unknownField);
  const schema = z.preprocess((input) => {
    if (input === null) return {};
    if (!isPlainObject(input)) return input;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      const canonical = byLowerCase.get(key.toLowerCase()) ?? key;
      const child = shape[canonical] as z.ZodType | undefined;
      const isObjectField = child !== undefined && objectSchemas.has(innermost(child));
      if (value === null && child !== undefined) {
        if (isObjectField) out[canonical] = {};
        continue;
      }
      // `--api=true`, `--accesslog=true`, `TRAEFIK_PING=true`: a boolean on a section
      // enables it with its defaults; false leaves it out (Traefik's CLI and env syntax).
      if (isObjectField && (value === true || value === false || value === 'true' || value === 'false')) {
        if (value === true || value === 'true') out[canonical] = {};
        continue;
      }
      // `--ENTRYPOINTS.a.address` and `--entrypoints.a.asDefault` name the same section.
      const existing = out[canonical];
      out[canonical] = isPlainObject(existing) && isPlainObject(value) ? mergeObjects(existing, value) : value;
    }
    return out;
  }, inner).transform((value, ctx) => {
    // Unknown keys were reported above (the item is rejected), so the value has the shape's type.
    const known = value as z.output<z.ZodObject<S>>;
    refine?.(known, ctx);
    return known;
  });
  objectSchemas.add(schema);
  return schema;
}

/** Message for an unknown field (used by the issue → diagnostic converter). */
export function unknownFieldMessage(field: string, knownFields: readonly string[]): string {
  return unknownNameMessage('field', field, knownFields);
}
