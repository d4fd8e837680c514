/**
 * The loadBalancer service: servers, how a request picks one, and what keeps a client on the
 * one it had.
 *
 * A request is placed by, in order: its sticky cookie (a server that is UP, draining included),
 * its client-IP affinity entry (same), then the selection policy over the UP servers that take
 * new traffic. Draining servers (weight 0, or fenced by Kubernetes for terminating endpoints)
 * keep the clients that name them and get no new ones (DESIGN.md, deliberate difference).
 * Servers stay in configuration order so sequences are reproducible (Traefik shuffles them).
 *
 * Health, affinity entries and upstream pools live in registries outside the built service,
 * keyed by service and server URL, so a configuration reload keeps them.
 */
import type { LoadBalancerService } from '../config/dynamic.ts';
import type { ServerStatus } from '../config/runtime.ts';
import type { Clock } from '../lib/clock.ts';
import type { Exchange, Handler, RequestHead, ResponseHeadHook } from '../lib/exchange.ts';
import { attemptedServers, noteAttempt } from '../proxy/attempts.ts';
import { forward, type ForwardObserver, type ForwardOptions, type ServerTarget } from '../proxy/forward.ts';
import { proxyError, sendProxyError } from '../proxy/proxy-error.ts';
import type { TransportSettings, UpstreamPools } from '../proxy/upstream-pools.ts';
import type { BuiltService } from './built-service.ts';
import type { LiveStats, StatsCell } from '../observability/live-stats/live-stats.ts';
import { startActiveHealthCheck, type ActiveHealthCheck } from './health/active-check.ts';
import { explainLoadBalancer, type LoadBalancerParts } from './load-balancer-explain.ts';
import { createComputedHealthSignal, type ComputedHealthSignal } from './health/health-signal.ts';
import { createPassiveHealthCheck, type PassiveHealthCheck } from './health/passive-check.ts';
import type { HealthRegistry, ServerHealth } from './health/server-health.ts';
import { createPolicy } from './policies/create-policy.ts';
import type { PickRequest, PolicyServer, SelectionPolicy } from './policies/policy.ts';
import { slowStartFactor, withSlowStart } from './policies/slow-start.ts';
import type { PolicyMemoryRegistry } from './policy-memory.ts';
import type { AffinityRegistry, AffinityTable } from './sticky/client-ip-affinity.ts';
import { stickyCookieName } from './sticky/cookie-name.ts';
import { createStickyCookie, stickyCookieHooks, type StickyCookie } from './sticky/sticky-cookie.ts';

/** The state registries and sources services share across builds (kept by the running Switchyard). */
export interface ServiceStateDeps {
  readonly health: HealthRegistry;
  readonly affinity: AffinityRegistry;
  readonly clock: Clock;
  readonly random: () => number;
  /** Policy state kept across reloads (drr weights); without it a rebuild starts afresh. */
  readonly policyMemory?: PolicyMemoryRegistry;
  /** Told about every server status change (logging). */
  readonly onHealthChange?: (service: string, url: string, status: string, reason: string) => void;
  /** Live statistics (the API's `/api/stats`); without it nothing is recorded. */
  readonly liveStats?: LiveStats;
  /**
   * False in a worker process (server/workers/): its control plane runs the active health
   * checks and sends the transitions, which arrive through `health`. Default true.
   */
  readonly activeHealthChecks?: boolean;
}

export interface LoadBalancerDeps extends ServiceStateDeps {
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
  for (const s of config.servers) {
    const scheme = s.url.slice(0, s.url.indexOf(':')).toLowerCase();
    // h2c: HTTP/2 with prior knowledge over cleartext, as Traefik's `h2c://` servers.
    if (scheme !== 'http' && scheme !== 'https' && scheme !== 'h2c') out.push(`server scheme ${scheme}`);
  }
  return out;
}

