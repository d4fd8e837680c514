/**
 * Collection reads: LIST (resourceVersion semantics, label and field selectors, limit/continue
 * paging over a consistent snapshot, 410 Expired for a compacted snapshot) and WATCH (events
 * after a resourceVersion replayed from history, then live; synthetic ADDED for "" / "0" and
 * sendInitialEvents; objects entering or leaving the selector arrive as ADDED / DELETED;
 * BOOKMARK when allowed; timeoutSeconds; 410 for a compacted resourceVersion either as an ERROR
 * event on a 200 stream, as the real server's watch cache does, or as an HTTP 410).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../../../src/lib/clock.ts';
import { badRequest, KubeApiError, tooOld } from './api-errors.ts';
import { objectKey, type FakeObject } from './fake-object.ts';
import type { ObjectStore, StoreEvent } from './object-store.ts';
import { apiVersionOf, type ResourceType } from './resource-registry.ts';
import { parseSelector } from './selectors.ts';

export type Query = Readonly<Record<string, string>>;

/** The object as served at `version` (stored copies carry the version they were written at). */
export function presentObject(object: FakeObject, type: ResourceType, version: string): FakeObject {
  const apiVersion = apiVersionOf(type.group, version);
  return object.apiVersion === apiVersion ? object : { ...object, apiVersion };
}

function inNamespace(type: ResourceType, namespace: string | undefined): (object: FakeObject) => boolean {
  return (object) => !type.namespaced || namespace === undefined || object.metadata.namespace === namespace;
}

function parseRv(value: string, field: string): number {
  if (!/^\d+$/.test(value)) throw badRequest(`${field}: Invalid value: "${value}": must be a non-negative integer`);
  return Number(value);
}

