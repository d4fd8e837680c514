/**
 * The UDP loadBalancer service (Traefik pkg/server/service/udp/service.go): a GCD round robin
 * over its servers, every server weighing 1. UDP has no health checks (reference §6.3).
 * Servers stay in configuration order (Traefik shuffles them on each build).
 */
import type { UdpLoadBalancerService } from '../../config/udp.ts';
import { createGcdRoundRobin } from '../tcp/gcd-round-robin.ts';
import { splitHostPort } from '../tcp/host-port.ts';
import { L4ServiceConfigError } from '../tcp/l4-service-error.ts';
import type { BuiltUdpService, UdpServerTarget } from './built-udp-service.ts';

/** Builds the service; throws L4ServiceConfigError for a server address that is not `host:port`. */
export function createUdpLoadBalancer(config: UdpLoadBalancerService): BuiltUdpService {
  const targets: UdpServerTarget[] = config.servers.map((server, index) => {
    const target = splitHostPort(server.address);
    if (typeof target === 'string') throw new L4ServiceConfigError('SERVICE_SERVER_ADDRESS_INVALID', `servers[${index}].address`, target);
    return { address: server.address, ...target };
  });
  const wrr = createGcdRoundRobin(targets.map((t) => ({ value: t, weight: 1 })));
  return { pick: () => wrr.next(), servers: new Set(targets.map((t) => t.address)) };
}
