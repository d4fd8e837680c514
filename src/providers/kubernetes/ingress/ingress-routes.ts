/**
 * One Ingress (not a canary) → its routers, services and middlewares.
 *
 * Paths with the same host, path and pathType form one route. Several Services on one route are
 * a Traefik 1.x `service-weights` split (a `weighted` service); without that annotation the first
 * Service is used and the others are reported (Kubernetes leaves the outcome unspecified).
 * Each route gets a router (plus `-tls` for a host with a TLS section, see ingress-tls.ts); its
 * middlewares are, in order: the ingress-nginx SSL redirect (plain routers), the 1.x path
 * modifiers, the 1.x frontend middlewares, the ingress-nginx allow list, then `router.middlewares`.
 *
 * Default backends: an Ingress without rules gives Traefik's `default-router` and
 * `default-backend` (one per cluster; a second is an error). An Ingress with rules and a
 * `defaultBackend` is a difference from Traefik, which ignores it: following Kubernetes, each of
 * its hosts gets a router `<ns>-<ingress>-<host>-default-backend` matching the host, below every
 * path of that host.
 */
import type { KubeObject } from '../kube-objects.ts';
import type { BuiltService, ServiceBuilder } from './build-service.ts';
import type { DiagnosticSink } from './ingress-diagnostics.ts';
import type { IngressAnnotations } from './ingress-annotations.ts';
import type { BackendRef, IngressModel, IngressPath } from './ingress-model.ts';
import {
  defaultBackendServiceName, defaultRouterName, hashedRouterKey, ingressServiceName, routerKey, serviceName,
} from './ingress-names.ts';
import { hasOverrides } from './ingress-overrides.ts';
import {
  defaultBackendPriority, fallbackPriority, hostMatcher, hostRank, joinRule, matcher, pathMatch, pathPriority, traefikRule,
} from './ingress-rule.ts';
import { tlsHostPredicate } from './ingress-tls.ts';
import type { RouterDraft, TranslationBuilder } from './translation-builder.ts';
import { reduceWeights, splitWeights } from './v1-service-weights.ts';

/** What the translation of one Ingress shares. */
export interface RouteContext {
  readonly sink: DiagnosticSink;
  readonly builder: TranslationBuilder;
  readonly services: ServiceBuilder;
  /** The Ingress that owns `default-router`, once one does. */
  defaultBackendOwner?: KubeObject;
}

/** A router of a route, kept for the ingress-nginx canary that may join the route. */
export interface RouteRouter {
  readonly name: string;
  readonly router: RouterDraft;
  /** The priority of slot 0 (the canary routers take the next two). */
  readonly priority: number;
}

/** One translated route (host + path + pathType of one Ingress). */
export interface TranslatedRoute {
  readonly model: IngressModel;
  readonly path: IngressPath;
  readonly routers: readonly RouteRouter[];
  readonly serviceName: string;
  /** The Ingress's ingress-nginx cookie, for the stickiness between main and canary. */
  readonly cookie?: Readonly<Record<string, unknown>>;
  readonly stickyCanary: boolean;
  readonly baseName: string;
}

/** The key that joins an ingress-nginx canary to the route it splits. */
export function routeKey(namespace: string, host: string, path: string, pathType: string): string {
  return `${namespace}\u0000${host}\u0000${path}\u0000${pathType}`;
}

function serviceNameFor(model: IngressModel, backend: BackendRef, a: IngressAnnotations): string {
  return hasOverrides(a.overrides)
    ? ingressServiceName(model.namespace, model.name, backend.service, backend.port)
    : serviceName(model.namespace, backend.service, backend.port);
}

/** Registers a built service and the middlewares it uses; false when one of them is refused. */
export function registerService(ctx: RouteContext, object: KubeObject, built: BuiltService, field: string): boolean {
  for (const [n, m] of built.middlewares) if (!ctx.builder.addMiddleware(n, m, object, field)) return false;
  return ctx.builder.addService(built.name, built.config, object, field);
}

/** Builds (and registers) the service of one backend; its name, or undefined. */
function backendService(ctx: RouteContext, model: IngressModel, backend: BackendRef, a: IngressAnnotations, name?: string): string | undefined {
  const service = name ?? serviceNameFor(model, backend, a);
  const built = ctx.services.build(model.object, backend, service, a.overrides);
  if (built === undefined || !registerService(ctx, model.object, built, backend.field)) return undefined;
  return service;
}

/** The Ingress-wide middlewares, registered; undefined when one cannot be. */
function ingressMiddlewares(ctx: RouteContext, model: IngressModel, a: IngressAnnotations): string[] | undefined {
  const names: string[] = [];
  const own = new Map(a.v1.middlewares);
  if (a.nginx.allowList !== undefined) own.set(`${a.prefix}-allowed-source-range`, { ipAllowList: { sourceRange: a.nginx.allowList } });
  for (const [name, config] of own) {
    if (!ctx.builder.addMiddleware(name, config, model.object, 'metadata.annotations')) return undefined;
    names.push(name);
  }
  return [...names, ...(a.router.middlewares ?? [])];
}

