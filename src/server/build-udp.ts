/**
 * buildUdp(): the UDP part of build(). Yields, per UDP entry point, its one effective router and
 * that router's built service, which the UDP entry point picks servers from for new sessions.
 *
 * Only one UDP router serves an entry point (reference §1.5): resolve() already keeps only the
 * one whose qualified name sorts last and warns on the others; this repeats the rule for any
 * router list that reaches it unresolved. A router whose service cannot be built is disabled
 * with a diagnostic, and everything else goes live.
 */
import type { RuntimeConfig, RuntimeItem } from '../config/runtime.ts';
import type { UdpService } from '../config/udp.ts';
import { qualifyName, splitQualifiedName } from '../lib/qualified-name.ts';
import { L4ServiceConfigError } from '../services/tcp/l4-service-error.ts';
import type { BuiltUdpService } from '../services/udp/built-udp-service.ts';
import { createUdpLoadBalancer } from '../services/udp/udp-load-balancer.ts';
import { createUdpWeighted, type UdpChildService } from '../services/udp/udp-weighted.ts';
import { disableL4Item, localName, warnL4Item } from './build-tcp.ts';
import type { UdpRoute } from './udp-entry-point.ts';

export interface BuiltUdpState {
  /** The effective route of each UDP entry point that has one. */
  readonly entryPoints: ReadonlyMap<string, UdpRoute>;
  /** Built services by qualified name. */
  readonly services: ReadonlyMap<string, BuiltUdpService>;
  /** Nothing to release today (sessions belong to the entry points); kept for the lifecycle. */
  dispose(): void;
}

/** Builds the effective UDP router of every UDP entry point and the services they use. */
export function buildUdp(runtime: RuntimeConfig): BuiltUdpState {
  const services = new Map<string, BuiltUdpService>();
  const failed = new Set<string>();
  const building = new Set<string>();

  const serviceBuilt = (qualified: string): BuiltUdpService | null => {
    const built = services.get(qualified);
    if (built !== undefined) return built;
    if (failed.has(qualified)) return null;
    const item = runtime.udp.services.get(qualified);
    if (item === undefined || item.config === null || item.status === 'disabled' || building.has(qualified)) {
      failed.add(qualified);
      return null;
    }
    building.add(qualified);
    try {
      const b = buildService(item as RuntimeItem<UdpService> & { config: UdpService });
      if (b === null) failed.add(qualified);
      else services.set(qualified, b);
      return b;
    } finally {
      building.delete(qualified);
    }
  };

  const buildService = (item: RuntimeItem<UdpService> & { config: UdpService }): BuiltUdpService | null => {
    const { provider } = splitQualifiedName(item.name);
    const config = item.config;
    const path = `udp.services.${localName(item.name)}.${config.kind}`;
    switch (config.kind) {
      case 'loadBalancer':
        try {
          return createUdpLoadBalancer(config.loadBalancer);
        } catch (err) {
          if (!(err instanceof L4ServiceConfigError)) throw err;
          const index = Number(/\[(\d+)\]/.exec(err.field)?.[1] ?? 0);
          disableL4Item(item, err.code, `${path}.${err.field}`, [config.kind, 'servers', index, 'address'], err.message);
          return null;
        }
      case 'weighted': {
        const children: UdpChildService[] = [];
        for (const [index, ref] of config.weighted.services.entries()) {
          const q = qualifyName(ref.name, provider);
          const child = serviceBuilt(q);
          if (child === null) {
            disableL4Item(item, 'SERVICE_CHILD_UNAVAILABLE', `${path}.services[${index}].name`, [config.kind, 'services', index, 'name'],
              `child service "${q}" is not available`);
            return null;
          }
          children.push({ weight: ref.weight, service: child });
        }
        return createUdpWeighted(config.weighted, children);
      }
      default: {
        const never: never = config;
        throw new Error(`unknown UDP service kind ${String(never)}`);
      }
    }
  };

  const entryPoints = new Map<string, UdpRoute>();
  // Names sorting last first: the first router to claim an entry point keeps it.
  const routers = [...runtime.udp.routers.values()].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  for (const router of routers) {
    if (router.status === 'disabled' || router.using.length === 0) continue;
    const service = serviceBuilt(router.service);
    if (service === null) {
      const why = runtime.udp.services.get(router.service)?.errors.join('; ') || 'not built';
      disableL4Item(router, 'ROUTER_SERVICE_UNAVAILABLE', `udp.routers.${localName(router.name)}.service`, ['service'],
        `the service "${router.service}" is not available: ${why}`);
      continue;
    }
    for (const ep of router.using) {
      const winner = entryPoints.get(ep);
      if (winner !== undefined) {
        warnL4Item(router, 'UDP_ROUTER_SHADOWED', `udp.routers.${localName(router.name)}.entryPoints`, ['entryPoints'],
          `config has more than one udp router for entryPoint ${JSON.stringify(ep)}: ${JSON.stringify(winner.routerName)} is used instead`);
        continue;
      }
      entryPoints.set(ep, { routerName: router.name, serviceName: router.service, service });
    }
  }

  return { entryPoints, services, dispose() {} };
}
