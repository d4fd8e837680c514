/**
 * The weighted service (canary releases): weighted round robin over child services, Traefik's
 * service-level WRR with the same EDF policy as servers, nested to any depth. And its sibling
 * highestRandomWeight, rendezvous hashing of the client IP over child services.
 *
 * A child with weight 0 is draining: no new clients, but a sticky cookie naming it still
 * reaches it (DESIGN.md). With `healthCheck: {}` the parent follows its children's health (a
 * child that reports none is a build error, as in Traefik) and reports its own upward.
 */
import type { HighestRandomWeightService, WeightedService } from '../config/dynamic.ts';
import type { Exchange, Handler, ResponseHeadHook } from '../lib/exchange.ts';
import { proxyError, sendProxyError } from '../proxy/proxy-error.ts';
import type { BuiltService } from './built-service.ts';
import { createComputedHealthSignal, type ComputedHealthSignal, type HealthSignal } from './health/health-signal.ts';
import { createHrwPolicy } from './policies/hrw.ts';
import type { PickRequest } from './policies/policy.ts';
import type { AffinityRegistry } from './sticky/client-ip-affinity.ts';
import { stickyCookieName } from './sticky/cookie-name.ts';
import { createStickyCookie, stickyCookieHooks } from './sticky/sticky-cookie.ts';
import { explainHighestRandomWeight, explainWeighted } from './weighted-explain.ts';
import { createWeightedRoundRobin } from './weighted-round-robin.ts';

/** A child service as its parent sees it: the name as written (what cookies hash), weight, handler, health. */
export interface ChildService {
  readonly name: string;
  readonly weight: number;
  readonly handler: Handler;
  readonly health: HealthSignal | null;
}

/** A parent declared `healthCheck: {}` but a child reports no health (Traefik refuses it too). */
export class ChildNotHealthAwareError extends Error {
  readonly child: string;
  constructor(child: string, parent: string) {
    super(`child service "${child}" of "${parent}" does not report health: give it a health check `
      + '(loadBalancer.healthCheck or passiveHealthCheck, or healthCheck: {} on a weighted, mirroring or failover service)');
    this.name = 'ChildNotHealthAwareError';
    this.child = child;
  }
}

interface Child extends ChildService {
  readonly key: string;
  readonly draining: boolean;
  /** Up as far as this parent knows (always true without `healthCheck: {}`). */
  readonly up: () => boolean;
}

/** Wires children's health into the parent: availability per child and the parent's own signal. */
function followHealth(name: string, children: readonly ChildService[], enabled: boolean): {
  children: Child[]; signal: ComputedHealthSignal | null; unsubscribe: () => void;
} {
  const out: Child[] = children.map((c) => {
    if (enabled && c.health === null) throw new ChildNotHealthAwareError(c.name, name);
    const health = enabled ? c.health : null;
    return { ...c, key: c.name, draining: !(c.weight > 0), up: health === null ? () => true : () => health.isUp() };
  });
  if (!enabled) return { children: out, signal: null, unsubscribe: () => {} };
  const signal = createComputedHealthSignal(() => out.some((c) => !c.draining && c.up()));
  const subs = children.map((c) => c.health!.subscribe(() => signal.recheck()));
  return { children: out, signal, unsubscribe: () => subs.forEach((u) => u()) };
}

/**
 * `children` in configuration order; `name` is the weighted service's qualified name.
 * `affinity` is needed only for `sticky.clientIP` (then the first pick is rendezvous hashing of
 * the client IP over the children, as for a loadBalancer, so replicas agree).
 */