interface ContinueToken {
  readonly rv: number;
  readonly start: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (typeof token.rv === 'number' && typeof token.start === 'string') return { rv: token.rv, start: token.start };
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/** LIST: the `<Kind>List` body. */
export function listObjects(store: ObjectStore, type: ResourceType, version: string, namespace: string | undefined, query: Query): Record<string, unknown> {
  const selector = parseSelector(query['labelSelector'], query['fieldSelector']);
  const limit = query['limit'] === undefined || query['limit'] === '' ? 0 : parseRv(query['limit'], 'limit');
  const rvParam = query['resourceVersion'] ?? '';
  const match = query['resourceVersionMatch'] ?? '';
  let snapshotRv = store.currentRv();
  let start = '';
  if (query['continue'] !== undefined && query['continue'] !== '') {
    if (rvParam !== '') throw badRequest('specifying resource version is not allowed when using continue');
    const token = decodeContinue(query['continue']);
    start = token.start;
    if (token.rv < store.floor()) {
      throw new KubeApiError(410, 'Expired',
        'The provided continue parameter is too old to display a consistent list result. Start a new list, or use the continue token in this response for the rest of the list as it is now (inconsistent with the earlier pages).',
        undefined, { continue: encodeContinue({ rv: store.currentRv(), start }) });
    }
    snapshotRv = token.rv;
  } else if (rvParam !== '' && rvParam !== '0') {
    const rv = parseRv(rvParam, 'resourceVersion');
    if (rv > store.currentRv()) {
      throw new KubeApiError(504, 'Timeout', `Timeout: Too large resource version: ${rv}, current: ${store.currentRv()}`);
    }
    // Without resourceVersionMatch, a paged list at N is an exact read (the legacy semantics).
    if (match === 'Exact' || (match === '' && limit > 0)) {
      if (rv < store.floor()) throw tooOld(rv, store.currentRv());
      snapshotRv = rv;
    }
  }
  const scoped = inNamespace(type, namespace);
  const all = store.listAt(type.key, snapshotRv)
    .filter((o) => scoped(o) && selector.matches(o) && objectKey(o.metadata.namespace, o.metadata.name) > start);
  const page = limit > 0 ? all.slice(0, limit) : all;
  const metadata: Record<string, unknown> = { resourceVersion: String(snapshotRv) };
  if (page.length < all.length) {
    const last = page[page.length - 1]!;
    metadata['continue'] = encodeContinue({ rv: snapshotRv, start: objectKey(last.metadata.namespace, last.metadata.name) });
    if (selector.empty) metadata['remainingItemCount'] = all.length - page.length;
  }
  return {
    kind: type.listKind,
    apiVersion: apiVersionOf(type.group, version),
    metadata,
    items: page.map((o) => {
      if (type.custom) return presentObject(o, type, version);
      const { apiVersion: _a, kind: _k, ...item } = o;
      return item;
    }),
  };
}

/** An open watch connection, for the fault switches. */
export interface OpenWatch {
  readonly resource: string;
  readonly path: string;
  readonly query: Query;
  /** Sends a BOOKMARK at the current resourceVersion if the client asked for bookmarks. */
  bookmark(): void;
  /** Ends the stream cleanly (the client resumes from its last resourceVersion). */
  end(): void;
  /** Destroys the connection (the client sees a reset). */
  reset(): void;
  /** Sends an ERROR 410 Expired event, then ends the stream (the client must relist). */
  expire(): void;
}

/** Where open watches are tracked (the fake API's fault switches iterate it). */
export interface WatchRegistry {
  add(watch: OpenWatch): void;
  delete(watch: OpenWatch): void;
}

export interface WatchSettings {
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** How a watch from a compacted resourceVersion is refused. */
  readonly compactedWatch: 'event' | 'http';
  /** Registry of open watches (added on open, removed on close). */
  readonly open: WatchRegistry;
}

function expiredEvent(rv: number, current: number): string {
  return `${JSON.stringify({ type: 'ERROR', object: tooOld(rv, current).toStatus() })}\n`;
}

/**
 * WATCH. Throws KubeApiError before anything is written (bad selector, HTTP-410 mode); once the
 * 200 is sent, everything is reported on the stream.
 */
export function serveWatch(settings: WatchSettings, req: IncomingMessage, res: ServerResponse, type: ResourceType, version: string, namespace: string | undefined, query: Query): void {
  const { store, clock } = settings;
  const selector = parseSelector(query['labelSelector'], query['fieldSelector']);
  const scoped = inNamespace(type, namespace);
  const visible = (o: FakeObject | undefined): boolean => o !== undefined && scoped(o) && selector.matches(o);
  const rvParam = query['resourceVersion'] ?? '';
  const startRv = rvParam === '' || rvParam === '0' ? undefined : parseRv(rvParam, 'resourceVersion');
  const bookmarks = query['allowWatchBookmarks'] === 'true' || query['allowWatchBookmarks'] === '1';
  const initialEvents = startRv === undefined || query['sendInitialEvents'] === 'true';
  const compacted = startRv !== undefined && !initialEvents && startRv < store.floor();
  if (compacted && settings.compactedWatch === 'http') throw tooOld(startRv, store.currentRv());

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  if (compacted) {
    res.end(expiredEvent(startRv, store.currentRv()));
    return;
  }
  const send = (eventType: string, object: unknown): void => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type: eventType, object })}\n`);
  };
  const translate = (event: StoreEvent): void => {
    if (event.resource !== type.key) return;
    const now = visible(event.object);
    const before = visible(event.previous);
    const object = presentObject(event.object, type, version);
    if (event.type === 'DELETED') {
      if (before) send('DELETED', object);
    } else if (now) {
      send(before ? 'MODIFIED' : 'ADDED', object);
    } else if (before) {
      send('DELETED', object);
    }
  };
  const bookmarkObject = (annotations?: Record<string, string>): unknown => ({
    kind: type.kind,
    apiVersion: apiVersionOf(type.group, version),
    metadata: { resourceVersion: String(store.currentRv()), ...(annotations === undefined ? {} : { annotations }) },
  });

  if (initialEvents) {
    for (const object of store.list(type.key).filter(visible)) send('ADDED', presentObject(object, type, version));
    if (query['sendInitialEvents'] === 'true' && bookmarks) send('BOOKMARK', bookmarkObject({ 'k8s.io/initial-events-end': 'true' }));
  } else {
    for (const event of store.history(type.key, startRv)) translate(event);
  }

  const socket: Socket = req.socket;
  const unsubscribe = store.subscribe(translate);
  const timeoutSeconds = query['timeoutSeconds'] === undefined ? 0 : Number(query['timeoutSeconds']);
  const timer = timeoutSeconds > 0 ? clock.setTimeout(() => watch.end(), timeoutSeconds * 1000) : undefined;
  const watch: OpenWatch = {
    resource: type.key,
    path: req.url ?? '',
    query,
    bookmark: () => {
      if (bookmarks) send('BOOKMARK', bookmarkObject());
    },
    // Each switch forgets the watch at once, so a test waiting for the next watch sees the reconnection.
    end: () => {
      settings.open.delete(watch);
      res.end();
    },
    reset: () => {
      settings.open.delete(watch);
      socket.destroy();
    },
    expire: () => {
      settings.open.delete(watch);
      if (!res.writableEnded) res.end(expiredEvent(store.currentRv(), store.currentRv()));
    },
  };
  settings.open.add(watch);
  res.on('close', () => {
    unsubscribe();
    if (timer !== undefined) clock.clearTimeout(timer);
    settings.open.delete(watch);
  });
}