interface RouterPlan {
  readonly name: string;
  readonly host: string;
  readonly rule: string;
  readonly priority: number;
  readonly service: string;
  readonly middlewares: readonly string[];
  readonly field: string;
}

/** Adds the router (and its `-tls` twin), returning them. */
function addRouters(ctx: RouteContext, model: IngressModel, a: IngressAnnotations, plan: RouterPlan, tlsHost: (h: string) => boolean): RouteRouter[] {
  const base: RouterDraft = { rule: plan.rule, ruleSyntax: a.router.ruleSyntax ?? 'v3', priority: plan.priority, service: plan.service };
  const entryPoints = a.router.entryPoints ?? a.v1.entryPoints;
  if (entryPoints !== undefined && entryPoints.length > 0) base['entryPoints'] = [...entryPoints];
  if (a.router.observability !== undefined) base['observability'] = { ...a.router.observability };
  const withMiddlewares = (router: RouterDraft, list: readonly string[]): RouterDraft => (list.length > 0 ? { ...router, middlewares: [...list] } : router);
  if (a.router.tls !== undefined) {
    const router = withMiddlewares({ ...base, tls: { ...a.router.tls } }, plan.middlewares);
    return [{ name: ctx.builder.addRouter(plan.name, router, model.object, plan.field), router, priority: plan.priority }];
  }
  const hasTls = tlsHost(plan.host);
  const redirect = a.nginx.sslRedirect === 'always' || (a.nginx.sslRedirect === 'tls-hosts' && hasTls);
  const plainMiddlewares = [...plan.middlewares];
  if (redirect) {
    const name = `${a.prefix}-redirect-scheme`;
    if (ctx.builder.addMiddleware(name, { redirectScheme: { scheme: 'https', permanent: true } }, model.object, 'metadata.annotations')) {
      plainMiddlewares.unshift(name);
    }
  }
  const plain = withMiddlewares(base, plainMiddlewares);
  const out = [{ name: ctx.builder.addRouter(plan.name, plain, model.object, plan.field), router: plain, priority: plan.priority }];
  if (hasTls) {
    const secure = withMiddlewares({ ...base, tls: {} }, plan.middlewares);
    out.push({ name: ctx.builder.addRouter(`${plan.name}-tls`, secure, model.object, plan.field), router: secure, priority: plan.priority });
  }
  return out;
}

interface RouteGroup {
  readonly first: IngressPath;
  readonly paths: IngressPath[];
}

/** Translates one Ingress (annotations already read and valid); returns its routes. */
export function translateIngressRoutes(ctx: RouteContext, model: IngressModel, a: IngressAnnotations): TranslatedRoute[] {
  const middlewares = ingressMiddlewares(ctx, model, a);
  if (middlewares === undefined) {
    ctx.sink.error('INGRESS_LEFT_OUT', model.object, 'metadata.annotations', 'the Ingress is left out: a middleware its annotations ask for is not valid');
    return [];
  }
  const tlsHost = tlsHostPredicate(model);
  const explicit = a.router.priority ?? a.v1.priority;
  const syntax = a.router.ruleSyntax ?? 'v3';

  const groups = new Map<string, RouteGroup>();
  for (const p of model.paths) {
    const key = routeKey(model.namespace, p.host, p.path, p.pathType);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { first: p, paths: [p] });
    else group.paths.push(p);
  }
  // Traefik names routers `<ns>-<ingress>-<host><path>`; routes of this Ingress sharing one name
  // get a hash of Traefik's rule.
  const keyCounts = new Map<string, number>();
  for (const g of groups.values()) {
    const k = routerKey(model.namespace, model.name, g.first.host, g.first.path);
    keyCounts.set(k, (keyCounts.get(k) ?? 0) + 1);
  }

  const routes: TranslatedRoute[] = [];
  for (const { first, paths } of groups.values()) {
    const key = routerKey(model.namespace, model.name, first.host, first.path);
    const name = (keyCounts.get(key) ?? 0) > 1
      ? hashedRouterKey(key, traefikRule(first.host, first.path, first.pathType, a.router.pathMatcher)) : key;
    const match = pathMatch(first.path, first.pathType, a.router.pathMatcher, syntax);
    if ('problem' in match) {
      ctx.sink.error('INGRESS_INVALID_FIELD', model.object, `${first.field}.path`, `${match.problem}; the path is left out`);
      continue;
    }
    let expression = match.expression;
    const v1 = a.v1Path?.(first.path);
    if (v1 === null) continue;
    if (v1 !== undefined && first.pathType === 'ImplementationSpecific' && a.router.pathMatcher === undefined && v1.expression !== '') {
      expression = v1.expression;
    }
    const service = routeService(ctx, model, a, name, first, paths);
    if (service === undefined) continue;
    const pathMiddlewares = (v1?.middlewares ?? []).map(([suffix]) => `${name}-${suffix}`);
    if (!(v1?.middlewares ?? []).every(([suffix, config]) => ctx.builder.addMiddleware(`${name}-${suffix}`, config, model.object, first.field))) continue;
    const rank = hostRank(first.host);
    const priority = explicit ?? pathPriority(rank, match, 0);
    const routers = addRouters(ctx, model, a, {
      name, host: first.host, rule: joinRule([hostMatcher(first.host, syntax), expression]), priority, service,
      middlewares: [...pathMiddlewares, ...middlewares], field: first.field,
    }, tlsHost);
    routes.push({
      model, path: first, routers, serviceName: service, baseName: name, stickyCanary: a.nginx.stickyCanary,
      ...(a.overrides.cookie === undefined ? {} : { cookie: a.overrides.cookie }),
    });
  }

  translateDefaultBackend(ctx, model, a, middlewares, explicit, tlsHost);
  return routes;
}