/** Parses a server URL into what the proxy needs. Throws on a URL validation let through (a bug). */
export function serverOrigin(url: string): { origin: string; address: string; host: string; path: string } {
  const u = new URL(url);
  const protocol = u.protocol.toLowerCase();
  const port = u.port !== '' ? u.port : protocol === 'https:' ? '443' : '80';
  const address = `${u.hostname}:${port}`;
  // `host` is the authority as written (port only when given): the Host header Traefik sends
  // when passHostHeader is false. (`h2c:` is not a special scheme for URL: its path may be ''.)
  return { origin: `${protocol}//${address}`, address, host: u.host, path: u.pathname === '' ? '/' : u.pathname };
}

/** One server of a built loadBalancer. */
interface Server extends PolicyServer {
  readonly target: ServerTarget;
  readonly health: ServerHealth;
  /** Weight ≤ 0 or fenced: keeps its sticky and affinity clients, gets no new ones. */
  readonly draining: boolean;
  /** `service\0url`: what the retry middleware's attempt tracking records. */
  readonly attemptKey: string;
  readonly observer: ForwardObserver;
  /** Its live statistics, when kept. */
  readonly stats: StatsCell | undefined;
}

/** Strategies that place by a hash of the request: slow start would move keys, so it does not apply. */
const hashingStrategies = new Set(['hrw', 'hash']);

/** The `Cookie` value a hash strategy reads, or undefined. */
function cookieValue(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    const k = headers[i]!;
    if (k.length !== 6 || k.toLowerCase() !== 'cookie') continue;
    for (const part of headers[i + 1]!.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
      const v = part.slice(eq + 1).trim();
      return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
    }
  }
  return undefined;
}

/** The first value of query parameter `name` in a raw query, or undefined. */
function queryValue(query: string, name: string): string | undefined {
  if (query === '') return undefined;
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    if (k !== name) continue;
    const v = eq < 0 ? '' : part.slice(eq + 1);
    try {
      return decodeURIComponent(v.replaceAll('+', ' '));
    } catch {
      return v;
    }
  }
  return undefined;
}

/** Reads the hash key of `strategy: hash` from a request. */
function hashKeyReader(config: LoadBalancerService): ((request: RequestHead) => string | undefined) | null {
  const h = config.hash;
  if (config.strategy !== 'hash' || h === undefined) return null;
  if (h.header !== undefined) {
    const name = h.header.toLowerCase();
    return (request) => {
      const headers = request.headers;
      for (let i = 0; i < headers.length; i += 2) {
        const k = headers[i]!;
        if (k.length === name.length && k.toLowerCase() === name) return headers[i + 1];
      }
      return undefined;
    };
  }
  if (h.cookie !== undefined) {
    const name = h.cookie;
    return (request) => cookieValue(request.headers, name);
  }
  const name = h.query!;
  return (request) => queryValue(request.query, name);
}

