/**
 * ingress-nginx canaries: an Ingress with `nginx.ingress.kubernetes.io/canary: "true"` joins the
 * route (same namespace, host, path and pathType) of a non-canary Ingress and takes part of its
 * traffic, in ingress-nginx's order of precedence:
 * 1. `canary-by-header`: the header set to `always` (or to `canary-by-header-value`, or matching
 *    `canary-by-header-pattern`) → canary; set to `never` → main;
 * 2. `canary-by-cookie`: the cookie `always` → canary, `never` → main;
 * 3. `canary-weight` of `canary-weight-total` (default 100) → a `weighted` service of main and
 *    canary on the main routers (sticky between the two when the main Ingress has cookie affinity
 *    and neither Ingress sets `affinity-canary-behavior: legacy`).
 * Header and cookie conditions are extra routers on the same rule plus the condition, with the
 * priorities just above the main router (never above a longer path), as Traefik's ingress-nginx
 * provider builds them: `<router>-canary` (condition → canary) and, when a weight splits the
 * rest, `<router>-non-canary` ("never" → main).
 *
 * Two fixes over ingress-nginx and Traefik's provider: several canaries may split different
 * paths of one host, and a canary is joined by host and path, never by Service, so it does not
 * leak into other hosts or paths that use the same Service (both open ingress-nginx bugs).
 * A canary for a route that another canary already splits, or that no Ingress routes, is an
 * error on the canary Ingress.
 */
import { quoteMeta } from '../../file/legacy-v1/gorilla-template.ts';
import type { IngressAnnotations } from './ingress-annotations.ts';
import type { IngressModel } from './ingress-model.ts';
import { ingressServiceName, serviceName } from './ingress-names.ts';
import { hasOverrides } from './ingress-overrides.ts';
import { matcher, type RuleSyntax } from './ingress-rule.ts';
import { registerService, routeKey, type RouteContext, type TranslatedRoute } from './ingress-routes.ts';
import type { CanarySettings } from './nginx-annotations.ts';

/** The condition sending a request to the canary, and the one keeping it on main ("never"). */
function conditions(c: CanarySettings, syntax: RuleSyntax): { canary?: string; main?: string } {
  const header = (name: string, value: string): string => matcher(syntax === 'v2' ? 'Headers' : 'Header', name, value);
  const headerRegexp = (name: string, value: string): string => matcher(syntax === 'v2' ? 'HeadersRegexp' : 'HeaderRegexp', name, value);
  const cookie = (name: string, value: string): string => headerRegexp('Cookie', `(^|;\\s*)${quoteMeta(name)}=${value}(;|$)`);
  const canary: string[] = [];
  const main: string[] = [];
  const alwaysNever = c.header !== undefined && c.headerValue === undefined && c.headerPattern === undefined;
  if (c.header !== undefined) {
    if (c.headerValue !== undefined) canary.push(header(c.header, c.headerValue));
    else if (c.headerPattern !== undefined) canary.push(headerRegexp(c.header, c.headerPattern));
    else canary.push(header(c.header, 'always'));
    if (alwaysNever) main.push(header(c.header, 'never'));
  }
  if (c.cookie !== undefined) {
    // The header decides first: "never" in the header beats "always" in the cookie.
    canary.push(alwaysNever ? `(${cookie(c.cookie, 'always')} && !${header(c.header!, 'never')})` : cookie(c.cookie, 'always'));
    main.push(cookie(c.cookie, 'never'));
  }
  return {
    ...(canary.length === 0 ? {} : { canary: canary.join(' || ') }),
    ...(main.length === 0 ? {} : { main: main.join(' || ') }),
  };
}

/** Joins the canary Ingress `model` to the routes it splits (`routes` by routeKey). */
export function joinCanary(
  ctx: RouteContext, routes: ReadonlyMap<string, TranslatedRoute>, joined: Set<string>,
  model: IngressModel, a: IngressAnnotations, canary: CanarySettings,
): void {
  for (const p of model.paths) {
    const key = routeKey(model.namespace, p.host, p.path, p.pathType);
    const main = routes.get(key);
    if (main === undefined) {
      ctx.sink.error('INGRESS_CANARY_NO_MATCH', model.object, p.field,
        `no Ingress (other than a canary) in namespace ${model.namespace} routes host ${JSON.stringify(p.host)} path ${JSON.stringify(p.path)} `
        + `(${p.pathType}); the canary path is ignored`);
      continue;
    }
    if (joined.has(key)) {
      ctx.sink.error('INGRESS_CANARY_CONFLICT', model.object, p.field,
        `another canary already splits host ${JSON.stringify(p.host)} path ${JSON.stringify(p.path)}; this canary path is ignored`);
      continue;
    }
    const name = hasOverrides(a.overrides)
      ? ingressServiceName(model.namespace, model.name, p.backend.service, p.backend.port)
      : serviceName(model.namespace, p.backend.service, p.backend.port);
    const built = ctx.services.build(model.object, p.backend, name, a.overrides);
    if (built === undefined || !registerService(ctx, model.object, built, p.backend.field)) continue;
    joined.add(key);

    if (canary.weight > 0) {
      const weighted: Record<string, unknown> = {
        services: [{ name: main.serviceName, weight: canary.weightTotal - canary.weight }, { name, weight: canary.weight }],
      };
      const cookieName = main.cookie?.['name'];
      if (a.nginx.stickyCanary && main.stickyCanary && main.cookie !== undefined && typeof cookieName === 'string') {
        weighted['sticky'] = { cookie: { ...main.cookie, name: `${cookieName}-canary` } };
      }
      const weightedName = `${main.baseName}-canary-weighted`;
      if (ctx.builder.addService(weightedName, { weighted }, model.object, p.field)) {
        for (const r of main.routers) r.router['service'] = weightedName;
      }
    }

    for (const r of main.routers) {
      const syntax: RuleSyntax = r.router['ruleSyntax'] === 'v2' ? 'v2' : 'v3';
      const cond = conditions(canary, syntax);
      const rule = String(r.router['rule']);
      if (cond.canary !== undefined) {
        ctx.builder.addRouter(`${r.name}-canary`, { ...r.router, rule: `(${rule}) && (${cond.canary})`, priority: r.priority + 2, service: name },
          model.object, p.field);
      }
      if (cond.main !== undefined && canary.weight > 0) {
        ctx.builder.addRouter(`${r.name}-non-canary`,
          { ...r.router, rule: `(${rule}) && (${cond.main})`, priority: r.priority + 1, service: main.serviceName }, model.object, p.field);
      }
    }
  }
}
