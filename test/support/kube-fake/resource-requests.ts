/**
 * Routing of resource requests: `/api/v1/...` and `/apis/<group>/<version>/...`, namespaced
 * (`namespaces/<ns>/<plural>[/<name>[/status]]`) and cluster-wide (`<plural>[/<name>[/status]]`,
 * which for namespaced types lists every namespace), to LIST / WATCH / GET / POST / PUT / PATCH /
 * DELETE / DELETE-collection. Answers are what the real server sends: 201 on create, the object
 * on update, patch and delete, a Status on failure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, KubeApiError, notFound } from './api-errors.ts';
import { objectKey } from './fake-object.ts';
import { listObjects, presentObject, serveWatch, type Query, type WatchSettings } from './list-and-watch.ts';
import { createObject, deleteObject, patchObject, patchTypeOf, replaceObject, type WriteContext } from './object-writes.ts';
import { apiVersionOf, type ResourceType } from './resource-registry.ts';
import { parseSelector } from './selectors.ts';

export interface ResourceRequestContext extends WriteContext, WatchSettings {}

/** A parsed resource path. */
export interface ResourcePath {
  readonly type: ResourceType;
  readonly version: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

/** Parses a resource path; undefined when it names no served resource type. */
export function parseResourcePath(ctx: Pick<WriteContext, 'registry'>, pathname: string): ResourcePath | undefined {
  const segments = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    [group, version, rest] = ['', segments[1]!, segments.slice(2)];
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    [group, version, rest] = [segments[1]!, segments[2]!, segments.slice(3)];
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && ctx.registry.find(group, version, rest[2]!)?.namespaced === true) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3) return undefined;
  const type = ctx.registry.find(group, version, rest[0]!);
  if (type === undefined) return undefined;
  const name = rest[1];
  const subresource = rest[2];
  // A namespaced object is addressed only under its namespace.
  if (type.namespaced && namespace === undefined && name !== undefined) return undefined;
  if (subresource !== undefined && !(subresource === 'status' && type.status)) return undefined;
  return { type, version, namespace, name, subresource };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw.trim() === '') return undefined;
  if (/protobuf/i.test(contentType ?? '')) {
    // kubectl's typed imperative commands (create configmap/secret, ...) send protobuf.
    throw new KubeApiError(415, 'UnsupportedMediaType', 'the fake API server decodes JSON and YAML bodies only, not protobuf: write the object with kubectl apply -f instead');
  }
  try {
    return /yaml/i.test(contentType ?? '') ? parseYaml(raw) : JSON.parse(raw);
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
  }
}

/** Serves one resource request; errors become Status answers in the caller. */
export function serveResourceRequest(ctx: ResourceRequestContext, req: IncomingMessage, res: ServerResponse, path: ResourcePath, query: Query, rawBody: string): void {
  const { type, version, namespace, name, subresource } = path;
  const method = req.method ?? 'GET';
  const dryRun = query['dryRun'] === 'All';
  const present = (o: Parameters<typeof presentObject>[0]) => presentObject(o, type, version);
  const contentType = req.headers['content-type'];

  if (name === undefined) {
    switch (method) {
      case 'GET':
        if (query['watch'] === 'true' || query['watch'] === '1') serveWatch(ctx, req, res, type, version, namespace, query);
        else sendJson(res, 200, listObjects(ctx.store, type, version, namespace, query));
        return;
      case 'POST':
        sendJson(res, 201, present(createObject(ctx, type, version, namespace, parseBody(rawBody, contentType), { dryRun })));
        return;
      case 'DELETE': {
        const selector = parseSelector(query['labelSelector'], query['fieldSelector']);
        const victims = ctx.store.list(type.key)
          .filter((o) => (!type.namespaced || namespace === undefined || o.metadata.namespace === namespace) && selector.matches(o));
        const deleted = victims.map((o) => deleteObject(ctx, type, o.metadata.namespace, o.metadata.name, parseBody(rawBody, contentType), { dryRun }));
        sendJson(res, 200, { kind: type.listKind, apiVersion: apiVersionOf(type.group, version), metadata: { resourceVersion: String(ctx.store.currentRv()) }, items: deleted.map(present) });
        return;
      }
      default:
        throw new KubeApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
  }
  const options = { dryRun, ...(subresource === 'status' ? { subresource: 'status' as const } : {}) };
  switch (method) {
    case 'GET': {
      const object = ctx.store.get(type.key, objectKey(type.namespaced ? namespace : undefined, name));
      if (object === undefined) throw notFound(type.plural, type.group, name);
      sendJson(res, 200, present(object));
      return;
    }
    case 'PUT':
      sendJson(res, 200, present(replaceObject(ctx, type, version, namespace, name, parseBody(rawBody, contentType), options)));
      return;
    case 'PATCH': {
      const patchType = patchTypeOf(contentType);
      if (patchType === undefined) {
        throw new KubeApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${type.custom ? '' : ', application/strategic-merge-patch+json'}`);
      }
      const { object, created } = patchObject(ctx, type, version, namespace, name, patchType, rawBody, options);
      sendJson(res, created ? 201 : 200, present(object));
      return;
    }
    case 'DELETE':
      if (subresource !== undefined) throw new KubeApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      sendJson(res, 200, present(deleteObject(ctx, type, namespace, name, parseBody(rawBody, contentType), options)));
      return;
    default:
      throw new KubeApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
}

export { sendJson };
