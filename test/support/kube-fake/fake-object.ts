/**
 * The JSON shape of an object as the fake API server stores and serves it, and the few
 * operations on plain JSON the other modules share (copy, compare, read a dotted field).
 * Stored objects always carry `apiVersion` and `kind`; the list handler strips them from items of
 * built-in kinds, as the real API server does (kubernetes/kubernetes#3030).
 */

/** `metadata` of a stored object; fields the server does not interpret pass through untouched. */
export interface FakeObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion?: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  [field: string]: unknown;
}

/** Any API object: typed metadata, everything else plain JSON. */
export interface FakeObject {
  apiVersion: string;
  kind: string;
  metadata: FakeObjectMeta;
  [field: string]: unknown;
}

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of a JSON value. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/** Structural equality of two JSON values (key order ignored, `undefined` members ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    return keysA.length === keysB.length && keysA.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The value at a dotted path (`metadata.name`, `spec.nodeName`), or undefined. */
export function readPath(object: unknown, path: string): unknown {
  let current = object;
  for (const part of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** Store key of an object: `namespace/name`, or `name` for cluster-scoped kinds (etcd orders by it). */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

/** The object without the fields the server owns (for "did anything change" comparisons). */
export function withoutServerFields(object: FakeObject): FakeObject {
  const { resourceVersion: _rv, generation: _gen, managedFields: _mf, ...metadata } = object.metadata;
  return { ...object, metadata: metadata as FakeObjectMeta };
}
