/**
 * HTTP routers: entry points, priority, rule (compiled once), service, middlewares and TLS
 * options [Traefik pkg/server/router/router.go, pkg/config/runtime].
 */
import type { HttpRouter } from '../config/dynamic.ts';
import type { RuntimeHttpRouter } from '../config/runtime.ts';
import type { HttpRequestMatcher } from '../lib/matcher.ts';
import { compileHttpRule } from '../rules/http-rule.ts';
import { defaultHttpPriority } from '../rules/priority.ts';
import { checkRouterEntryPoints } from './entry-points.ts';
import { httpLookup, type HttpGraphItems } from './resolve-http-graph.ts';
import type { MergedConfig } from './merged-config.ts';
import { checkReference, checkTlsOptionsReference, referenceKey } from './reference-checks.ts';
import { maxUserPriority, priorityTooHighMessage, ruleErrorMessage } from './rule-problems.ts';
import { addProblem, addUser, createRuntimeItem, itemPath, isServing } from './runtime-items.ts';

/** What checking a router needs besides the items it references. */
export interface RouterContext {
  /** Names of the entry points routers of this protocol may use. */
  readonly entryPoints: ReadonlySet<string>;
  readonly defaultRuleSyntax: 'v3' | 'v2';
  readonly rank: (provider: string) => number;
  /** Qualified names of the TLS options that exist. */
  readonly tlsOptions: ReadonlySet<string>;
}

/** Resolves every HTTP router. */
export function resolveHttpRouters(
  merged: MergedConfig['http'], graph: HttpGraphItems, context: RouterContext,
): Map<string, RuntimeHttpRouter> {
  const lookup = httpLookup(graph);
  const routers = new Map<string, RuntimeHttpRouter>();
  for (const [name, router] of merged.routers) {
    const item = createRuntimeItem<HttpRouter>(router);
    const path = itemPath('http.routers', name);
    const precedence = context.rank(router.provider);
    const config = router.config;
    const refs = router.refs;
    if (config === null || refs === null) {
      routers.set(name, { ...item, using: [], priority: 0, service: '', middlewares: [], matcher: null, precedence });
      continue;
    }

    const using = checkRouterEntryPoints(refs.entryPoints, context.entryPoints, (p) => addProblem(item, { ...p, path: `${path}.entryPoints` }));

    if (refs.parentRefs.length > 0) {
      addProblem(item, {
        critical: true, code: 'ROUTER_PARENT_REFS_NOT_IMPLEMENTED', path: `${path}.parentRefs`,
        message: 'multi-layer routing (parentRefs) is not implemented yet in Switchyard',
      });
    }

    const rule = config.rule ?? '';
    const priority = config.priority !== 0 ? config.priority : defaultHttpPriority(rule);
    if (priority > maxUserPriority && router.provider !== 'internal') {
      addProblem(item, { critical: true, code: 'ROUTER_PRIORITY_TOO_HIGH', path: `${path}.priority`, message: priorityTooHighMessage(priority) });
    }

    let matcher: HttpRequestMatcher | null = null;
    const compiled = compileHttpRule(rule, config.ruleSyntax || context.defaultRuleSyntax);
    if (compiled.ok) matcher = compiled.matcher;
    else addProblem(item, { critical: true, code: 'ROUTER_RULE_INVALID', path: `${path}.rule`, message: ruleErrorMessage(rule, compiled.error) });

    if (refs.service === '') {
      addProblem(item, {
        critical: true, code: 'ROUTER_NO_SERVICE', path: `${path}.service`, message: 'the router must have either a service or child routers',
      });
    } else {
      const key = referenceKey('service', refs.service);
      checkReference(item, { key, name: refs.service, kind: 'service', path: `${path}.service`, code: 'ROUTER_SERVICE' }, lookup(key));
      addUser(lookup(key), name);
    }

    for (const middleware of refs.middlewares) {
      const key = referenceKey('middleware', middleware.name);
      checkReference(item, {
        key, name: middleware.name, kind: 'middleware', path: `${path}.${middleware.field}`, code: 'ROUTER_MIDDLEWARE',
      }, lookup(key));
      addUser(lookup(key), name);
    }

    checkTlsOptionsReference(item, refs.tlsOptions, context.tlsOptions, path);

    routers.set(name, {
      ...item,
      using,
      priority,
      service: refs.service,
      middlewares: refs.middlewares.map((m) => m.name),
      matcher: isServing(item) ? matcher : null,
      precedence,
    });
  }
  return routers;
}
