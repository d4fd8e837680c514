/**
 * HTTP services and middlewares: kinds Switchyard does not implement yet, references to
 * children, middlewares and servers transports, and loops between them.
 */
import type { HttpMiddleware, HttpServersTransport, HttpService } from '../config/dynamic.ts';
import type { RuntimeItem } from '../config/runtime.ts';
import type { MergedConfig, Reference } from './merged-config.ts';
import { referenceKey, settleReferenceGraph, type CheckedReference, type ReferenceKind, type ReferenceNode } from './reference-checks.ts';
import { addProblem, addUser, itemPath } from './runtime-items.ts';

/** The runtime items HTTP references point at. */
export interface HttpGraphItems {
  readonly services: ReadonlyMap<string, RuntimeItem<HttpService>>;
  readonly middlewares: ReadonlyMap<string, RuntimeItem<HttpMiddleware>>;
  readonly serversTransports: ReadonlyMap<string, RuntimeItem<HttpServersTransport>>;
  /** Services Switchyard implements itself (`api@internal`, `noop@internal`, …): they exist without configuration. */
  readonly internalServices: ReadonlySet<string>;
}

/** Stands for a built-in service in reference checks: always there, always serving. */
function builtInService(name: string): RuntimeItem<unknown> {
  return { name, provider: 'internal', config: null, raw: null, status: 'enabled', errors: [], diagnostics: [], usedBy: [] };
}

/** The HTTP middleware and service kinds Switchyard implements. */
export interface HttpSupport {
  readonly httpMiddlewares: ReadonlySet<string>;
  readonly httpServices: ReadonlySet<string>;
}

/** The servers transport every loadBalancer uses by default, built from the static configuration. */
export const defaultServersTransport = 'default@internal';

/** Looks an HTTP service, middleware or servers transport up by reference key. */
export function httpLookup(items: HttpGraphItems): (key: string) => RuntimeItem<unknown> | undefined {
  return (key) => {
    const at = key.indexOf(':');
    const kind = key.slice(0, at) as ReferenceKind;
    const name = key.slice(at + 1);
    if (kind === 'service') return items.services.get(name) ?? (items.internalServices.has(name) ? builtInService(name) : undefined);
    if (kind === 'middleware') return items.middlewares.get(name);
    return items.serversTransports.get(name);
  };
}

function checked(refs: readonly Reference[], kind: ReferenceKind, base: string, code: string): CheckedReference[] {
  return refs.map((ref) => ({ key: referenceKey(kind, ref.name), name: ref.name, kind, path: `${base}.${ref.field}`, code }));
}

/** Resolves every HTTP service and middleware in place. */
export function resolveHttpGraph(merged: MergedConfig['http'], items: HttpGraphItems, support: HttpSupport): void {
  const nodes = new Map<string, ReferenceNode>();
  const lookup = httpLookup(items);

  for (const [name, service] of merged.services) {
    const item = items.services.get(name)!;
    const path = itemPath('http.services', name);
    if (service.config !== null && !support.httpServices.has(service.config.kind)) {
      addProblem(item, {
        critical: true, code: 'SERVICE_KIND_NOT_IMPLEMENTED', path: `${path}.${service.config.kind}`,
        message: `the service kind "${service.config.kind}" is not implemented yet in Switchyard`,
      });
    }
    if (service.refs === null) continue;
    const refs = [
      ...checked(service.refs.services, 'service', path, 'SERVICE_CHILD'),
      ...checked(service.refs.middlewares, 'middleware', path, 'SERVICE_MIDDLEWARE'),
    ];
    const transport = service.refs.serversTransport;
    if (transport !== '' && transport !== defaultServersTransport) {
      refs.push({
        key: referenceKey('serversTransport', transport), name: transport, kind: 'serversTransport',
        path: `${path}.loadBalancer.serversTransport`, code: 'SERVICE_SERVERS_TRANSPORT',
      });
    }
    nodes.set(referenceKey('service', name), { item, noun: 'service', path, refs });
  }

  for (const [name, middleware] of merged.middlewares) {
    const item = items.middlewares.get(name)!;
    const path = itemPath('http.middlewares', name);
    if (middleware.config !== null && !support.httpMiddlewares.has(middleware.config.kind)) {
      addProblem(item, {
        critical: true, code: 'MIDDLEWARE_KIND_NOT_IMPLEMENTED', path: `${path}.${middleware.config.kind}`,
        message: `the middleware kind "${middleware.config.kind}" is not implemented yet in Switchyard`,
      });
    }
    if (middleware.refs === null) continue;
    const refs = [
      ...checked(middleware.refs.middlewares, 'middleware', path, 'MIDDLEWARE_CHAIN'),
      ...checked(middleware.refs.services, 'service', path, 'MIDDLEWARE_SERVICE'),
    ];
    nodes.set(referenceKey('middleware', name), { item, noun: 'middleware', path, refs });
  }

  settleReferenceGraph(nodes, lookup);

  for (const node of nodes.values()) {
    for (const ref of node.refs) addUser(lookup(ref.key), node.item.name);
  }
}
