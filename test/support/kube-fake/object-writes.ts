/**
 * What the API server does on create, update, patch and delete, on top of storage: server-owned
 * metadata (uid, creationTimestamp, resourceVersion, generation bumped only when something other
 * than metadata — and status, for types with a status subresource — changes), optimistic
 * concurrency (409 Conflict on a stale resourceVersion), the status subresource (status written
 * only through it, never through the main resource), no-op updates that change nothing (no new
 * resourceVersion, no event, as etcd's guaranteed update), finalizers (delete only marks
 * deletionTimestamp until they are gone), and the side effects of a few controllers a real
 * cluster runs at once: namespace contents deleted with the namespace, dependents of a deleted
 * owner collected, CRDs registering their types and reporting Established, the
 * DefaultIngressClass admission plugin.
 *
 * Differences from a real server: those controllers act synchronously, within the request (a
 * deleted Namespace has no Terminating phase: its objects are gone when the DELETE returns, so
 * `kubectl delete -f` of a manifest that holds its Namespace reports the rest NotFound); every
 * kind gets `generation` (real servers set it only for kinds whose strategy does); no schema
 * validation, defaulting beyond Service type/sessionAffinity and Namespace phase, or field
 * managers.
 */
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { alreadyExists, badRequest, conflict, invalid, KubeApiError, notFound } from './api-errors.ts';
import { cloneJson, isRecord, jsonEqual, objectKey, withoutServerFields, type FakeObject, type FakeObjectMeta, type JsonRecord } from './fake-object.ts';
import type { ObjectStore } from './object-store.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, JsonPatchError } from './patches.ts';
import { apiVersionOf, builtInResources, resourceFromCrd, type ResourceRegistry, type ResourceType } from './resource-registry.ts';

export interface WriteContext {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  /** Wall-clock time for creationTimestamp and deletionTimestamp. */
  readonly now: () => Date;
}

export interface WriteOptions {
  /** `?dryRun=All`: everything but the write. */
  readonly dryRun?: boolean;
  /** Test helpers write status as given (the HTTP API drops it on create and keeps the stored one on update). */
  readonly keepStatus?: boolean;
  /** The `/status` subresource. */
  readonly subresource?: 'status';
}

/** Kubernetes timestamps: RFC 3339, whole seconds, UTC. */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