/** The service of a route: its one Service, or a 1.x `service-weights` split. */
function routeService(
  ctx: RouteContext, model: IngressModel, a: IngressAnnotations, name: string, first: IngressPath, paths: readonly IngressPath[],
): string | undefined {
  const backends: IngressPath[] = [];
  for (const p of paths) {
    if (!backends.some((b) => b.backend.service === p.backend.service && b.backend.port === p.backend.port)) backends.push(p);
  }
  if (backends.length === 1) return backendService(ctx, model, first.backend, a);
  if (a.weights === undefined) {
    for (const extra of backends.slice(1)) {
      ctx.sink.warn('INGRESS_DUPLICATE_PATH', model.object, extra.field,
        `host ${JSON.stringify(first.host)} path ${JSON.stringify(first.path)} (${first.pathType}) is already routed to Service ${first.backend.service} `
        + `at ${first.field}; this one is ignored (set traefik.ingress.kubernetes.io/service-weights to split the traffic)`);
    }
    return backendService(ctx, model, first.backend, a);
  }
  const split = splitWeights(a.weights.weights, backends.map((b) => b.backend.service));
  if (typeof split === 'string') {
    ctx.sink.error('INGRESS_ANNOTATION_INVALID', model.object, `metadata.annotations['${a.weights.key}']`, `${split}; the path ${first.field} is left out`);
    return undefined;
  }
  const children: { name: string; weight: number }[] = [];
  const weights = reduceWeights(split);
  for (const [i, b] of backends.entries()) {
    const child = backendService(ctx, model, b.backend, a);
    if (child === undefined) return undefined;
    children.push({ name: child, weight: weights[i]! });
  }
  const weighted = `${name}-weighted`;
  return ctx.builder.addService(weighted, { weighted: { services: children } }, model.object, first.field) ? weighted : undefined;
}

function translateDefaultBackend(
  ctx: RouteContext, model: IngressModel, a: IngressAnnotations, middlewares: readonly string[], explicit: number | undefined,
  tlsHost: (h: string) => boolean,
): void {
  const backend = model.defaultBackend;
  if (backend === undefined) return;
  if (!model.hasRules) {
    if (ctx.defaultBackendOwner !== undefined) {
      const owner = ctx.defaultBackendOwner;
      ctx.sink.error('INGRESS_DEFAULT_BACKEND_CONFLICT', model.object, 'spec.defaultBackend',
        `the default backend is already defined by Ingress ${owner.metadata.namespace ?? ''}/${owner.metadata.name}; this one is ignored`);
      return;
    }
    const service = backendService(ctx, model, backend, a, defaultBackendServiceName);
    if (service === undefined) return;
    ctx.defaultBackendOwner = model.object;
    // An Ingress without rules has no hosts: any TLS section covers its catch-all.
    addRouters(ctx, model, a, {
      name: defaultRouterName, host: '', rule: matcher('PathPrefix', '/'), priority: defaultBackendPriority, service, middlewares,
      field: 'spec.defaultBackend',
    }, () => model.tls.length > 0);
    return;
  }
  const hosts = [...new Set(model.ruleHosts)];
  if (hosts.length === 0) return;
  const service = backendService(ctx, model, backend, a);
  if (service === undefined) return;
  const keys = hosts.map((host) => routerKey(model.namespace, model.name, host, ''));
  for (const [i, host] of hosts.entries()) {
    // `*.a.com` and `a.com` normalize alike: such names get the hash of Traefik's host rule.
    const key = keys.filter((k) => k === keys[i]).length > 1 ? hashedRouterKey(keys[i]!, traefikRule(host, '', 'Prefix', undefined)) : keys[i]!;
    addRouters(ctx, model, a, {
      name: `${key}-default-backend`, host,
      rule: joinRule([hostMatcher(host, a.router.ruleSyntax ?? 'v3')]),
      // Below the Ingress's paths, also when router.priority gives them all one priority.
      priority: explicit === undefined ? fallbackPriority(hostRank(host)) : explicit - 1, service, middlewares, field: 'spec.defaultBackend',
    }, tlsHost);
  }
}
