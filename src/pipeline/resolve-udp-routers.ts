/**
 * UDP routers [Traefik pkg/server/router/udp/router.go]: no rule, so only one router can serve
 * an entry point; with several, the one whose qualified name sorts last wins and the others get
 * a warning for that entry point.
 */
import type { UdpRouter } from '../config/dynamic.ts';
import type { RuntimeItem, RuntimeUdpRouter } from '../config/runtime.ts';
import { checkRouterEntryPoints } from './entry-points.ts';
import type { MergedConfig } from './merged-config.ts';
import { checkReference, referenceKey } from './reference-checks.ts';
import { addProblem, addUser, createRuntimeItem, isServing, itemPath, type NotImplemented } from './runtime-items.ts';

/** Resolves every UDP router. */
export function resolveUdpRouters(
  merged: MergedConfig['udp'], services: ReadonlyMap<string, RuntimeItem<unknown>>, entryPoints: ReadonlySet<string>,
  notImplemented?: NotImplemented,
): Map<string, RuntimeUdpRouter> {
  const routers = new Map<string, { item: RuntimeItem<UdpRouter>; using: string[]; service: string }>();
  for (const [name, router] of merged.routers) {
    const item = createRuntimeItem<UdpRouter>(router);
    const path = itemPath('udp.routers', name);
    if (notImplemented) addProblem(item, { critical: true, path, ...notImplemented });
    if (router.config === null || router.refs === null) {
      routers.set(name, { item, using: [], service: '' });
      continue;
    }
    const refs = router.refs;
    const using = checkRouterEntryPoints(refs.entryPoints, entryPoints, (p) => addProblem(item, { ...p, path: `${path}.entryPoints` }));
    if (refs.service === '') {
      addProblem(item, { critical: true, code: 'ROUTER_NO_SERVICE', path: `${path}.service`, message: 'the service is missing on the udp router' });
    } else {
      const target = services.get(refs.service);
      checkReference(item, {
        key: referenceKey('service', refs.service), name: refs.service, kind: 'service', path: `${path}.service`, code: 'ROUTER_SERVICE',
      }, target);
      addUser(target, name);
    }
    routers.set(name, { item, using, service: refs.service });
  }

  // One router per entry point: among the serving ones, the name sorting last wins.
  const byEntryPoint = new Map<string, string[]>();
  for (const [name, { item, using }] of routers) {
    if (!isServing(item)) continue;
    for (const ep of using) byEntryPoint.set(ep, [...(byEntryPoint.get(ep) ?? []), name]);
  }
  for (const [ep, names] of byEntryPoint) {
    if (names.length < 2) continue;
    const [winner, ...losers] = names.sort().reverse();
    for (const loser of losers) {
      const router = routers.get(loser)!;
      router.using = router.using.filter((name) => name !== ep);
      addProblem(router.item, {
        critical: false, code: 'UDP_ROUTER_SHADOWED', path: `${itemPath('udp.routers', loser)}.entryPoints`,
        message: `config has more than one udp router for entryPoint ${JSON.stringify(ep)}: ${JSON.stringify(winner)} is used instead`,
      });
    }
  }

  return new Map([...routers].map(([name, { item, using, service }]) => [name, { ...item, using, service }]));
}