const namespaceName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkTypeMeta(type: ResourceType, version: string, body: JsonRecord): void {
  const expected = apiVersionOf(type.group, version);
  const apiVersion = body['apiVersion'];
  const kind = body['kind'];
  if (apiVersion !== undefined && apiVersion !== '' && !type.versions.some((v) => apiVersionOf(type.group, v) === apiVersion)) {
    throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (kind !== undefined && kind !== '' && kind !== type.kind) {
    throw badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${type.kind})`);
  }
}

function metadataOf(body: JsonRecord): FakeObjectMeta {
  const metadata = body['metadata'];
  return (isRecord(metadata) ? cloneJson(metadata) : {}) as FakeObjectMeta;
}

function checkName(type: ResourceType, name: string): void {
  if (name === '') throw invalid(type.kind, type.group, name, 'metadata.name: Required value: name or generateName is required');
  if (name === '.' || name === '..' || /[/%]/.test(name)) throw invalid(type.kind, type.group, name, `metadata.name: Invalid value: "${name}": may not contain '/' or '%'`);
  if (type.key === 'namespaces' && (!namespaceName.test(name) || name.length > 63)) {
    throw invalid(type.kind, type.group, name, `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`);
  }
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

/** The parts whose change bumps `generation`. */
function specPart(type: ResourceType, object: FakeObject): JsonRecord {
  const { metadata: _m, status, ...rest } = object;
  return type.status ? rest : { ...rest, status };
}

/** CRD status as the apiextensions controllers set it once the names are accepted. */
function crdStatus(crd: FakeObject, now: Date): JsonRecord {
  const spec = crd['spec'] as JsonRecord;
  const versions = (spec['versions'] as JsonRecord[]).filter((v) => v['storage'] === true).map((v) => v['name']);
  const time = kubeTime(now);
  return {
    acceptedNames: cloneJson(spec['names']),
    conditions: [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: time },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: time },
    ],
    storedVersions: versions,
  };
}

/** DefaultIngressClass admission: an Ingress without a class gets the default IngressClass (the newest if several). */
function defaultIngressClass(ctx: WriteContext): string | undefined {
  const defaults = ctx.store.list('ingressclasses.networking.k8s.io')
    .filter((c) => c.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true')
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
  return defaults[0]?.metadata.name;
}

function admit(ctx: WriteContext, type: ResourceType, object: FakeObject): void {
  switch (type.key) {
    case 'namespaces':
      object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name };
      object['spec'] = { finalizers: ['kubernetes'], ...(isRecord(object['spec']) ? object['spec'] : {}) };
      object['status'] = { phase: 'Active' };
      break;
    case 'services': {
      const spec = isRecord(object['spec']) ? object['spec'] : {};
      object['spec'] = { type: 'ClusterIP', sessionAffinity: 'None', ...spec };
      break;
    }
    case 'ingresses.networking.k8s.io': {
      const spec = isRecord(object['spec']) ? object['spec'] : {};
      const defaultClass = spec['ingressClassName'] === undefined ? defaultIngressClass(ctx) : undefined;
      if (defaultClass !== undefined) object['spec'] = { ...spec, ingressClassName: defaultClass };
      break;
    }
    case 'customresourcedefinitions.apiextensions.k8s.io':
      try {
        const served = resourceFromCrd(object);
        if (builtInResources.some((t) => t.key === served.key)) throw new Error(`spec.group: Invalid value: "${served.group}": ${served.plural} is a built-in resource`);
      } catch (error) {
        throw invalid(type.kind, type.group, object.metadata.name, (error as Error).message);
      }
      object['status'] = crdStatus(object, ctx.now());
      break;
    default:
      break;
  }
}

/** Registers or unregisters a CRD's types once it is stored (after the write, so a failed write changes nothing). */
function afterWrite(ctx: WriteContext, type: ResourceType, object: FakeObject, deleted: boolean): void {
  if (type.key !== 'customresourcedefinitions.apiextensions.k8s.io') return;
  if (deleted) ctx.registry.unregisterCrd(object.metadata.name);
  else ctx.registry.registerCrd(object);
}

/** Creates an object (POST). `namespace` is the request's (undefined for cluster-scoped types). */
export function createObject(ctx: WriteContext, type: ResourceType, version: string, namespace: string | undefined, body: unknown, options: WriteOptions = {}): FakeObject {
  if (!isRecord(body)) throw badRequest('the body of the request was in an unknown format');
  checkTypeMeta(type, version, body);
  const metadata = metadataOf(body);
  if (type.namespaced) {
    if (metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (namespace === undefined || namespace === '') throw badRequest(`the server could not find the requested resource: ${type.plural} is namespaced`);
    const ns = ctx.store.get('namespaces', namespace);
    if (ns === undefined) throw notFound('namespaces', '', namespace);
    if (ns.metadata.deletionTimestamp !== undefined) {
      throw new KubeApiError(403, 'Forbidden', `${type.plural} "${metadata.name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
    }
    metadata.namespace = namespace;
  } else {
    delete metadata.namespace;
  }
  if ((metadata.name === undefined || metadata.name === '') && typeof metadata.generateName === 'string' && metadata.generateName !== '') {
    metadata.name = metadata.generateName + randomSuffix();
  }
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  checkName(type, name);
  const key = objectKey(metadata.namespace, name);
  if (ctx.store.get(type.key, key) !== undefined) throw alreadyExists(type.plural, type.group, name);
  for (const field of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'managedFields']) delete metadata[field];
  const object: FakeObject = {
    ...cloneJson(body),
    apiVersion: apiVersionOf(type.group, version),
    kind: type.kind,
    metadata: { ...metadata, name, uid: randomUUID(), creationTimestamp: kubeTime(ctx.now()), generation: 1 },
  };
  if (type.status && options.keepStatus !== true) delete object['status'];
  admit(ctx, type, object);
  if (options.dryRun === true) return object;
  const stored = ctx.store.write(type.key, key, object).object;
  afterWrite(ctx, type, stored, false);
  return stored;
}

