/**
 * The UDP weighted service: a GCD round robin over child UDP services (reference §4.2), nested
 * to any depth. A child with weight ≤ 0 is never picked; a child that has no server to give is
 * skipped for this session.
 */
import type { UdpWeightedService } from '../../config/udp.ts';
import { createGcdRoundRobin } from '../tcp/gcd-round-robin.ts';
import type { BuiltUdpService, UdpServerTarget } from './built-udp-service.ts';

/** A child as its parent sees it. */
export interface UdpChildService {
  readonly weight: number;
  readonly service: BuiltUdpService;
}

/** Builds the weighted service over `children` in configuration order. */
export function createUdpWeighted(_config: UdpWeightedService, children: readonly UdpChildService[]): BuiltUdpService {
  const wrr = createGcdRoundRobin(children.map((c) => ({ value: c.service, weight: c.weight })));
  const servers = new Set<string>();
  for (const c of children) if (c.weight > 0) for (const s of c.service.servers) servers.add(s);
  return {
    pick(): UdpServerTarget | undefined {
      // Each child is tried at most once per pick: a child without servers cannot stall it.
      const tried = new Set<BuiltUdpService>();
      for (let i = 0; i < children.length; i++) {
        const child = wrr.next((s) => !tried.has(s));
        if (child === undefined) return undefined;
        const target = child.pick();
        if (target !== undefined) return target;
        tried.add(child);
      }
      return undefined;
    },
    servers,
  };
}