export function createLoadBalancer(name: string, config: LoadBalancerService, deps: LoadBalancerDeps): BuiltService {
  const acquiredPools: string[] = [];
  const live = deps.liveStats;
  const serviceStats = live?.service(name);
  const servers: Server[] = [];
  const byKey = new Map<string, Server>();
  let passive: PassiveHealthCheck | null = null;

  for (const s of config.servers) {
    if (byKey.has(s.url)) continue; // the same URL twice is one server (Traefik keys handlers by URL)
    const { origin, address, host, path } = serverOrigin(s.url);
    const pool = deps.pools.acquire(origin, deps.transport);
    acquiredPools.push(origin);
    const target: ServerTarget = { url: s.url, origin, address, host, basePath: s.preservePath && path !== '/' ? path : '', pool };
    const health = deps.health.acquire(name, s.url);
    const server: Server = {
      key: s.url,
      weight: s.weight,
      target,
      health,
      draining: s.weight <= 0 || s.fenced,
      attemptKey: `${name}\u0000${s.url}`,
      observer: undefined as unknown as ForwardObserver,
      stats: live?.server(name, s.url),
    };
    (server as { observer: ForwardObserver }).observer = {
      onHeaders: (_t, ttfbMs) => {
        policy.onHeaders(server, ttfbMs);
        if (server.stats !== undefined) live?.serverHeaders(server.stats, ttfbMs);
      },
      onResult: (_t, status, error, fromServer) => {
        // A client that went away (499) says nothing about the server.
        const failed = error !== null && !fromServer && status !== 499;
        policy.onEnd(server, status, failed);
        if (passive !== null && status !== 499) passive.onResult(server.health, status, failed);
        if (server.stats !== undefined) live?.serverResult(server.stats, status);
      },
    };
    servers.push(server);
    byKey.set(s.url, server);
  }

  const taking = servers.filter((s) => !s.draining);
  const memory = deps.policyMemory?.acquire(name);
  let policy: SelectionPolicy<Server> = createPolicy(config.strategy, taking, {
    clock: deps.clock,
    random: deps.random,
    loadFactor: config.hash?.loadFactor ?? 0,
    ...(memory !== undefined ? { drrMemory: memory.drr } : {}),
  });
  if (config.slowStart > 0 && !hashingStrategies.has(config.strategy)) {
    const duration = config.slowStart;
    policy = withSlowStart(policy, (s) => slowStartFactor(deps.clock.now() - s.health.since, duration));
  }

  // Traefik ignores sticky cookies with hrw (it is already sticky by client IP).
  const cookieConfig = config.strategy === 'hrw' ? undefined : config.sticky?.cookie;
  const sticky: StickyCookie<Server> | null = cookieConfig === undefined ? null
    : createStickyCookie(cookieConfig, stickyCookieName(cookieConfig.name, name), servers.map((s) => ({ key: s.key, target: s })));
  const clientIpConfig = config.sticky?.clientIP;
  const affinity: AffinityTable | null = clientIpConfig === undefined ? null : deps.affinity.acquire(name, clientIpConfig.timeout);
  // With client-IP affinity the first pick is rendezvous hashing on the client IP whatever the
  // strategy, so that every replica and worker makes the same first choice (DESIGN.md).
  const firstPick: SelectionPolicy<Server> = affinity === null || config.strategy === 'hrw' ? policy
    : createPolicy('hrw', taking, { clock: deps.clock, random: deps.random, loadFactor: 0 });

  const hasHealthCheck = config.healthCheck !== undefined || config.passiveHealthCheck !== undefined;
  const signal: ComputedHealthSignal | null = hasHealthCheck
    ? createComputedHealthSignal(() => taking.some((s) => s.health.status === 'UP'))
    : null;
  const unsubscribe: (() => void)[] = [];
  if (signal !== null) for (const s of servers) unsubscribe.push(s.health.subscribe(() => signal.recheck()));

  let active: ActiveHealthCheck | null = null;
  if (config.healthCheck !== undefined && deps.activeHealthChecks !== false) {
    active = startActiveHealthCheck({
      service: name,
      config: config.healthCheck,
      servers: servers.map((s) => ({ url: s.key, health: s.health })),
      transport: deps.transport,
      pools: deps.pools,
      clock: deps.clock,
      ...(deps.onHealthChange !== undefined ? { onChange: (url, status, reason) => deps.onHealthChange!(name, url, status, reason) } : {}),
    });
  }
  if (config.passiveHealthCheck !== undefined) {
    passive = createPassiveHealthCheck(config.passiveHealthCheck, {
      // Configured, not started here: a worker's DOWN server waits for its control plane's check.
      clock: deps.clock, hasActiveCheck: config.healthCheck !== undefined, servers: servers.map((s) => s.health),
    });
  }
  if (!hasHealthCheck) {
    // A reload that removed the health checks: nothing would ever bring a DOWN server back.
    for (const s of servers) if (s.health.status === 'DOWN') s.health.set('UP', 'health checks removed from the configuration');
  }

  const readHashKey = hashKeyReader(config);
  const options: ForwardOptions = { passHostHeader: config.passHostHeader, notAppendXForwardedFor: deps.notAppendXForwardedFor };
  const isUp = (s: Server): boolean => s.health.status === 'UP';
  const cookieHooks = sticky === null ? new Map<Server, ResponseHeadHook>() : stickyCookieHooks(sticky, servers);

  const pickRequest = { clientIp: '', hashKey: undefined as string | undefined };

  const handler: Handler = (exchange: Exchange) => {
    exchange.log.serviceName = name;
    const request = exchange.request;
    const tried = attemptedServers(request);
    const usable = tried === undefined || tried.size === 0 ? isUp : (s: Server) => isUp(s) && !tried.has(s.attemptKey);

    let chosen: Server | undefined;
    let setCookie = false;
    /** No valid cookie for a usable server: the cookie set below starts a sticky session. */
    let newSession = false;
    if (sticky !== null) {
      const hit = sticky.lookup(request.headers);
      if (hit !== undefined && usable(hit.target)) {
        chosen = hit.target;
        setCookie = hit.rewrite;
      } else {
        setCookie = true;
        newSession = true;
      }
    }
    if (chosen === undefined && affinity !== null) {
      const key = affinity.get(request.clientIp);
      const bound = key === undefined ? undefined : byKey.get(key);
      if (bound !== undefined && usable(bound)) chosen = bound;
    }
    if (chosen === undefined) {
      pickRequest.clientIp = request.clientIp;
      pickRequest.hashKey = readHashKey === null ? undefined : readHashKey(request);
      chosen = firstPick.pick(pickRequest as PickRequest, usable);
      // Every server was already attempted by this request: a retry may go back to one.
      if (chosen === undefined && usable !== isUp) chosen = firstPick.pick(pickRequest as PickRequest, isUp);
    }
    if (chosen === undefined) {
      sendProxyError(exchange, proxyError('NO_AVAILABLE_SERVER'));
      return;
    }
    if (affinity !== null) affinity.set(request.clientIp, chosen.key);
    if (setCookie) exchange.responseHeadHooks.push(cookieHooks.get(chosen)!);
    if (tried !== undefined) noteAttempt(request, chosen.attemptKey);
    policy.onStart(chosen);
    if (chosen.stats !== undefined) {
      live?.serverPicked(chosen.stats);
      if (newSession) live?.stickyStarted(exchange, serviceStats!, chosen.stats);
    }
    forward(exchange, chosen.target, options, chosen.observer);
  };

  const explainParts: LoadBalancerParts<Server> = {
    name, strategy: config.strategy, servers, byKey, sticky, signed: cookieConfig?.secret !== undefined, affinity, firstPick,
    hashKey: (request) => (readHashKey === null ? undefined : readHashKey(request)),
  };

  let disposed = false;
  return {
    handler,
    health: signal,
    explain: (request) => explainLoadBalancer(explainParts, request),
    serverStatus() {
      const out: Record<string, ServerStatus> = {};
      for (const s of servers) out[s.key] = s.health.status === 'DOWN' ? 'DOWN' : s.draining ? 'DRAINING' : 'UP';
      return out;
    },
    details() {
      const now = deps.clock.now();
      const weights = policy.weights();
      return {
        strategy: config.strategy,
        ...(affinity !== null ? { affinityEntries: affinity.size } : {}),
        servers: servers.map((s) => {
          const ramp = config.slowStart > 0 && !hashingStrategies.has(config.strategy) && s.health.status === 'UP'
            ? slowStartFactor(now - s.health.since, config.slowStart) : 1;
          return {
            url: s.key,
            status: s.health.status === 'DOWN' ? 'DOWN' : s.draining ? 'DRAINING' : 'UP',
            weight: s.weight,
            ...(weights.has(s.key) && weights.get(s.key) !== s.weight ? { effectiveWeight: weights.get(s.key) } : {}),
            ...(ramp < 1 ? { slowStart: ramp } : {}),
            ...(s.health.reason !== '' ? { reason: s.health.reason } : {}),
            history: s.health.history,
          };
        }),
      };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      active?.stop();
      passive?.dispose();
      policy.dispose();
      if (firstPick !== policy) firstPick.dispose();
      for (const u of unsubscribe) u();
      if (affinity !== null) deps.affinity.release(name);
      if (memory !== undefined) deps.policyMemory!.release(name);
      for (const s of servers) deps.health.release(name, s.key);
      for (const origin of acquiredPools) deps.pools.release(origin, deps.transport);
    },
  };
}
