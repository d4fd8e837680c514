/**
 * Turns Switchyard's configuration schemas (src/config, zod) into structural OpenAPI schemas for
 * the CRDs, so a field added to the dynamic configuration shows up in the CRDs the next time
 * they are generated.
 *
 * zod's own `z.toJSONSchema` cannot help here: every scalar field of src/config is
 * `z.unknown().transform(…)` (strings, numbers and booleans are read the way Traefik's decoder
 * reads them), which JSON Schema cannot represent. Instead this walks the schema's structure —
 * objects (`configObject`), records, arrays — and asks each scalar leaf what it expects by
 * parsing a missing value: the scalar builders of src/config/scalar-schemas.ts report
 * `CONFIG_MISSING_FIELD` with "expected a string", "expected a duration", … which names the
 * type. A leaf whose answer is not recognised is a bug in this generator and throws.
 *
 * What comes out is deliberately no stricter than Traefik's CRDs, so every manifest Traefik
 * accepts still applies: no `required` (Traefik's CRDs mark none inside middleware and
 * transport specs; missing fields are reported by the translator), no enum or bounds (our
 * words are case-insensitive and our bounds are checked, with a path, when translating).
 * Durations become int-or-string, as Traefik's `intstr.IntOrString` durations are.
 */
import { z } from 'zod';
import {
  boolean, integer, intOrString, list, map, object, string, type OpenApiSchema,
} from './openapi.ts';

/** Peels wrappers that do not change the shape: optional, default, prefault, preprocess, post-transforms. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
      current = current.def.innerType as z.ZodType;
      continue;
    }
    if (current instanceof z.ZodPipe) {
      const input = current.def.in as z.ZodType;
      const output = current.def.out as z.ZodType;
      // z.preprocess(fn, schema): the shape is the schema's.
      if (input instanceof z.ZodTransform) {
        current = output;
        continue;
      }
      // schema.transform(fn) on a structured schema: the shape is the input's. A scalar leaf is
      // itself `z.unknown().transform(…)`, which stays as it is.
      if (output instanceof z.ZodTransform && !(input instanceof z.ZodUnknown)) {
        current = input;
        continue;
      }
    }
    return current;
  }
}

/** What a scalar leaf says it expects when its value is missing ("a string", "a duration", …). */
function expectedOf(leaf: z.ZodType): string | undefined {
  const result = leaf.safeParse(undefined);
  if (result.success) return undefined;
  for (const issue of result.error.issues) {
    const params = (issue as { params?: { code?: unknown } }).params;
    const match = /expected (.+)$/.exec(issue.message);
    if (params?.code === 'CONFIG_MISSING_FIELD' && match !== null) return match[1];
  }
  return undefined;
}

function leafSchema(leaf: z.ZodType, path: string): OpenApiSchema {
  const expected = expectedOf(leaf);
  switch (expected) {
    case 'a string': return string();
    case 'an integer': return integer();
    case 'a number': return { type: 'number' };
    case 'true or false': return boolean();
    case 'a list of strings': return list(string());
    case 'a duration': return intOrString();
    default:
      if (expected?.startsWith('one of ') === true) return string();
      throw new Error(`openApiFromZod: cannot tell the type of ${path || 'the schema'} (expected: ${expected ?? 'nothing reported'})`);
  }
}

/**
 * The structural OpenAPI schema of a src/config schema. `path` only names the field in the
 * error thrown for a leaf this generator does not recognise.
 */
export function openApiFromZod(schema: z.ZodType, path = ''): OpenApiSchema {
  const shape = unwrap(schema);
  if (shape instanceof z.ZodObject) {
    const properties: Record<string, OpenApiSchema> = {};
    for (const [key, field] of Object.entries(shape.shape as Record<string, z.ZodType>)) {
      properties[key] = openApiFromZod(field, path === '' ? key : `${path}.${key}`);
    }
    return object(properties);
  }
  if (shape instanceof z.ZodRecord) {
    const values = unwrap(shape.def.valueType as z.ZodType);
    // Opaque values (a plugin's configuration) are kept as written, as Traefik's CRD does.
    if (values instanceof z.ZodUnknown) return map({ 'x-kubernetes-preserve-unknown-fields': true });
    return map(openApiFromZod(values, `${path}.*`));
  }
  if (shape instanceof z.ZodArray) return list(openApiFromZod(shape.element as z.ZodType, `${path}[]`));
  return leafSchema(shape, path);
}

/** How a CRD object differs from the configuration object it is generated from. */
export interface ObjectChanges {
  /** Fields of the configuration that the CRD does not have (e.g. file paths, replaced by Secrets). */
  readonly omit?: readonly string[];
  /** Fields the CRD has instead, or shapes it where the configuration differs (references to objects). */
  readonly set?: Readonly<Record<string, OpenApiSchema>>;
}

/**
 * The object schema of a src/config object schema with CRD-specific changes applied. Every
 * omitted field must exist in the configuration schema, so a field renamed there fails
 * generation instead of silently leaving a stale change here.
 */
export function objectFromZod(schema: z.ZodType, changes: ObjectChanges = {}, path = ''): OpenApiSchema {
  const base = openApiFromZod(schema, path);
  if (base.type !== 'object') throw new Error(`objectFromZod: ${path || 'the schema'} is not an object`);
  const properties: Record<string, OpenApiSchema> = { ...base.properties };
  for (const key of changes.omit ?? []) {
    if (!(key in properties)) throw new Error(`objectFromZod: ${path}.${key} is not a field of the configuration schema`);
    delete properties[key];
  }
  return object({ ...properties, ...changes.set });
}
