/**
 * Middleware → `http.middlewares.<ns>-<name>`, MiddlewareTCP → `tcp.middlewares.<ns>-<name>`.
 * The spec is the dynamic middleware itself (one kind), except where Kubernetes references
 * replace inline values (Traefik's createXxxMiddleware):
 *
 * - `basicAuth.secret` / `digestAuth.secret` → `users` read from the Secret (crd-secrets.ts);
 * - `forwardAuth.tls.caSecret` / `certSecret` → `tls.ca` / `tls.cert` + `tls.key`, inlined;
 * - `rateLimit.redis.secret` → `username` / `password`; `redis.tls.caSecret` / `certSecret` as above;
 * - `errors.service` is a service entry: a Kubernetes Service becomes the loadBalancer
 *   `<ns>-<name>-errorpage-service`, a TraefikService is referenced by name;
 * - `chain.middlewares` are `{name, namespace}` references (cross-namespace rule applied, as
 *   Traefik does since 3.6.14);
 * - `plugin` values `urn:k8s:secret:<secret>:<key>` are replaced by that Secret value.
 *
 * The result is checked with the dynamic-config schema, so a mistake is reported at its field
 * under `spec` and the middleware alone is left out.
 */
import { httpMiddlewareSchema } from '../../../config/http-middlewares.ts';
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import { tcpMiddlewareSchema } from '../../../config/tcp.ts';
import type { KubeObject } from '../kube-objects.ts';
import type { CrdContext } from './crd-context.ts';
import { isMap, omitKeys, readList, readMap, readSpec, readString, withoutNulls } from './crd-fields.ts';
import { crdItemName } from './crd-names.ts';
import type { ItemBatch } from './crd-output.ts';
import { middlewareRefs } from './crd-references.ts';
import { checkWithSchema, type ObjectReport } from './crd-report.ts';
import { httpServiceRef } from './crd-service-refs.ts';
import { loadAuthUsers, loadCaFromSecret, loadCredentials, loadSecretValue, loadTlsPair } from './crd-secrets.ts';

/** Translates one Middleware. */
export function translateMiddleware(ctx: CrdContext, object: KubeObject): void {
  const report = ctx.report(object);
  const spec = readSpec(report);
  if (spec === undefined) return;
  const namespace = object.metadata.namespace ?? '';
  const id = crdItemName(namespace, object.metadata.name);
  const batch = ctx.output.batch(report);
  const middleware = withoutNulls(spec) as Record<string, unknown>;
  for (const [kind, value] of Object.entries(middleware)) {
    const path = ['spec', kind];
    if (!isMap(value)) continue; // the schema reports it
    const rewritten = rewriteKind(ctx, report, namespace, id, kind, value, path, batch);
    if (rewritten !== undefined) middleware[kind] = rewritten;
  }
  if (report.failed || !checkWithSchema(httpMiddlewareSchema, middleware, ['spec'], report)) return;
  batch.put('http.middlewares', id, middleware);
  batch.commit();
}

/** Translates one MiddlewareTCP (`inFlightConn`, `ipAllowList`, `ipWhiteList`: copied as written). */
export function translateMiddlewareTcp(ctx: CrdContext, object: KubeObject): void {
  const report = ctx.report(object);
  const spec = readSpec(report);
  if (spec === undefined) return;
  const middleware = withoutNulls(spec) as Record<string, unknown>;
  if (!checkWithSchema(tcpMiddlewareSchema, middleware, ['spec'], report)) return;
  const batch = ctx.output.batch(report);
  batch.put('tcp.middlewares', crdItemName(object.metadata.namespace ?? '', object.metadata.name), middleware);
  batch.commit();
}

