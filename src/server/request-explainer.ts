/**
 * `/api/explain` over the live routing state: prepares the request as the entry point would
 * (path normalised and sanitised, canonical host, query semicolons), walks the entry point's
 * routers in the route table's order (rules/route-explanation.ts), then asks the winner's
 * service tree where it would send the request (BuiltService.explain). Nothing is sent and no
 * load-balancer state changes.
 */
import type { ExplainAnswer, ExplainInput, ExplainView, RouterExplanation, ServiceExplanation, ServiceExplanationType } from '../config/explain-view.ts';
import type { HttpService } from '../config/dynamic.ts';
import type { RuntimeConfig, RuntimeHttpRouter } from '../config/runtime.ts';
import type { RequestHead } from '../lib/exchange.ts';
import type { HttpRequestMatcher } from '../lib/matcher.ts';
import { qualifyName, splitQualifiedName } from '../lib/qualified-name.ts';
import { internalEntryPointName } from '../pipeline/entry-points.ts';
import { compileHttpRule } from '../rules/http-rule.ts';
import { explainHttpRoutes, type ExplainableRoute, type RoutesExplanation } from '../rules/route-explanation.ts';
import { canonicalHost, normalizePath, sanitizePath } from '../rules/routing-path.ts';
import type { BuiltState } from './build.ts';

/** An entry point as explaining needs it, in configuration order. */
export interface ExplainEntryPoint {
  readonly name: string;
  readonly udp: boolean;
  /** `http.sanitizePath` */
  readonly sanitizePath: boolean;
  /** `http.encodeQuerySemicolons` */
  readonly encodeQuerySemicolons: boolean;
}

export interface RequestExplainerDeps {
  /** The RuntimeConfig of the state serving now (null before the first one). */
  readonly runtime: () => RuntimeConfig | null;
  /** The built state serving now (the router table's current one). */
  readonly state: () => BuiltState | null;
  readonly entryPoints: readonly ExplainEntryPoint[];
  /** Bound ports by entry point. */
  readonly ports: () => ReadonlyMap<string, number>;
  /** Services Switchyard answers itself (`api@internal`, `noop@internal`, …). */
  readonly isInternal: (service: string) => boolean;
  /** `core.defaultRuleSyntax`: the syntax of routers that name none. */
  readonly defaultRuleSyntax: 'v3' | 'v2';
}

/** Creates the view `/api/explain` answers from. */
export function createRequestExplainer(deps: RequestExplainerDeps): ExplainView {
  return {
    explain(input) {
      const runtime = deps.runtime();
      const state = deps.state();
      if (runtime === null || state === null) return { ok: false, message: 'no configuration has been applied yet' };
      const ep = chooseEntryPoint(input, deps, runtime);
      if ('message' in ep) return { ok: false, message: ep.message };
      return { ok: true, answer: explainOn(ep, input, runtime, state, deps) };
    },
  };
}

function chooseEntryPoint(input: ExplainInput, deps: RequestExplainerDeps, runtime: RuntimeConfig): ExplainEntryPoint | { message: string } {
  const tcp = deps.entryPoints.filter((e) => !e.udp);
  if (input.entryPoint !== undefined) {
    const named = tcp.find((e) => e.name === input.entryPoint);
    if (named !== undefined) return named;
    return { message: `entryPoint: unknown entry point "${input.entryPoint}" (HTTP entry points: ${tcp.map((e) => e.name).join(', ') || 'none'})` };
  }
  const ports = deps.ports();
  const byPort = tcp.find((e) => ports.get(e.name) === input.port);
  if (byPort !== undefined) return byPort;
  const serving = new Set<string>();
  for (const r of runtime.http.routers.values()) if (r.status !== 'disabled') for (const name of r.using) serving.add(name);
  const first = tcp.find((e) => e.name !== internalEntryPointName && serving.has(e.name));
  if (first !== undefined) return first;
  return { message: `entryPoint: no entry point listens on port ${input.port} and none has HTTP routers; name one with the entryPoint parameter` };
}

