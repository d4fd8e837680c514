/**
 * TCP routers [Traefik pkg/server/router/tcp/manager.go]: a service and a rule are required, a
 * rule that reads the TLS ClientHello (HostSNI other than `*`) needs `tls`, default priority is
 * the rule length (-1 for ``HostSNI(`*`)``).
 */
import type { TcpRouter } from '../config/dynamic.ts';
import type { RuntimeItem, RuntimeTcpRouter } from '../config/runtime.ts';
import type { TcpConnectionMatcher } from '../lib/matcher.ts';
import { defaultTcpPriority } from '../rules/priority.ts';
import { compileTcpRule } from '../rules/tcp-rule.ts';
import { checkRouterEntryPoints } from './entry-points.ts';
import type { MergedConfig } from './merged-config.ts';
import { checkReference, checkTlsOptionsReference, referenceKey } from './reference-checks.ts';
import type { RouterContext } from './resolve-http-routers.ts';
import { maxUserPriority, priorityTooHighMessage, ruleErrorMessage } from './rule-problems.ts';
import { addProblem, addUser, createRuntimeItem, isServing, itemPath, type NotImplemented } from './runtime-items.ts';

/** The runtime items TCP routers reference. */
export interface TcpItems {
  readonly services: ReadonlyMap<string, RuntimeItem<unknown>>;
  readonly middlewares: ReadonlyMap<string, RuntimeItem<unknown>>;
}

/** Resolves every TCP router. */
export function resolveTcpRouters(
  merged: MergedConfig['tcp'], items: TcpItems, context: RouterContext, notImplemented?: NotImplemented,
): Map<string, RuntimeTcpRouter> {
  const routers = new Map<string, RuntimeTcpRouter>();
  for (const [name, router] of merged.routers) {
    const item = createRuntimeItem<TcpRouter>(router);
    const path = itemPath('tcp.routers', name);
    if (notImplemented) addProblem(item, { critical: true, path, ...notImplemented });
    const precedence = context.rank(router.provider);
    const config = router.config;
    const refs = router.refs;
    if (config === null || refs === null) {
      routers.set(name, { ...item, using: [], priority: 0, service: '', middlewares: [], matcher: null, precedence });
      continue;
    }

    const using = checkRouterEntryPoints(refs.entryPoints, context.entryPoints, (p) => addProblem(item, { ...p, path: `${path}.entryPoints` }));
    const rule = config.rule ?? '';
    const priority = config.priority !== 0 ? config.priority : defaultTcpPriority(rule);

    if (refs.service === '') {
      addProblem(item, { critical: true, code: 'ROUTER_NO_SERVICE', path: `${path}.service`, message: 'the service is missing on the router' });
    }

    let matcher: TcpConnectionMatcher | null = null;
    if (rule.trim() === '') {
      addProblem(item, { critical: true, code: 'ROUTER_NO_RULE', path: `${path}.rule`, message: 'router has no rule' });
    } else {
      const compiled = compileTcpRule(rule, config.ruleSyntax || context.defaultRuleSyntax);
      if (!compiled.ok) {
        addProblem(item, { critical: true, code: 'ROUTER_RULE_INVALID', path: `${path}.rule`, message: ruleErrorMessage(rule, compiled.error) });
      } else if (compiled.matcher.needsTls && config.tls === undefined) {
        // Without TLS there is no ClientHello to read: such a router could never match.
        const matcherName = /HostSNI/i.test(rule) ? 'HostSNI' : 'ALPN';
        addProblem(item, {
          critical: true, code: 'ROUTER_SNI_WITHOUT_TLS', path: `${path}.tls`,
          message: `invalid rule: ${JSON.stringify(rule)} , has ${matcherName} matcher, but no TLS on router`,
        });
      } else {
        matcher = compiled.matcher;
      }
    }

    if (priority > maxUserPriority && router.provider !== 'internal') {
      addProblem(item, { critical: true, code: 'ROUTER_PRIORITY_TOO_HIGH', path: `${path}.priority`, message: priorityTooHighMessage(priority) });
    }

    if (refs.service !== '') {
      const target = items.services.get(refs.service);
      checkReference(item, {
        key: referenceKey('service', refs.service), name: refs.service, kind: 'service', path: `${path}.service`, code: 'ROUTER_SERVICE',
      }, target);
      addUser(target, name);
    }
    for (const middleware of refs.middlewares) {
      const target = items.middlewares.get(middleware.name);
      checkReference(item, {
        key: referenceKey('middleware', middleware.name), name: middleware.name, kind: 'middleware',
        path: `${path}.${middleware.field}`, code: 'ROUTER_MIDDLEWARE',
      }, target);
      addUser(target, name);
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
