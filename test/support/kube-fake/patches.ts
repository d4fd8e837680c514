/**
 * The PATCH bodies the API server accepts:
 * - JSON merge patch (RFC 7386, `application/merge-patch+json`);
 * - strategic merge patch (`application/strategic-merge-patch+json`), approximated: a merge
 *   patch whose lists of objects merge by the usual key when the field is one of the well-known
 *   ones (containers, env, volumes, ports, ...; the real server reads the key from the Go type),
 *   with the `$patch`, `$setElementOrder/`, `$deleteFromPrimitiveList/` and `$retainKeys`
 *   directives kubectl sends;
 * - JSON patch (RFC 6902, `application/json-patch+json`).
 * Server-side apply is handled by the caller as a merge of the applied configuration.
 */
import { cloneJson, isRecord, jsonEqual, type JsonRecord } from './fake-object.ts';

/** RFC 7386: objects merge recursively, `null` removes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return cloneJson(patch);
  const result: JsonRecord = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** Merge keys of the list fields kubectl patches strategically (k8s.io/api `patchMergeKey`). */
function mergeKeyFor(field: string, items: readonly unknown[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'ports':
      // Container ports merge by containerPort, Service ports by port.
      return items.some((i) => isRecord(i) && 'containerPort' in i) ? 'containerPort' : 'port';
    default:
      return undefined;
  }
}

/** Primitive lists with patchStrategy merge (union instead of replace). */
const mergedPrimitiveLists = new Set(['finalizers']);

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => !(isRecord(v) && v['$patch'] !== undefined && Object.keys(v).length === 1)).map(stripDirectives);
  if (!isRecord(value)) return value;
  const out: JsonRecord = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/')) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

function mergeList(original: unknown, patch: readonly unknown[], field: string): unknown[] {
  if (patch.some((p) => isRecord(p) && p['$patch'] === 'replace')) {
    return stripDirectives(patch.filter((p) => !(isRecord(p) && p['$patch'] === 'replace'))) as unknown[];
  }
  const base = Array.isArray(original) ? original : [];
  if (mergedPrimitiveLists.has(field) && patch.every((p) => !isRecord(p))) {
    return [...base, ...patch.filter((p) => !base.some((b) => jsonEqual(b, p)))];
  }
  const key = mergeKeyFor(field, [...base, ...patch]);
  if (key === undefined || !patch.every(isRecord)) return stripDirectives(patch) as unknown[];
  const result = base.map((item) => cloneJson(item));
  for (const item of patch as JsonRecord[]) {
    const index = result.findIndex((r) => isRecord(r) && jsonEqual(r[key], item[key]));
    if (item['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = applyStrategicMergePatch(result[index], item);
    } else {
      result.push(stripDirectives(item));
    }
  }
  return result;
}

function orderList(list: unknown[], order: readonly unknown[], field: string): unknown[] {
  const key = mergeKeyFor(field, list);
  const position = (item: unknown): number => {
    const index = order.findIndex((o) => (key !== undefined && isRecord(o) && isRecord(item) ? jsonEqual(o[key], item[key]) : jsonEqual(o, item)));
    return index < 0 ? order.length : index;
  };
  return list.map((item, i) => ({ item, i })).sort((a, b) => position(a.item) - position(b.item) || a.i - b.i).map((e) => e.item);
}

/** Strategic merge patch, approximated as described in the header. */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return cloneJson(patch);
  if (patch['$patch'] === 'replace') return stripDirectives(patch);
  if (patch['$patch'] === 'delete') return undefined;
  const result: JsonRecord = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/') || key.startsWith('$deleteFromPrimitiveList/')) continue;
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(result[key], value, key);
    else if (isRecord(value)) {
      const merged = applyStrategicMergePatch(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else result[key] = value;
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/') && Array.isArray(value)) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const list = result[field];
      if (Array.isArray(list)) result[field] = list.filter((item) => !value.some((v) => jsonEqual(v, item)));
    }
    if (key.startsWith('$setElementOrder/') && Array.isArray(value)) {
      const field = key.slice('$setElementOrder/'.length);
      const list = result[field];
      if (Array.isArray(list)) result[field] = orderList(list, value, field);
    }
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

/** A JSON patch operation that cannot be applied; the server answers 422. */
export class JsonPatchError extends Error {}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(doc: unknown, path: string[]): { parent: unknown; last: string } {
  let current = doc;
  for (const part of path.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isRecord(current)) current = current[part];
    else current = undefined;
    if (current === undefined) throw new JsonPatchError(`path /${path.join('/')} does not exist`);
  }
  return { parent: current, last: path[path.length - 1] ?? '' };
}

function getAt(doc: unknown, pointer: string): unknown {
  const path = decodePointer(pointer);
  if (path.length === 0) return doc;
  const { parent, last } = parentOf(doc, path);
  const value = Array.isArray(parent) ? parent[Number(last)] : isRecord(parent) ? parent[last] : undefined;
  if (value === undefined) throw new JsonPatchError(`path ${pointer} does not exist`);
  return value;
}

function removeAt(doc: unknown, pointer: string): unknown {
  const { parent, last } = parentOf(doc, decodePointer(pointer));
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) throw new JsonPatchError(`path ${pointer} does not exist`);
    return parent.splice(index, 1)[0];
  }
  if (!isRecord(parent) || !Object.hasOwn(parent, last)) throw new JsonPatchError(`path ${pointer} does not exist`);
  const value = parent[last];
  delete parent[last];
  return value;
}

function addAt(doc: unknown, pointer: string, value: unknown, replace: boolean): unknown {
  const path = decodePointer(pointer);
  if (path.length === 0) return cloneJson(value);
  const { parent, last } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length || (replace && index === parent.length)) throw new JsonPatchError(`path ${pointer} is out of range`);
    parent.splice(index, replace ? 1 : 0, cloneJson(value));
  } else if (isRecord(parent)) {
    if (replace && !Object.hasOwn(parent, last)) throw new JsonPatchError(`path ${pointer} does not exist`);
    parent[last] = cloneJson(value);
  } else {
    throw new JsonPatchError(`path ${pointer} does not exist`);
  }
  return doc;
}

/** RFC 6902 on a copy of `target`; throws JsonPatchError when an operation cannot apply. */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new JsonPatchError('a JSON patch must be an array of operations');
  let doc = cloneJson(target);
  for (const op of operations) {
    if (!isRecord(op) || typeof op['op'] !== 'string' || typeof op['path'] !== 'string') throw new JsonPatchError('each operation needs "op" and "path"');
    const path = op['path'];
    switch (op['op']) {
      case 'add': doc = addAt(doc, path, op['value'], false); break;
      case 'replace': doc = addAt(doc, path, op['value'], true); break;
      case 'remove': removeAt(doc, path); break;
      case 'test':
        if (!jsonEqual(getAt(doc, path), op['value'])) throw new JsonPatchError(`test failed at ${path}`);
        break;
      case 'copy': doc = addAt(doc, path, getAt(doc, String(op['from'])), false); break;
      case 'move': {
        const value = removeAt(doc, String(op['from']));
        doc = addAt(doc, path, value, false);
        break;
      }
      default: throw new JsonPatchError(`unknown operation "${op['op']}"`);
    }
  }
  return doc;
}
