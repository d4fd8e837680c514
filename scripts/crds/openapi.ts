/**
 * The OpenAPI v3 subset a CustomResourceDefinition's `openAPIV3Schema` uses, and small
 * constructors for the parts of the CRD shapes that are written by hand (Kubernetes references,
 * int-or-string ports). Every schema built here is structural (each node states its type), as
 * apiextensions.k8s.io/v1 requires.
 */

/** One node of a structural schema. */
export interface OpenApiSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly description?: string;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly additionalProperties?: OpenApiSchema;
  readonly items?: OpenApiSchema;
  readonly required?: readonly string[];
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly anyOf?: readonly OpenApiSchema[];
  readonly 'x-kubernetes-int-or-string'?: true;
  readonly 'x-kubernetes-preserve-unknown-fields'?: true;
}

/** Extra keywords a constructor may add to a node. */
export type Extras = Pick<OpenApiSchema, 'description' | 'enum' | 'minimum' | 'maximum'>;

/** Returns `schema` with `description` set (or replaced). */
export function describe(schema: OpenApiSchema, description: string): OpenApiSchema {
  return { ...schema, description };
}

/** `type: string`. */
export function string(extras: Extras = {}): OpenApiSchema {
  return { type: 'string', ...extras };
}

/** `type: integer`. */
export function integer(extras: Extras = {}): OpenApiSchema {
  return { type: 'integer', ...extras };
}

/** `type: boolean`. */
export function boolean(extras: Extras = {}): OpenApiSchema {
  return { type: 'boolean', ...extras };
}

/** Kubernetes' IntOrString (ports by number or name; durations as seconds or Go text). */
export function intOrString(extras: Extras = {}): OpenApiSchema {
  return { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true, ...extras };
}

/** `type: array` of `items`. */
export function list(items: OpenApiSchema, extras: Extras = {}): OpenApiSchema {
  return { type: 'array', items, ...extras };
}

/** A map from string keys to `values`. */
export function map(values: OpenApiSchema, extras: Extras = {}): OpenApiSchema {
  return { type: 'object', additionalProperties: values, ...extras };
}

/** An object with `properties` (written in sorted order) and optional `required` names. */
export function object(
  properties: Readonly<Record<string, OpenApiSchema>>, options: Extras & { readonly required?: readonly string[] } = {},
): OpenApiSchema {
  const { required, ...extras } = options;
  const sorted = Object.fromEntries(Object.keys(properties).sort().map((k) => [k, properties[k]!]));
  return {
    type: 'object',
    ...extras,
    ...(Object.keys(sorted).length > 0 ? { properties: sorted } : {}),
    ...(required !== undefined && required.length > 0 ? { required: [...required].sort() } : {}),
  };
}
