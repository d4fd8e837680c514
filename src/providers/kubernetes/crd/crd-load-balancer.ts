/**
 * A `kind: Service` entry of an IngressRoute route, TraefikService, mirror, failover or errors
 * middleware (Traefik's LoadBalancerSpec) → an HTTP `loadBalancer` service over the Service's
 * servers (EndpointSlices, ClusterIP with `nativeLB`, nodes with `nodePortLB`, or ExternalName).
 *
 * Follows Traefik (configBuilder.buildServersLB): `passHostHeader`, `responseForwarding`,
 * `sticky`, `strategy` (the deprecated `RoundRobin` is read as `wrr`, with a warning),
 * `serversTransport` (a ServersTransport of the Service's namespace), `passiveHealthCheck`; a
 * Service without servers leaves the route out unless `allowEmptyServices`.
 *
 * Differs from Traefik on purpose:
 * - `healthCheck` works on every Service (Traefik accepts it only on ExternalName Services:
 *   health checks on every provider is a Switchyard promise, DESIGN.md);
 * - a Service with `sessionAffinity: ClientIP` gets `sticky.clientIP` with its timeout (Traefik
 *   proxies to endpoints and so ignores it), except with `nativeLB` where kube-proxy applies it;
 * - `middlewares` on the entry become the service's middlewares.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import { loadBalancerSchema } from '../../../config/http-services.ts';
import { resolveServiceServers, serviceSessionAffinity, type ServiceServer } from '../service-servers.ts';
import type { CrdContext } from './crd-context.ts';
import { isMap, readBool, readIntOrString, readList, readMap, readString, withoutNulls } from './crd-fields.ts';
import { middlewareRefs, serversTransportRef } from './crd-references.ts';
import { checkWithSchema, type ObjectReport } from './crd-report.ts';

/** A generated loadBalancer service and whether it reports health (active or passive check). */
export interface BuiltLoadBalancer {
  readonly service: Record<string, unknown>;
  readonly health: boolean;
}

/** The fields of an entry that only a `kind: Service` entry uses. */
export const loadBalancerOnlyFields = [
  'port', 'scheme', 'strategy', 'passHostHeader', 'responseForwarding', 'serversTransport', 'sticky',
  'healthCheck', 'passiveHealthCheck', 'nativeLB', 'nodePortLB', 'slowStart', 'hash',
] as const;

/** Copied as written: Traefik's fields, and Switchyard's `slowStart` and `hash` (strategy: hash). */
const passThrough = ['passHostHeader', 'responseForwarding', 'healthCheck', 'passiveHealthCheck', 'slowStart', 'hash'] as const;

/** The port of a `kind: Service` entry (number or name), or undefined with an error. */
export function readServicePort(report: ObjectReport, entry: Record<string, unknown>, path: ConfigPath): number | string | undefined {
  const port = readIntOrString(report, entry['port'], [...path, 'port']);
  if (port === undefined || port === 0 || port === '') {
    if (!report.failed) report.error('CRD_INVALID_FIELD', [...path, 'port'], 'a Service reference needs a port (number or name)');
    return undefined;
  }
  return port;
}

/** The servers of Service `namespace/name` at `port`, or undefined with an error at `path`. */
export function resolveEntryServers(
  ctx: CrdContext, parent: ObjectReport, namespace: string, name: string, port: number | string,
  entry: Record<string, unknown>, path: ConfigPath, scheme: string | undefined,
): { servers: ServiceServer[]; clientIpTimeout?: number } | undefined {
  const report = parent.scope();
  const nativeLB = readBool(report, entry['nativeLB'], [...path, 'nativeLB']) ?? ctx.options.nativeLBByDefault === true;
  const nodePortLB = readBool(report, entry['nodePortLB'], [...path, 'nodePortLB']) ?? false;
  if (nodePortLB && ctx.options.disableClusterScopeResources === true) {
    report.error('CRD_UNSUPPORTED_FIELD', [...path, 'nodePortLB'], 'nodePortLB needs the Nodes, which disableClusterScopeResources stops watching');
  }
  if (report.failed) return undefined;
  const resolved = resolveServiceServers(ctx.snapshot, namespace, name, port, {
    ...(scheme === undefined ? {} : { scheme }),
    nativeLB, nodePortLB, allowExternalName: ctx.options.allowExternalNameServices === true,
  });
  if (!resolved.ok) {
    const at = resolved.field === 'spec.ports' ? [...path, 'port'] : path;
    report.error('CRD_SERVICE_UNRESOLVED', at, resolved.field === undefined ? resolved.message : `${resolved.message} (Service field ${resolved.field})`);
    return undefined;
  }
  if (resolved.servers.length === 0 && ctx.options.allowEmptyServices !== true) {
    report.error('CRD_SERVICE_NO_SERVERS', path,
      `Service ${namespace}/${name} port ${port} has no ready endpoints; left out (allowEmptyServices keeps it, answering 503)`);
    return undefined;
  }
  if (nativeLB) return { servers: resolved.servers };
  const affinity = serviceSessionAffinity(resolved.service);
  if (!affinity.ok) {
    report.warn('CRD_SERVICE_AFFINITY_INVALID', path, `Service ${namespace}/${name} ${affinity.field}: ${affinity.message}; affinity ignored`);
    return { servers: resolved.servers };
  }
  return affinity.clientIP === undefined ? { servers: resolved.servers } : { servers: resolved.servers, clientIpTimeout: affinity.clientIP.timeoutSeconds };
}

