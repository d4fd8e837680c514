/**
 * The weighted service: weighted round robin over child services (Traefik's service-level
 * WRR; same EDF policy as servers). Child handlers are built elsewhere and looked up by name.
 */
import type { WeightedService } from '../config/dynamic.ts';
import type { Exchange, Handler } from '../lib/exchange.ts';
import { proxyError, sendProxyError } from '../proxy/proxy-error.ts';
import type { BuiltService } from './built-service.ts';
import { createWeightedRoundRobin } from './weighted-round-robin.ts';

/** Features of a weighted service this build does not implement yet. */
export function unsupportedWeightedFeatures(config: WeightedService): string[] {
  const out: string[] = [];
  if (config.sticky !== undefined) out.push('sticky');
  if (config.healthCheck !== undefined) out.push('healthCheck');
  return out;
}

/**
 * `children` are the child services' handlers in configuration order, with their weights and
 * the child name as written (the identity Traefik hashes for sticky cookies).
 */
export function createWeighted(name: string, children: readonly { name: string; weight: number; handler: Handler }[]): BuiltService {
  const wrr = createWeightedRoundRobin(children.map((c) => ({ value: c.handler, weight: c.weight })));
  const handler: Handler = (exchange: Exchange) => {
    exchange.log.serviceName = name;
    const child = wrr.pick();
    if (child === undefined) {
      sendProxyError(exchange, proxyError('NO_AVAILABLE_SERVER'));
      return;
    }
    return child(exchange);
  };
  return { handler, serverStatus: () => undefined, health: null, dispose() {} };
}
