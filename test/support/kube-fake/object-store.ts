/**
 * The fake API server's storage, standing in for etcd: one global, monotonically increasing
 * resourceVersion (an etcd revision), the current objects of every resource type, and the
 * history of changes since the compaction floor. History lets a watch resume from any
 * resourceVersion and a paged LIST read a consistent snapshot; `compact()` forgets it, after
 * which older resourceVersions answer 410 Expired, as after an etcd compaction.
 *
 * Stored objects are never mutated; readers get the stored reference and must copy before
 * changing anything.
 */
import { tooOld } from './api-errors.ts';
import type { FakeObject } from './fake-object.ts';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, as watchers see it (`previous` lets selector-filtered watches turn MODIFIED into ADDED/DELETED). */
export interface StoreEvent {
  readonly rv: number;
  readonly type: StoreEventType;
  /** The resource type's key (`ingresses.networking.k8s.io`). */
  readonly resource: string;
  readonly key: string;
  /** The new state; for DELETED, the last state with the deletion's resourceVersion. */
  readonly object: FakeObject;
  readonly previous: FakeObject | undefined;
}

export interface ObjectStore {
  /** The latest resourceVersion handed out. */
  currentRv(): number;
  /** resourceVersions below this answer 410 (history before it was compacted). */
  floor(): number;
  get(resource: string, key: string): FakeObject | undefined;
  /** Current objects ordered by key (namespace/name), as etcd returns them. */
  list(resource: string): FakeObject[];
  /** Objects as they were at `rv` (a consistent snapshot); throws 410 below the floor. */
  listAt(resource: string, rv: number): FakeObject[];
  /** Changes with resourceVersion greater than `afterRv`, oldest first; throws 410 below the floor. */
  history(resource: string, afterRv: number): StoreEvent[];
  /** Creates or replaces; stamps the next resourceVersion into the stored copy. */
  write(resource: string, key: string, object: FakeObject): StoreEvent;
  /** Deletes; the DELETED event carries `lastState` (default: the stored one) with a new resourceVersion. */
  remove(resource: string, key: string, lastState?: FakeObject): StoreEvent | undefined;
  /** Forgets history: resourceVersions older than the current one become too old. */
  compact(): void;
  /** Called synchronously after every change. Returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
}

function stamped(object: FakeObject, rv: number): FakeObject {
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
}

export function createObjectStore(): ObjectStore {
  let rv = 1;
  let floor = 1;
  const tables = new Map<string, Map<string, FakeObject>>();
  const log = new Map<string, StoreEvent[]>();
  const listeners = new Set<(event: StoreEvent) => void>();

  const table = (resource: string): Map<string, FakeObject> => {
    let t = tables.get(resource);
    if (t === undefined) {
      t = new Map();
      tables.set(resource, t);
    }
    return t;
  };
  const sorted = (objects: Map<string, FakeObject>): FakeObject[] =>
    [...objects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
  const record = (event: StoreEvent): StoreEvent => {
    let events = log.get(event.resource);
    if (events === undefined) {
      events = [];
      log.set(event.resource, events);
    }
    events.push(event);
    for (const listener of [...listeners]) listener(event);
    return event;
  };
  const checkNotCompacted = (at: number): void => {
    if (at < floor) throw tooOld(at, rv);
  };

  return {
    currentRv: () => rv,
    floor: () => floor,
    get: (resource, key) => tables.get(resource)?.get(key),
    list: (resource) => sorted(table(resource)),
    listAt(resource, at) {
      if (at >= rv) return sorted(table(resource));
      checkNotCompacted(at);
      const snapshot = new Map(table(resource));
      const events = log.get(resource) ?? [];
      for (let i = events.length - 1; i >= 0 && events[i]!.rv > at; i--) {
        const event = events[i]!;
        if (event.previous === undefined) snapshot.delete(event.key);
        else snapshot.set(event.key, event.previous);
      }
      return sorted(snapshot);
    },
    history(resource, afterRv) {
      checkNotCompacted(afterRv);
      return (log.get(resource) ?? []).filter((e) => e.rv > afterRv);
    },
    write(resource, key, object) {
      const t = table(resource);
      const previous = t.get(key);
      const stored = stamped(object, ++rv);
      t.set(key, stored);
      return record({ rv, type: previous === undefined ? 'ADDED' : 'MODIFIED', resource, key, object: stored, previous });
    },
    remove(resource, key, lastState) {
      const t = table(resource);
      const previous = t.get(key);
      if (previous === undefined) return undefined;
      t.delete(key);
      return record({ rv: ++rv, type: 'DELETED', resource, key, object: stamped(lastState ?? previous, rv), previous });
    },
    compact() {
      floor = rv;
      log.clear();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