/**
 * Builds the loadBalancer service of a `kind: Service` entry for Service `namespace/name`
 * (`name` without any `@kubernetescrd` suffix) referenced from an object of `parentNamespace`.
 * Undefined when the entry cannot be used (errors on `parent`).
 */
export function buildLoadBalancer(
  ctx: CrdContext, parent: ObjectReport, parentNamespace: string, namespace: string, name: string,
  entry: Record<string, unknown>, path: ConfigPath,
): BuiltLoadBalancer | undefined {
  const report = parent.scope();
  const port = readServicePort(report, entry, path);
  const scheme = readString(report, entry['scheme'], [...path, 'scheme']);
  if (scheme !== undefined && scheme !== '' && !['http', 'https', 'h2c'].includes(scheme)) {
    report.error('CRD_INVALID_FIELD', [...path, 'scheme'], `expected http, https or h2c, got "${scheme}"`);
  }
  const strategy = readString(report, entry['strategy'], [...path, 'strategy']);
  const transport = readString(report, entry['serversTransport'], [...path, 'serversTransport']);
  const middlewares = readList(report, entry['middlewares'], [...path, 'middlewares']);
  const stickyMap = readMap(report, entry['sticky'], [...path, 'sticky']);
  if (port === undefined || report.failed) return undefined;

  const found = resolveEntryServers(ctx, report, namespace, name, port, entry, path, scheme);
  if (found === undefined) return undefined;

  const lb: Record<string, unknown> = { servers: found.servers.map((s) => ({ ...s })) };
  if (strategy === 'RoundRobin') {
    report.warn('CRD_DEPRECATED', [...path, 'strategy'], 'strategy RoundRobin is deprecated; it means wrr');
    lb['strategy'] = 'wrr';
  } else if (strategy !== undefined && strategy !== '') {
    lb['strategy'] = strategy;
  }
  for (const field of passThrough) {
    if (entry[field] !== undefined && entry[field] !== null) lb[field] = withoutNulls(entry[field]);
  }
  const sticky = stickyMap === undefined ? undefined : withoutNulls(stickyMap) as Record<string, unknown>;
  if (found.clientIpTimeout !== undefined && !isMap(sticky?.['clientIP'])) {
    lb['sticky'] = { ...sticky, clientIP: { timeout: `${found.clientIpTimeout}s` } };
  } else if (sticky !== undefined) {
    lb['sticky'] = sticky;
  }
  if (transport !== undefined && transport !== '') {
    const key = serversTransportRef(ctx, report, namespace, transport, [...path, 'serversTransport']);
    if (key !== undefined) lb['serversTransport'] = key;
  }
  if (report.failed || !checkWithSchema(loadBalancerSchema, lb, path, report)) return undefined;

  const service: Record<string, unknown> = { loadBalancer: lb };
  if (middlewares !== undefined && middlewares.length > 0) {
    service['middlewares'] = middlewareRefs(ctx, report, parentNamespace, middlewares, [...path, 'middlewares'], 'Middleware');
    if (report.failed) return undefined;
  }
  return { service, health: lb['healthCheck'] !== undefined || lb['passiveHealthCheck'] !== undefined };
}
