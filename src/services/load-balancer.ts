/**
 * The loadBalancer service: a selection policy (weighted round robin) over servers, each
 * reached through the proxy. Servers stay in configuration order so sequences are reproducible
 * (Traefik shuffles them on every reload; DESIGN.md lists the difference).
 */
import type { LoadBalancerService } from '../config/dynamic.ts';
import type { ServerStatus } from '../config/runtime.ts';
import type { Exchange, Handler } from '../lib/exchange.ts';
import { forward, type ForwardOptions, type ServerTarget } from '../proxy/forward.ts';
import { proxyError, sendProxyError } from '../proxy/proxy-error.ts';
import type { TransportSettings, UpstreamPools } from '../proxy/upstream-pools.ts';
import type { BuiltService } from './built-service.ts';
import { createWeightedRoundRobin } from './weighted-round-robin.ts';

export interface LoadBalancerDeps {
  readonly pools: UpstreamPools;
  readonly transport: TransportSettings;
  readonly notAppendXForwardedFor: boolean;
}

/**
 * Features of a loadBalancer this build does not implement yet. A service using one is
 * disabled with a diagnostic rather than served without it.
 */
export function unsupportedLoadBalancerFeatures(config: LoadBalancerService): string[] {
  const out: string[] = [];
  if (config.sticky !== undefined) out.push('sticky');
  if (config.healthCheck !== undefined) out.push('healthCheck');
  if (config.passiveHealthCheck !== undefined) out.push('passiveHealthCheck');
  if (config.strategy !== 'wrr') out.push(`strategy ${config.strategy}`);
  for (const s of config.servers) {
    const scheme = s.url.slice(0, s.url.indexOf(':')).toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') out.push(`server scheme ${scheme}`);
  }
  return out;
}

/** Parses a server URL into what the proxy needs. Throws on a URL validation let through (a bug). */
export function serverOrigin(url: string): { origin: string; address: string; host: string; path: string } {
  const u = new URL(url);
  const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
  const address = `${u.hostname}:${port}`;
  // `host` is the authority as written (port only when given): the Host header Traefik sends
  // when passHostHeader is false.
  return { origin: `${u.protocol}//${address}`, address, host: u.host, path: u.pathname };
}

export function createLoadBalancer(name: string, config: LoadBalancerService, deps: LoadBalancerDeps): BuiltService {
  const targets: ServerTarget[] = [];
  const acquired: string[] = [];
  const weighted: { value: ServerTarget; weight: number }[] = [];
  for (const s of config.servers) {
    const { origin, address, host, path } = serverOrigin(s.url);
    const pool = deps.pools.acquire(origin, deps.transport);
    acquired.push(origin);
    const target: ServerTarget = { url: s.url, origin, address, host, basePath: s.preservePath && path !== '/' ? path : '', pool };
    targets.push(target);
    weighted.push({ value: target, weight: s.weight });
  }
  const wrr = createWeightedRoundRobin(weighted);
  const options: ForwardOptions = { passHostHeader: config.passHostHeader, notAppendXForwardedFor: deps.notAppendXForwardedFor };

  const handler: Handler = (exchange: Exchange) => {
    exchange.log.serviceName = name;
    const target = wrr.pick();
    if (target === undefined) {
      sendProxyError(exchange, proxyError('NO_AVAILABLE_SERVER'));
      return;
    }
    forward(exchange, target, options);
  };

  let disposed = false;
  return {
    handler,
    health: null,
    serverStatus() {
      const out: Record<string, ServerStatus> = {};
      for (const t of targets) out[t.url] = 'UP';
      return out;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const origin of acquired) deps.pools.release(origin, deps.transport);
    },
  };
}