/** Replaces an object (PUT), or its status (`subresource: 'status'`). */
export function replaceObject(ctx: WriteContext, type: ResourceType, version: string, namespace: string | undefined, name: string, body: unknown, options: WriteOptions = {}): FakeObject {
  const key = objectKey(type.namespaced ? namespace : undefined, name);
  const existing = ctx.store.get(type.key, key);
  if (existing === undefined) throw notFound(type.plural, type.group, name);
  if (!isRecord(body)) throw badRequest('the body of the request was in an unknown format');
  checkTypeMeta(type, version, body);
  const metadata = metadataOf(body);
  if (metadata.name !== undefined && metadata.name !== name) {
    throw badRequest(`the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`);
  }
  if (type.namespaced && metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const rv = metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== existing.metadata.resourceVersion) throw conflict(type.plural, type.group, name);
  if (metadata.uid !== undefined && metadata.uid !== '' && metadata.uid !== existing.metadata.uid) {
    throw new KubeApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${existing.metadata.uid}, UID in object meta: ${String(metadata.uid)}`);
  }
  let next: FakeObject;
  if (options.subresource === 'status') {
    next = { ...existing, apiVersion: apiVersionOf(type.group, version) };
    if (body['status'] === undefined) delete next['status'];
    else next['status'] = cloneJson(body['status']);
  } else {
    const kept = existing.metadata;
    next = {
      ...cloneJson(body),
      apiVersion: apiVersionOf(type.group, version),
      kind: type.kind,
      metadata: {
        ...metadata,
        name,
        uid: kept.uid!,
        creationTimestamp: kept.creationTimestamp!,
        generation: kept.generation ?? 1,
        ...(kept.namespace === undefined ? {} : { namespace: kept.namespace }),
        ...(kept.deletionTimestamp === undefined ? {} : { deletionTimestamp: kept.deletionTimestamp, deletionGracePeriodSeconds: kept.deletionGracePeriodSeconds ?? 0 }),
      },
    };
    delete next.metadata.resourceVersion;
    delete next.metadata['managedFields'];
    if (type.status && options.keepStatus !== true) {
      if (existing['status'] === undefined) delete next['status'];
      else next['status'] = existing['status'];
    }
    if (type.key === 'customresourcedefinitions.apiextensions.k8s.io') admit(ctx, type, next);
  }
  if (jsonEqual(withoutServerFields(existing), withoutServerFields(next))) return existing;
  if (!jsonEqual(specPart(type, existing), specPart(type, next))) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
  if (options.dryRun === true) return next;
  if (next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
    return removeWithDependents(ctx, type, key, next);
  }
  const stored = ctx.store.write(type.key, key, next).object;
  afterWrite(ctx, type, stored, false);
  return stored;
}

/** The media types PATCH accepts. */
export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  switch ((contentType ?? '').split(';')[0]!.trim().toLowerCase()) {
    case 'application/merge-patch+json': return 'merge';
    case 'application/strategic-merge-patch+json': return 'strategic';
    case 'application/json-patch+json': return 'json';
    case 'application/apply-patch+yaml': return 'apply';
    default: return undefined;
  }
}

/**
 * Patches an object (PATCH). Server-side apply (`apply`) creates a missing object and otherwise
 * merges the applied configuration like a merge patch: field ownership is not modelled.
 */
export function patchObject(ctx: WriteContext, type: ResourceType, version: string, namespace: string | undefined, name: string, patchType: PatchType, rawBody: string, options: WriteOptions = {}): { object: FakeObject; created: boolean } {
  let patch: unknown;
  try {
    patch = patchType === 'apply' ? parseYaml(rawBody) : JSON.parse(rawBody);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
  if (patchType === 'strategic' && type.custom) {
    throw new KubeApiError(415, 'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  }
  const existing = ctx.store.get(type.key, objectKey(type.namespaced ? namespace : undefined, name));
  if (existing === undefined) {
    if (patchType !== 'apply' || options.subresource === 'status') throw notFound(type.plural, type.group, name);
    if (!isRecord(patch)) throw badRequest('the body of the request was in an unknown format');
    const metadata = isRecord(patch['metadata']) ? patch['metadata'] : {};
    if (metadata['name'] !== undefined && metadata['name'] !== name) {
      throw badRequest(`the name of the object (${String(metadata['name'])}) does not match the name on the URL (${name})`);
    }
    return { object: createObject(ctx, type, version, namespace, { ...patch, metadata: { ...metadata, name } }, options), created: true };
  }
  const base = { ...existing, apiVersion: apiVersionOf(type.group, version) };
  let patched: unknown;
  try {
    switch (patchType) {
      case 'merge':
      case 'apply':
        patched = applyMergePatch(base, patch);
        break;
      case 'strategic':
        patched = applyStrategicMergePatch(base, patch);
        break;
      case 'json':
        patched = applyJsonPatch(base, patch);
        break;
      default: {
        const unreachable: never = patchType;
        throw new Error(`unknown patch type ${String(unreachable)}`);
      }
    }
  } catch (error) {
    if (error instanceof JsonPatchError) throw invalid(type.kind, type.group, name, error.message);
    throw error;
  }
  return { object: replaceObject(ctx, type, version, namespace, name, patched, options), created: false };
}

function dependentsOf(ctx: WriteContext, owner: FakeObject): { type: ResourceType; object: FakeObject }[] {
  const found: { type: ResourceType; object: FakeObject }[] = [];
  for (const type of ctx.registry.all()) {
    for (const object of ctx.store.list(type.key)) {
      if ((object.metadata.ownerReferences ?? []).some((ref) => ref.uid === owner.metadata.uid)) found.push({ type, object });
    }
  }
  return found;
}

/** Removes an object now, then what a real cluster's controllers remove with it. */
function removeWithDependents(ctx: WriteContext, type: ResourceType, key: string, lastState: FakeObject): FakeObject {
  if (type.key === 'namespaces') {
    for (const t of ctx.registry.all().filter((r) => r.namespaced)) {
      for (const object of ctx.store.list(t.key).filter((o) => o.metadata.namespace === lastState.metadata.name)) {
        ctx.store.remove(t.key, objectKey(object.metadata.namespace, object.metadata.name));
      }
    }
  }
  if (type.key === 'customresourcedefinitions.apiextensions.k8s.io') {
    const served = ctx.registry.lookup(lastState.metadata.name)[0];
    if (served !== undefined) {
      for (const object of ctx.store.list(served.key)) ctx.store.remove(served.key, objectKey(object.metadata.namespace, object.metadata.name));
    }
  }
  const event = ctx.store.remove(type.key, key, lastState);
  afterWrite(ctx, type, lastState, true);
  for (const dependent of dependentsOf(ctx, lastState)) {
    const depKey = objectKey(dependent.object.metadata.namespace, dependent.object.metadata.name);
    if (ctx.store.get(dependent.type.key, depKey) !== undefined) deleteObject(ctx, dependent.type, dependent.object.metadata.namespace, dependent.object.metadata.name, undefined);
  }
  return event?.object ?? lastState;
}

/**
 * Deletes an object (DELETE). With finalizers it only gets a deletionTimestamp (MODIFIED); it goes
 * once an update empties `metadata.finalizers`. `deleteOptions` is the request body
 * (preconditions are checked; propagationPolicy is always background).
 */
export function deleteObject(ctx: WriteContext, type: ResourceType, namespace: string | undefined, name: string, deleteOptions: unknown, options: WriteOptions = {}): FakeObject {
  const key = objectKey(type.namespaced ? namespace : undefined, name);
  const existing = ctx.store.get(type.key, key);
  if (existing === undefined) throw notFound(type.plural, type.group, name);
  const preconditions = isRecord(deleteOptions) && isRecord(deleteOptions['preconditions']) ? deleteOptions['preconditions'] : {};
  const wantedRv = preconditions['resourceVersion'];
  if (typeof wantedRv === 'string' && wantedRv !== existing.metadata.resourceVersion) {
    throw new KubeApiError(409, 'Conflict', `Precondition failed: ResourceVersion in precondition: ${wantedRv}, ResourceVersion in object meta: ${String(existing.metadata.resourceVersion)}`);
  }
  const wantedUid = preconditions['uid'];
  if (typeof wantedUid === 'string' && wantedUid !== existing.metadata.uid) {
    throw new KubeApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${wantedUid}, UID in object meta: ${String(existing.metadata.uid)}`);
  }
  if (options.dryRun === true) return existing;
  if ((existing.metadata.finalizers ?? []).length > 0) {
    if (existing.metadata.deletionTimestamp !== undefined) return existing;
    const marked = { ...existing, metadata: { ...existing.metadata, deletionTimestamp: kubeTime(ctx.now()), deletionGracePeriodSeconds: 0 } };
    return ctx.store.write(type.key, key, marked).object;
  }
  return removeWithDependents(ctx, type, key, existing);
}
