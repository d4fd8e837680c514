/**
 * TCP and UDP services: weighted children (and loops between them) and, for TCP, servers
 * transports.
 */
import type { RuntimeItem } from '../config/runtime.ts';
import type { MergedItem, L4ServiceRefs } from './merged-config.ts';
import { referenceKey, settleReferenceGraph, type CheckedReference, type ReferenceNode } from './reference-checks.ts';
import { addUser, itemPath } from './runtime-items.ts';

/** Resolves the services of one protocol (`tcp` or `udp`) in place. */
export function resolveL4Services(
  protocol: 'tcp' | 'udp',
  merged: ReadonlyMap<string, MergedItem<unknown, L4ServiceRefs>>,
  services: ReadonlyMap<string, RuntimeItem<unknown>>,
  serversTransports: ReadonlyMap<string, RuntimeItem<unknown>>,
): void {
  const lookup = (key: string): RuntimeItem<unknown> | undefined => {
    const at = key.indexOf(':');
    const name = key.slice(at + 1);
    return key.startsWith('service:') ? services.get(name) : serversTransports.get(name);
  };
  const nodes = new Map<string, ReferenceNode>();
  for (const [name, service] of merged) {
    if (service.refs === null) continue;
    const path = itemPath(`${protocol}.services`, name);
    const refs: CheckedReference[] = service.refs.services.map((ref) => ({
      key: referenceKey('service', ref.name), name: ref.name, kind: 'service', path: `${path}.${ref.field}`, code: 'SERVICE_CHILD',
    }));
    const transport = service.refs.serversTransport;
    if (transport !== '' && transport !== 'default@internal') {
      refs.push({
        key: referenceKey('serversTransport', transport), name: transport, kind: 'serversTransport',
        path: `${path}.loadBalancer.serversTransport`, code: 'SERVICE_SERVERS_TRANSPORT',
      });
    }
    nodes.set(referenceKey('service', name), { item: services.get(name)!, noun: 'service', path, refs });
  }
  settleReferenceGraph(nodes, lookup);
  for (const node of nodes.values()) for (const ref of node.refs) addUser(lookup(ref.key), node.item.name);
}