/** `{caSecret, certSecret, …}` → `{ca, cert, key, …}` (forwardAuth.tls, rateLimit.redis.tls). */
function clientTls(ctx: CrdContext, report: ObjectReport, namespace: string, tls: Record<string, unknown>, path: ConfigPath): Record<string, unknown> {
  const out = omitKeys(tls, ['caSecret', 'certSecret']);
  const caSecret = readString(report, tls['caSecret'], [...path, 'caSecret']);
  if (caSecret !== undefined && caSecret !== '') out['ca'] = loadCaFromSecret(ctx, report, namespace, caSecret, [...path, 'caSecret']);
  const certSecret = readString(report, tls['certSecret'], [...path, 'certSecret']);
  if (certSecret !== undefined && certSecret !== '') {
    const pair = loadTlsPair(ctx, report, namespace, certSecret, [...path, 'certSecret']);
    if (pair !== undefined) {
      out['cert'] = pair.certFile;
      out['key'] = pair.keyFile;
    }
  }
  return out;
}

const secretUrn = /^urn:k8s:secret:([^:]*):([^:]*)$/;

/** Replaces `urn:k8s:secret:<name>:<key>` strings, at any depth, by the Secret's value. */
function pluginSecrets(ctx: CrdContext, report: ObjectReport, namespace: string, value: unknown, path: ConfigPath): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith('urn:k8s:secret:')) return value;
    const match = secretUrn.exec(value);
    if (match === null) {
      report.error('CRD_INVALID_FIELD', path, `malformed secret URN "${value}"; expected urn:k8s:secret:<secret>:<key>`);
      return value;
    }
    return loadSecretValue(ctx, report, namespace, match[1]!, match[2]!, path);
  }
  if (Array.isArray(value)) return value.map((item, index) => pluginSecrets(ctx, report, namespace, item, [...path, index]));
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pluginSecrets(ctx, report, namespace, v, [...path, k])]));
  return value;
}

function rewriteKind(
  ctx: CrdContext, report: ObjectReport, namespace: string, id: string, kind: string, value: Record<string, unknown>,
  path: ConfigPath, batch: ItemBatch,
): Record<string, unknown> | undefined {
  switch (kind) {
    case 'basicAuth':
    case 'digestAuth': {
      const secret = readString(report, value['secret'], [...path, 'secret']);
      if (secret === undefined || secret === '') {
        report.error('CRD_INVALID_FIELD', [...path, 'secret'], 'required field is missing: the Secret holding the users');
        return undefined;
      }
      return { ...omitKeys(value, ['secret']), users: loadAuthUsers(ctx, report, namespace, secret, [...path, 'secret'], kind) ?? [] };
    }
    case 'forwardAuth': {
      const tls = readMap(report, value['tls'], [...path, 'tls']);
      return tls === undefined ? undefined : { ...value, tls: clientTls(ctx, report, namespace, tls, [...path, 'tls']) };
    }
    case 'rateLimit': {
      const redis = readMap(report, value['redis'], [...path, 'redis']);
      if (redis === undefined) return undefined;
      const out = omitKeys(redis, ['secret']);
      const secret = readString(report, redis['secret'], [...path, 'redis', 'secret']);
      if (secret !== undefined && secret !== '') {
        const credentials = loadCredentials(ctx, report, namespace, secret, [...path, 'redis', 'secret']);
        if (credentials !== undefined) Object.assign(out, credentials);
      }
      const tls = readMap(report, redis['tls'], [...path, 'redis', 'tls']);
      if (tls !== undefined) out['tls'] = clientTls(ctx, report, namespace, tls, [...path, 'redis', 'tls']);
      return { ...value, redis: out };
    }
    case 'errors': {
      if (value['service'] === undefined) return undefined; // the schema reports the missing service
      // A Kubernetes Service gets its own loadBalancer named after the middleware, as in Traefik.
      const ref = httpServiceRef(ctx, report, namespace, value['service'], [...path, 'service'], batch, `${id}-errorpage-service`);
      return ref === undefined ? undefined : { ...value, service: ref.name };
    }
    case 'chain': {
      const list = readList(report, value['middlewares'], [...path, 'middlewares']) ?? [];
      return { ...value, middlewares: middlewareRefs(ctx, report, namespace, list, [...path, 'middlewares'], 'Middleware') };
    }
    case 'plugin':
      return pluginSecrets(ctx, report, namespace, value, path) as Record<string, unknown>;
    default:
      return undefined;
  }
}