export function createWeighted(name: string, config: WeightedService, childServices: readonly ChildService[], affinity?: AffinityRegistry): BuiltService {
  const { children, signal, unsubscribe } = followHealth(name, childServices, config.healthCheck !== undefined);
  const taking = children.filter((c) => !c.draining);
  const wrr = createWeightedRoundRobin(taking.map((c) => ({ value: c, weight: c.weight })));
  const isUp = (c: Child): boolean => c.up();
  const clientIp = config.sticky?.clientIP;
  if (clientIp !== undefined && affinity === undefined) throw new Error('createWeighted: sticky.clientIP needs the affinity registry');
  const table = clientIp === undefined ? null : affinity!.acquire(name, clientIp.timeout);
  const firstPick = table === null ? null : createHrwPolicy(taking);
  const byName = new Map(children.map((c) => [c.key, c]));
  const pickRequest = { clientIp: '', hashKey: undefined as string | undefined };

  const cookieConfig = config.sticky?.cookie;
  const sticky = cookieConfig === undefined ? null
    : createStickyCookie(cookieConfig, stickyCookieName(cookieConfig.name, name), children.map((c) => ({ key: c.key, target: c })));
  const cookieHooks = sticky === null ? new Map<Child, ResponseHeadHook>() : stickyCookieHooks(sticky, children);

  const handler: Handler = (exchange: Exchange) => {
    exchange.log.serviceName = name;
    let chosen: Child | undefined;
    let setCookie = false;
    if (sticky !== null) {
      const hit = sticky.lookup(exchange.request.headers);
      if (hit !== undefined && hit.target.up()) {
        chosen = hit.target;
        setCookie = hit.rewrite;
      } else {
        setCookie = true;
      }
    }
    if (chosen === undefined && table !== null) {
      const key = table.get(exchange.request.clientIp);
      const bound = key === undefined ? undefined : byName.get(key);
      if (bound !== undefined && bound.up()) chosen = bound;
      if (chosen === undefined) {
        pickRequest.clientIp = exchange.request.clientIp;
        chosen = firstPick!.pick(pickRequest as PickRequest, isUp);
      }
    }
    chosen ??= wrr.pick(isUp);
    if (chosen === undefined) {
      sendProxyError(exchange, proxyError('NO_AVAILABLE_SERVER'));
      return;
    }
    if (table !== null) table.set(exchange.request.clientIp, chosen.key);
    if (setCookie) exchange.responseHeadHooks.push(cookieHooks.get(chosen)!);
    return chosen.handler(exchange);
  };
  return {
    handler,
    serverStatus: () => undefined,
    health: signal,
    explain: (request, explainChild) => explainWeighted({
      name, children, byName, sticky, signed: cookieConfig?.secret !== undefined, affinity: table, firstPick, rotation: wrr,
    }, request, explainChild),
    details: () => ({
      children: children.map((c) => ({ name: c.name, weight: c.weight, status: !c.up() ? 'DOWN' : c.draining ? 'DRAINING' : 'UP' })),
      ...(table !== null ? { affinityEntries: table.size } : {}),
    }),
    dispose() {
      unsubscribe();
      firstPick?.dispose();
      if (table !== null) affinity!.release(name);
    },
  };
}

/** highestRandomWeight: the child with the highest rendezvous score for the client IP. */
export function createHighestRandomWeight(name: string, config: HighestRandomWeightService, childServices: readonly ChildService[]): BuiltService {
  const { children, signal, unsubscribe } = followHealth(name, childServices, config.healthCheck !== undefined);
  const policy = createHrwPolicy(children.filter((c) => !c.draining));
  const isUp = (c: Child): boolean => c.up();
  const pickRequest = { clientIp: '', hashKey: undefined as string | undefined };
  const handler: Handler = (exchange: Exchange) => {
    exchange.log.serviceName = name;
    pickRequest.clientIp = exchange.request.clientIp;
    const chosen = policy.pick(pickRequest as PickRequest, isUp);
    if (chosen === undefined) {
      sendProxyError(exchange, proxyError('NO_AVAILABLE_SERVER'));
      return;
    }
    return chosen.handler(exchange);
  };
  return {
    handler,
    serverStatus: () => undefined,
    health: signal,
    explain: (request, explainChild) => explainHighestRandomWeight(name, children, policy, request, explainChild),
    dispose() {
      unsubscribe();
      policy.dispose();
    },
  };
}
