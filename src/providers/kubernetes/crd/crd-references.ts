/**
 * References from one CRD object to another, turned into item names, with Traefik's
 * cross-namespace rule (reference §2.6): unless `allowCrossNamespace` is set, an object may only
 * reference objects of its own namespace. An explicit `namespace` elsewhere is refused, and so is
 * a `name@kubernetescrd` string (it could encode another namespace); other `name@provider`
 * references (cross-provider) are kept as written, their `namespace` ignored with a warning.
 * A refused reference is an error on the referencing field; the caller leaves that route (or
 * object) out.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import type { CrdContext } from './crd-context.ts';
import { readMap, readRequiredString, readString } from './crd-fields.ts';
import { crdItemName, crdProviderName, tlsResourceName } from './crd-names.ts';
import type { ObjectReport } from './crd-report.ts';

const crdSuffix = `@${crdProviderName}`;

/** Refuses `name@kubernetescrd` without allowCrossNamespace; true when the name may be used. */
function crdQualifiedAllowed(ctx: CrdContext, report: ObjectReport, name: string, what: string, path: ConfigPath): boolean {
  if (ctx.options.allowCrossNamespace === true || !name.endsWith(crdSuffix)) return true;
  report.error('CRD_CROSS_NAMESPACE_REFUSED', path,
    `${what} reference "${name}" is refused: with allowCrossNamespace off, "<namespace>-<name>${crdSuffix}" references `
    + 'could name another namespace; write the name alone (and a namespace field) instead');
  return false;
}

/** True when `namespace` may be referenced from `parentNamespace`; otherwise an error at `path`. */
export function namespaceAllowed(
  ctx: CrdContext, report: ObjectReport, parentNamespace: string, namespace: string, what: string, path: ConfigPath,
): boolean {
  if (namespace === parentNamespace || ctx.options.allowCrossNamespace === true) return true;
  report.error('CRD_CROSS_NAMESPACE_REFUSED', path,
    `${what} is in namespace "${namespace}", not in "${parentNamespace}" of ${report.object.kind} ${report.object.metadata.name}; `
    + 'cross-namespace references need providers.kubernetesCRD.allowCrossNamespace');
  return false;
}

/**
 * A `{name, namespace}` reference to a Middleware or MiddlewareTCP (route and chain
 * middlewares): `<ns>-<name>` normalized, or the cross-provider name as written.
 */
export function middlewareRef(
  ctx: CrdContext, report: ObjectReport, parentNamespace: string, ref: unknown, path: ConfigPath, kind: 'Middleware' | 'MiddlewareTCP',
): string | undefined {
  const map = readMap(report, ref, path);
  if (map === undefined) {
    if (ref === undefined || ref === null) report.error('CRD_INVALID_FIELD', path, 'expected a {name, namespace} reference');
    return undefined;
  }
  const name = readRequiredString(report, map['name'], [...path, 'name']);
  const namespace = readString(report, map['namespace'], [...path, 'namespace']);
  if (name === undefined) return undefined;
  if (name.includes('@')) {
    if (!crdQualifiedAllowed(ctx, report, name, kind, [...path, 'name'])) return undefined;
    if (namespace !== undefined && namespace !== '') {
      report.warn('CRD_IGNORED_FIELD', [...path, 'namespace'], `namespace "${namespace}" is ignored in the cross-provider reference "${name}"`);
    }
    return name;
  }
  const ns = namespace === undefined || namespace === '' ? parentNamespace : namespace;
  if (!namespaceAllowed(ctx, report, parentNamespace, ns, `${kind} ${ns}/${name}`, [...path, 'namespace'])) return undefined;
  return crdItemName(ns, name);
}

/** The middlewares list of a route (or of a service entry, or of a chain). */
export function middlewareRefs(
  ctx: CrdContext, report: ObjectReport, parentNamespace: string, refs: readonly unknown[], path: ConfigPath,
  kind: 'Middleware' | 'MiddlewareTCP',
): string[] {
  const out: string[] = [];
  refs.forEach((ref, index) => {
    const name = middlewareRef(ctx, report, parentNamespace, ref, [...path, index], kind);
    if (name !== undefined) out.push(name);
  });
  return out;
}

/** A `serversTransport` name: a ServersTransport(TCP) of `namespace`, or a cross-provider name. */
export function serversTransportRef(ctx: CrdContext, report: ObjectReport, namespace: string, name: string, path: ConfigPath): string | undefined {
  if (name.includes('@')) return crdQualifiedAllowed(ctx, report, name, 'serversTransport', path) ? name : undefined;
  return crdItemName(namespace, name);
}

/**
 * A `tls.options` `{name, namespace}` reference: `<ns>-<name>` (TLS option names are not
 * normalized in Traefik), `default` for the TLSOption named default (Traefik would look for
 * `<ns>-default`, which never exists), or the cross-provider name as written.
 */
export function tlsOptionRef(ctx: CrdContext, report: ObjectReport, parentNamespace: string, ref: Record<string, unknown>, path: ConfigPath): string | undefined {
  const name = readRequiredString(report, ref['name'], [...path, 'name']);
  const namespace = readString(report, ref['namespace'], [...path, 'namespace']);
  if (name === undefined) return undefined;
  if (name.includes('@')) {
    if (!crdQualifiedAllowed(ctx, report, name, 'TLSOption', [...path, 'name'])) return undefined;
    if (namespace !== undefined && namespace !== '') {
      report.warn('CRD_IGNORED_FIELD', [...path, 'namespace'], `namespace "${namespace}" is ignored in the cross-provider reference "${name}"`);
    }
    return name;
  }
  const ns = namespace === undefined || namespace === '' ? parentNamespace : namespace;
  if (!namespaceAllowed(ctx, report, parentNamespace, ns, `TLSOption ${ns}/${name}`, [...path, 'namespace'])) return undefined;
  return tlsResourceName(ns, name);
}
