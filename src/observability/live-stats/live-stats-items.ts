/**
 * The items of a RuntimeConfig whose live statistics are kept: what `LiveStats.retain` is given
 * after each applied configuration, so the statistics of removed items are dropped.
 */
import type { RuntimeConfig } from '../../config/runtime.ts';
import type { LiveStatsItems } from './live-stats.ts';

/**
 * Routers and services that serve (not disabled) and are not Switchyard's own (`…@internal`),
 * with the server URLs of each loadBalancer.
 */
export function liveStatsItems(runtime: RuntimeConfig): LiveStatsItems {
  const routers: string[] = [];
  for (const [name, router] of runtime.http.routers) {
    if (router.status !== 'disabled' && !name.endsWith('@internal')) routers.push(name);
  }
  const services = new Map<string, readonly string[]>();
  for (const [name, service] of runtime.http.services) {
    if (service.status === 'disabled' || service.config === null || name.endsWith('@internal')) continue;
    services.set(name, service.config.kind === 'loadBalancer' ? service.config.loadBalancer.servers.map((s) => s.url) : []);
  }
  return { routers, services };
}