/** The request head the entry point would hand to its routers, or null for a path it answers 400. */
function prepare(ep: ExplainEntryPoint, input: ExplainInput): RequestHead | null {
  let path = input.path === '' ? '/' : input.path;
  if (path.includes('%')) {
    const normalized = normalizePath(path);
    if (normalized === null) return null;
    path = normalized;
  }
  if (ep.sanitizePath && (path.includes('/.') || path.includes('//'))) path = sanitizePath(path);
  let query = input.query;
  if (query.includes(';')) query = ep.encodeQuerySemicolons ? query.replaceAll(';', '%3B') : query.replaceAll(';', '&');
  const headers: string[] = [];
  const hostHeader = input.headers.find(([name]) => name.toLowerCase() === 'host');
  if (hostHeader === undefined) headers.push('Host', input.authority);
  for (const [name, value] of input.headers) headers.push(name, value);
  return {
    method: input.method,
    path,
    query,
    headers,
    httpVersion: '1.1',
    host: canonicalHost(hostHeader?.[1] ?? input.authority),
    remoteAddress: input.clientIP,
    remotePort: 0,
    clientIp: input.clientIP,
    localPort: input.port,
    tls: input.tls ? { version: 'TLSv1.3', cipher: '', serverName: input.host.toLowerCase(), alpn: '' } : undefined,
    entryPoint: ep.name,
  };
}

function explainOn(ep: ExplainEntryPoint, input: ExplainInput, runtime: RuntimeConfig, state: BuiltState, deps: RequestExplainerDeps): ExplainAnswer {
  const request = prepare(ep, input);
  const echo = {
    entryPoint: ep.name,
    method: input.method,
    host: request?.host ?? canonicalHost(input.authority),
    path: request?.path ?? input.path,
    query: request?.query ?? input.query,
    headers: pairs(request?.headers ?? []),
    clientIP: input.clientIP,
    tls: input.tls,
  };
  const empty = { router: null, routers: [], middlewares: [], service: null, alsoMatched: [] };
  if (request === null) {
    return { request: echo, ...empty, status: 400, outcome: '400: the path has an invalid percent-encoding' };
  }

  const routers = [...runtime.http.routers.values()].filter((r) => r.using.includes(ep.name) || (r.status === 'disabled' && r.using.length === 0));
  const routes: ExplainableRoute[] = routers.map((r) => ({
    name: r.name,
    priority: r.priority,
    precedence: r.precedence,
    matcher: r.matcher ?? disabledMatcher(r, deps.defaultRuleSyntax),
    // Exactly what build() puts in the entry point's tables.
    serving: r.status !== 'disabled' && r.matcher !== null,
    tls: r.config?.tls !== undefined,
    errors: r.errors,
  }));
  const explained = explainHttpRoutes(routes, request, input.tls);
  const byName = new Map(routers.map((r) => [r.name, r]));
  const list = routerList(explained, byName);
  const alsoMatched = explained.alsoMatched.map((a) => ({ name: a.route.name, priority: Number(a.route.priority), why: a.why }));

  if (explained.badPath) return { request: echo, ...empty, routers: list, status: 400, outcome: '400: the path has an invalid percent-encoding' };
  // The dispatcher answers a Host that needs other TLS options than the connection's SNI before routing.
  if (request.tls !== undefined && state.tlsMisdirected?.(ep.name, request.host, request.tls.serverName) === true) {
    return {
      request: echo, ...empty, routers: list, alsoMatched, status: 421,
      outcome: `421: host ${request.host} needs other TLS options than the connection's SNI ${request.tls.serverName}`,
    };
  }
  const winner = explained.winner === null ? undefined : byName.get(explained.winner.name);
  if (winner === undefined) {
    return { request: echo, ...empty, routers: list, alsoMatched, status: 404, outcome: `404: no router of entry point ${ep.name} matched` };
  }
  const service = explainService(winner.service, request, runtime, state, deps);
  const chain = serviceChain(service);
  const unavailable = !service.available;
  return {
    request: echo,
    router: winner.name,
    routers: list,
    middlewares: winner.middlewares,
    service,
    alsoMatched,
    ...(unavailable ? { status: 503 } : {}),
    outcome: `router ${winner.name}${winner.middlewares.length > 0 ? ` (middlewares ${winner.middlewares.join(', ')})` : ''} → ${chain}`,
  };
}

