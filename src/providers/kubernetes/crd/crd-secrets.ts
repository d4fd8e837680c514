/**
 * Reading the Secrets and ConfigMaps CRD objects point at, as Traefik does: everything comes
 * from the referencing object's own namespace and is inlined as PEM or text into the dynamic
 * configuration (the file provider's "file or content" fields take the content).
 *
 * - TLS pairs: `tls.crt` and `tls.key`, both present and non-empty.
 * - CA bundles: `tls.ca`, else `ca.crt`; a Secret holding exactly one key is also read as the CA
 *   (Traefik's backward compatibility).
 * - basicAuth/digestAuth users: a Secret of type `kubernetes.io/basic-auth` gives one user from
 *   `username` and `password` (basicAuth, stored as `{SHA}`); otherwise the Secret must hold one
 *   key whose lines are the users (Traefik). Switchyard also reads a `users` key when the Secret
 *   holds several.
 */
import { createHash } from 'node:crypto';
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import type { KubeKind, KubeObject } from '../kube-objects.ts';
import type { CrdContext } from './crd-context.ts';
import type { ObjectReport } from './crd-report.ts';

// KubeKind does not list ConfigMap yet (ServersTransport rootCAs are the only reader); widening
// through string keeps the lookup typed everywhere else.
const configMapKind: KubeKind = 'ConfigMap';

/** A Secret's data, base64-decoded as UTF-8 text. */
export function secretData(secret: KubeObject): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    if (typeof value === 'string') out.set(key, Buffer.from(value, 'base64').toString('utf8'));
  }
  return out;
}

/** The Secret `namespace/name`, or undefined with an error at `path`. */
export function findSecret(ctx: CrdContext, report: ObjectReport, namespace: string, name: string, path: ConfigPath): KubeObject | undefined {
  const secret = ctx.snapshot.get('Secret', namespace, name);
  if (secret === undefined) report.error('CRD_SECRET_NOT_FOUND', path, `Secret ${namespace}/${name} not found`);
  return secret;
}

/** `{certFile, keyFile}` from a TLS Secret, or undefined with an error at `path`. */
export function loadTlsPair(
  ctx: CrdContext, report: ObjectReport, namespace: string, name: string, path: ConfigPath,
): { certFile: string; keyFile: string } | undefined {
  const secret = findSecret(ctx, report, namespace, name, path);
  if (secret === undefined) return undefined;
  const data = secretData(secret);
  const missing = ['tls.crt', 'tls.key'].filter((k) => (data.get(k) ?? '') === '');
  if (missing.length > 0) {
    report.error('CRD_SECRET_INVALID', path, `Secret ${namespace}/${name} has no (or an empty) ${missing.join(' and ')}`);
    return undefined;
  }
  return { certFile: data.get('tls.crt')!, keyFile: data.get('tls.key')! };
}

function caFrom(data: ReadonlyMap<string, string>): string | undefined {
  return data.get('tls.ca') ?? data.get('ca.crt');
}

/** The CA bundle of a Secret, or undefined with an error at `path`. */
export function loadCaFromSecret(ctx: CrdContext, report: ObjectReport, namespace: string, name: string, path: ConfigPath): string | undefined {
  const secret = findSecret(ctx, report, namespace, name, path);
  if (secret === undefined) return undefined;
  const data = secretData(secret);
  const ca = caFrom(data) ?? (data.size === 1 ? [...data.values()][0] : undefined);
  if (ca === undefined || ca === '') {
    report.error('CRD_SECRET_INVALID', path, `Secret ${namespace}/${name} has no CA: expected a tls.ca or ca.crt key`);
    return undefined;
  }
  return ca;
}

/** The CA bundle of a ConfigMap, or undefined with an error at `path`. */
export function loadCaFromConfigMap(ctx: CrdContext, report: ObjectReport, namespace: string, name: string, path: ConfigPath): string | undefined {
  const configMap = ctx.snapshot.get(configMapKind, namespace, name);
  if (configMap === undefined) {
    report.error('CRD_CONFIGMAP_NOT_FOUND', path, `ConfigMap ${namespace}/${name} not found`);
    return undefined;
  }
  const data = new Map(Object.entries(configMap.data ?? {}));
  const ca = caFrom(data);
  if (ca === undefined || ca === '') {
    report.error('CRD_CONFIGMAP_INVALID', path, `ConfigMap ${namespace}/${name} has no CA: expected a tls.ca or ca.crt key`);
    return undefined;
  }
  return ca;
}

/** One value of a Secret, or undefined with an error at `path`. */
export function loadSecretValue(
  ctx: CrdContext, report: ObjectReport, namespace: string, name: string, key: string, path: ConfigPath,
): string | undefined {
  const secret = findSecret(ctx, report, namespace, name, path);
  if (secret === undefined) return undefined;
  const value = secretData(secret).get(key);
  if (value === undefined) report.error('CRD_SECRET_INVALID', path, `Secret ${namespace}/${name} has no key "${key}"`);
  return value;
}

/** `username` and `password` of a Secret, or undefined with an error at `path`. */
export function loadCredentials(
  ctx: CrdContext, report: ObjectReport, namespace: string, name: string, path: ConfigPath,
): { username: string; password: string } | undefined {
  const secret = findSecret(ctx, report, namespace, name, path);
  if (secret === undefined) return undefined;
  const data = secretData(secret);
  const username = data.get('username');
  const password = data.get('password');
  if (username === undefined || password === undefined) {
    report.error('CRD_SECRET_INVALID', path, `Secret ${namespace}/${name} must hold both username and password keys`);
    return undefined;
  }
  return { username, password };
}

/** The users of a basicAuth or digestAuth Secret, or undefined with an error at `path`. */
export function loadAuthUsers(
  ctx: CrdContext, report: ObjectReport, namespace: string, name: string, path: ConfigPath, kind: 'basicAuth' | 'digestAuth',
): string[] | undefined {
  const secret = findSecret(ctx, report, namespace, name, path);
  if (secret === undefined) return undefined;
  const data = secretData(secret);
  const type = secret.type;
  if (kind === 'basicAuth' && type === 'kubernetes.io/basic-auth') {
    const credentials = loadCredentials(ctx, report, namespace, name, path);
    if (credentials === undefined) return undefined;
    const digest = createHash('sha1').update(credentials.password).digest('base64');
    return [`${credentials.username}:{SHA}${digest}`];
  }
  const text = data.size === 1 ? [...data.values()][0]! : data.get('users');
  if (text === undefined) {
    report.error('CRD_SECRET_INVALID', path,
      `Secret ${namespace}/${name} must hold exactly one key (or a "users" key) with the users, one per line; it holds ${data.size}`);
    return undefined;
  }
  const users = text.split(/\r?\n/).filter((line) => line !== '');
  if (users.length === 0) {
    report.error('CRD_SECRET_INVALID', path, `Secret ${namespace}/${name} holds no users`);
    return undefined;
  }
  return users;
}
