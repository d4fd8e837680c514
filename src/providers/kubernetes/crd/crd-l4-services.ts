/**
 * The service entries of IngressRouteTCP and IngressRouteUDP routes → TCP/UDP services, as
 * Traefik's createLoadBalancerServerTCP/UDP: one entry → a loadBalancer named after the router;
 * several → a weighted service named after the router over loadBalancers named
 * `<router>-<service>-<port>` (weight 1 by default).
 *
 * Servers are `host:port` addresses of the Service's ready endpoints (TCP/UDP servers have no
 * draining state: terminating endpoints are left out, as Traefik keeps only ready ones), the
 * ClusterIP with `nativeLB`, the nodes with `nodePortLB`, or the ExternalName. TCP entries also
 * carry `tls` (TLS towards the server), `serversTransport` (a ServersTransportTCP of the
 * route's namespace), and the deprecated `proxyProtocol` and `terminationDelay` (the latter only
 * without a serversTransport, as in Traefik).
 *
 * As in Traefik, an entry that cannot be used is reported and skipped while the route keeps its
 * other entries; a route left with none is left out.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import { tcpLoadBalancerSchema, tcpWeightedSchema } from '../../../config/tcp.ts';
import { udpLoadBalancerSchema, udpWeightedSchema } from '../../../config/udp.ts';
import type { CrdContext } from './crd-context.ts';
import { readBool, readInt, readMap, readRequiredString, readString, withoutNulls } from './crd-fields.ts';
import { readServicePort, resolveEntryServers } from './crd-load-balancer.ts';
import type { ItemBatch } from './crd-output.ts';
import { namespaceAllowed, serversTransportRef } from './crd-references.ts';
import { checkWithSchema, type ObjectReport } from './crd-report.ts';

/** TCP or UDP. */
export type L4Protocol = 'tcp' | 'udp';

/** `http://10.0.0.1:80` → `10.0.0.1:80` (`[::1]:53` for IPv6). */
function addressOf(url: string): string {
  return url.slice(url.indexOf('://') + 3);
}

function buildL4LoadBalancer(
  ctx: CrdContext, parent: ObjectReport, parentNamespace: string, entry: unknown, path: ConfigPath, protocol: L4Protocol,
): { lb: Record<string, unknown>; name: string; port: number | string; weight: number | undefined; path: ConfigPath } | undefined {
  const report = parent.scope();
  const map = readMap(report, entry, path);
  if (map === undefined) {
    if (!report.failed) report.error('CRD_INVALID_FIELD', path, 'expected a service reference {name, port, …}');
    return undefined;
  }
  const name = readRequiredString(report, map['name'], [...path, 'name']);
  const namespace = readString(report, map['namespace'], [...path, 'namespace']);
  const weight = readInt(report, map['weight'], [...path, 'weight']);
  const port = readServicePort(report, map, path);
  const tls = protocol === 'tcp' ? readBool(report, map['tls'], [...path, 'tls']) : undefined;
  const transport = protocol === 'tcp' ? readString(report, map['serversTransport'], [...path, 'serversTransport']) : undefined;
  const terminationDelay = protocol === 'tcp' ? readInt(report, map['terminationDelay'], [...path, 'terminationDelay']) : undefined;
  if (name === undefined || port === undefined || report.failed) return undefined;
  if (name.includes('@')) {
    report.error('CRD_INVALID_FIELD', [...path, 'name'], `"${name}" is not a Kubernetes Service name (no @provider here)`);
    return undefined;
  }
  const ns = namespace === undefined || namespace === '' ? parentNamespace : namespace;
  if (!namespaceAllowed(ctx, report, parentNamespace, ns, `Service ${ns}/${name}`, [...path, 'namespace'])) return undefined;
  const found = resolveEntryServers(ctx, report, ns, name, port, map, path, undefined);
  if (found === undefined) return undefined;

  // TCP and UDP have no sticky clients to keep, so draining endpoints are simply out (Traefik
  // takes ready endpoints only); with every endpoint draining the service has none left.
  const live = found.servers.filter((s) => s.fenced !== true);
  if (live.length === 0 && found.servers.length > 0 && ctx.options.allowEmptyServices !== true) {
    report.error('CRD_SERVICE_NO_SERVERS', path,
      `Service ${ns}/${name} port ${port} has only terminating endpoints; left out (allowEmptyServices keeps it)`);
    return undefined;
  }
  const servers = live.map((s) => (tls === true ? { address: addressOf(s.url), tls: true } : { address: addressOf(s.url) }));
  const lb: Record<string, unknown> = { servers };
  if (protocol === 'tcp') {
    if (map['proxyProtocol'] !== undefined && map['proxyProtocol'] !== null) lb['proxyProtocol'] = withoutNulls(map['proxyProtocol']);
    if (transport !== undefined && transport !== '') {
      const key = serversTransportRef(ctx, report, parentNamespace, transport, [...path, 'serversTransport']);
      if (key !== undefined) lb['serversTransport'] = key;
    } else if (terminationDelay !== undefined) {
      lb['terminationDelay'] = terminationDelay;
    }
  }
  const schema = protocol === 'tcp' ? tcpLoadBalancerSchema : udpLoadBalancerSchema;
  if (report.failed || !checkWithSchema(schema, lb, path, report)) return undefined;
  return { lb, name, port, weight, path };
}

/**
 * Stages the services of a TCP or UDP route named `routerName` into `batch`; the name of the
 * route's service, or undefined when no entry could be used (an error on `route` then). Problems
 * with one entry go to `object` (the object's report, not the route's), so the route survives them.
 */
export function stageL4Services(
  ctx: CrdContext, object: ObjectReport, route: ObjectReport, parentNamespace: string, entries: readonly unknown[], path: ConfigPath,
  routerName: string, protocol: L4Protocol, batch: ItemBatch,
): string | undefined {
  const section = protocol === 'tcp' ? 'tcp.services' : 'udp.services';
  const built = entries.map((entry, index) => buildL4LoadBalancer(ctx, object, parentNamespace, entry, [...path, index], protocol));
  const usable = built.filter((b) => b !== undefined);
  if (usable.length === 0) {
    if (entries.length > 0) route.error('CRD_SERVICE_UNRESOLVED', path, 'none of the route\'s services can be used; the route is left out');
    return undefined;
  }
  if (entries.length === 1) {
    batch.put(section, routerName, { loadBalancer: usable[0]!.lb }, usable[0]!.path);
    return routerName;
  }
  const children = usable.map((b) => {
    const child = `${routerName}-${b.name}-${b.port}`;
    batch.put(section, child, { loadBalancer: b.lb }, b.path);
    return { name: child, weight: b.weight ?? 1 };
  });
  const weighted = { services: children };
  if (!checkWithSchema(protocol === 'tcp' ? tcpWeightedSchema : udpWeightedSchema, weighted, path, route)) return undefined;
  batch.put(section, routerName, { weighted }, path);
  return routerName;
}