function routerList(explained: RoutesExplanation, byName: ReadonlyMap<string, RuntimeHttpRouter>): RouterExplanation[] {
  return explained.verdicts.map((v) => {
    const r = byName.get(v.route.name)!;
    return {
      name: r.name,
      rule: r.config?.rule ?? ruleOf(r.raw),
      priority: r.priority,
      status: r.status,
      result: v.result,
      reason: v.reason,
      ...(v.leaves !== undefined ? { leaves: v.leaves } : {}),
      ...(v.order !== undefined ? { order: v.order } : {}),
    };
  });
}

/**
 * The rule of a disabled router compiled again (resolve keeps no matcher for it), so the answer
 * can say whether it would match; null when the rule itself is what is wrong.
 */
function disabledMatcher(router: RuntimeHttpRouter, defaultSyntax: 'v3' | 'v2'): HttpRequestMatcher | null {
  if (router.config === null || router.config.rule === undefined) return null;
  const compiled = compileHttpRule(router.config.rule, router.config.ruleSyntax || defaultSyntax);
  return compiled.ok ? compiled.matcher : null;
}

/** The rule as written by a router that failed validation. */
function ruleOf(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return '';
  const rule = (raw as { rule?: unknown }).rule;
  return typeof rule === 'string' ? rule : '';
}

const typeOfKind: Readonly<Record<HttpService['kind'], ServiceExplanationType>> = {
  loadBalancer: 'loadbalancer',
  weighted: 'weighted',
  mirroring: 'mirroring',
  failover: 'failover',
  highestRandomWeight: 'highestrandomweight',
};

/** Explains the service `qualified` and, through it, its chosen children. */
function explainService(qualified: string, request: RequestHead, runtime: RuntimeConfig, state: BuiltState, deps: RequestExplainerDeps): ServiceExplanation {
  const built = state.services.get(qualified);
  if (built === undefined) {
    if (deps.isInternal(qualified)) {
      return { name: qualified, type: 'internal', decision: `Switchyard answers the request itself (${qualified})`, available: true };
    }
    const item = runtime.http.services.get(qualified);
    const errors = item?.errors.join('; ') ?? '';
    return {
      name: qualified,
      type: item?.config != null ? typeOfKind[item.config.kind] : 'loadbalancer',
      decision: `the service is not available${errors === '' ? '' : `: ${errors}`}: the client gets 503`,
      available: false,
    };
  }
  const config = runtime.http.services.get(qualified)?.config ?? null;
  const { provider } = splitQualifiedName(qualified);
  const middlewares = config === null ? [] : config.middlewares.map((m) => qualifyName(m, provider));
  const withMiddlewares = (e: ServiceExplanation): ServiceExplanation => (middlewares.length > 0 ? { ...e, middlewares } : e);
  if (built.explain === undefined) {
    return withMiddlewares({
      name: qualified, type: config === null ? 'loadbalancer' : typeOfKind[config.kind], decision: 'this service cannot explain its choice', available: true,
    });
  }
  return withMiddlewares(built.explain(request, (child) => explainService(qualifyName(child, provider), request, runtime, state, deps)));
}

/** `service a → service b → server http://…` down the chosen path. */
function serviceChain(service: ServiceExplanation): string {
  const parts: string[] = [];
  let at: ServiceExplanation | undefined = service;
  while (at !== undefined) {
    parts.push(`service ${at.name}`);
    if (at.child === undefined) {
      if (at.type === 'internal') parts.push('answered by Switchyard');
      else if (at.server !== undefined) parts.push(`server ${at.server}`);
      else if (at.via === 'random' && at.candidates !== undefined) parts.push(`one of ${at.candidates.join(', ')} (random)`);
      if (!at.available) parts.push('503: no server available');
    }
    at = at.child;
  }
  return parts.join(' → ');
}

function pairs(headers: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) out.push([headers[i]!, headers[i + 1]!]);
  return out;
}
