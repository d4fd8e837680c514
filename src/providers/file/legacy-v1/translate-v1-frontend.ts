/**
 * A 1.x frontend (`frontends.<name>`) as a v3 router and its middlewares, chained as 1.x chained
 * them: the path modifiers first (strip regex, strip, add prefix, replace regex, replace — 1.x
 * wrapped them around everything else), then error pages, white list, redirect, headers, SSL
 * redirect, authentication, client certificate forwarding and rate limits.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import { translateV1Routes, type V1PathModifiers, type V1Route } from './translate-v1-rule.ts';
import { fieldPath, type V1Context, type V1Item } from './v1-context.ts';
import {
  v1Auth, v1ErrorPages, v1Headers, v1IpAllowList, v1PassTlsClientCert, v1RateLimits, v1Redirect,
  type V1FrontendParts, type V1MiddlewareSink,
} from './v1-frontend-middlewares.ts';

/**
 * `passHostHeader` when a frontend does not set it. Traefik 1.x decoded file frontends into a Go
 * struct with a plain bool, so an absent passHostHeader was false: the server's own host was
 * sent upstream (unlike the Docker and Kubernetes providers, and unlike v3, whose default is true).
 */
export const v1PassHostHeaderDefault = false;

/** A translated frontend; `router` is absent when the frontend cannot be translated. */
export interface V1FrontendTranslation {
  readonly router?: V1Item;
  /** Middlewares by name, in chain order (the router lists them in this order). */
  readonly middlewares: ReadonlyMap<string, V1Item>;
  /** The backend it sends to, as written. */
  readonly backend?: string;
  /** `passHostHeader` as 1.x read it, and where it is written (or the frontend's path). */
  readonly passHostHeader: { readonly value: boolean; readonly path: ConfigPath };
}

const frontendFields = [
  'entryPoints', 'backend', 'routes', 'passHostHeader', 'passTLSCert', 'passTLSClientCert', 'priority', 'basicAuth',
  'whitelistSourceRange', 'whiteList', 'headers', 'errors', 'rateLimit', 'redirect', 'auth',
];

function pathModifierMiddlewares(name: string, modifiers: V1PathModifiers, origin: ConfigPath, out: V1MiddlewareSink): void {
  if (modifiers.stripPrefixRegex !== undefined) {
    out.set(`${name}-pathstripregex`, { value: { stripPrefixRegex: { regex: modifiers.stripPrefixRegex } }, origin });
  }
  if (modifiers.stripPrefix !== undefined) out.set(`${name}-pathstrip`, { value: { stripPrefix: { prefixes: modifiers.stripPrefix } }, origin });
  if (modifiers.addPrefix !== undefined) out.set(`${name}-addprefix`, { value: { addPrefix: { prefix: modifiers.addPrefix } }, origin });
  if (modifiers.replacePathRegex !== undefined) {
    out.set(`${name}-replacepathregex`, { value: { replacePathRegex: modifiers.replacePathRegex }, origin });
  }
  if (modifiers.replacePath !== undefined) out.set(`${name}-replacepath`, { value: { replacePath: { path: modifiers.replacePath } }, origin });
}

function routesOf(value: unknown, path: ConfigPath, ctx: V1Context): V1Route[] | undefined {
  const routes = ctx.map(value, path);
  if (routes === undefined) return undefined;
  const out: V1Route[] = [];
  for (const [name, raw] of Object.entries(routes)) {
    const routePath = [...path, name];
    const fields = ctx.fields(raw, ['rule'], routePath);
    if (fields === undefined) return undefined;
    const ruleField = fields.get('rule');
    const rule = ruleField === undefined || ruleField.value === null ? '' : ctx.string(ruleField.value, [...routePath, ruleField.key]);
    if (rule === undefined) return undefined;
    out.push({ rule, path: fieldPath(routePath, fields, 'rule') });
  }
  return out;
}

/** Translates `frontends.<name>` (at `path`). */
export function translateV1Frontend(name: string, raw: unknown, path: ConfigPath, ctx: V1Context): V1FrontendTranslation {
  const none = { middlewares: new Map<string, V1Item>(), passHostHeader: { value: v1PassHostHeaderDefault, path } };
  const fields = ctx.fields(raw, frontendFields, path);
  if (fields === undefined) return none;
  const leaveOut = (): V1FrontendTranslation => {
    ctx.error('V1_INVALID_VALUE', path, `frontend ${JSON.stringify(name)} is left out because of the errors above`);
    return none;
  };

  const passHostField = fields.get('passHostHeader');
  let passHostHeader = { value: v1PassHostHeaderDefault, path };
  if (passHostField !== undefined && passHostField.value !== null) {
    const value = ctx.bool(passHostField.value, [...path, passHostField.key]);
    if (value === undefined) return leaveOut();
    passHostHeader = { value, path: [...path, passHostField.key] };
  }

  const backendField = fields.get('backend');
  const backend = backendField === undefined || backendField.value === null ? undefined : ctx.string(backendField.value, [...path, backendField.key]);
  if (backend === undefined || backend === '') {
    if (backendField === undefined || backend === '') {
      ctx.error('V1_INVALID_VALUE', fieldPath(path, fields, 'backend'), 'required field is missing; expected the name of a backend');
    }
    return leaveOut();
  }

  const routesPath = fieldPath(path, fields, 'routes');
  const routes = routesOf(fields.get('routes')?.value, routesPath, ctx);
  if (routes === undefined) return leaveOut();
  if (routes.length === 0) {
    ctx.warn('V1_APPROXIMATED', routesPath, 'the frontend has no routes, so in Traefik 1.x it matched every request at the lowest priority; '
      + 'translated as PathPrefix(`/`) with priority 1');
  }
  const rule = translateV1Routes(routes, ctx);
  if (rule === undefined) return leaveOut();

  const middlewares: V1MiddlewareSink = new Map();
  pathModifierMiddlewares(name, rule.modifiers, routesPath, middlewares);
  const parts: V1FrontendParts = { name, fields, path, backend, out: middlewares, ctx };
  for (const feature of [v1ErrorPages, v1IpAllowList, v1Redirect, v1Headers, v1Auth, v1PassTlsClientCert, v1RateLimits]) {
    if (!feature(parts)) return leaveOut();
  }

  let priority = rule.defaultPriority;
  const priorityField = fields.get('priority');
  if (priorityField !== undefined && priorityField.value !== null) {
    const written = ctx.int(priorityField.value, [...path, priorityField.key]);
    if (written === undefined) return leaveOut();
    // 1.x used the written priority only when it was greater than 0.
    if (written > 0) priority = written;
  }

  const router: Record<string, unknown> = {
    // Explicit: the static defaultRuleSyntax must not reinterpret the translated rule.
    rule: rule.rule, ruleSyntax: 'v3', service: backend,
    // Explicit: 1.x's default priority is the length of the 1.x rules, which the v3 rule's
    // length does not preserve (and a frontend without routes had priority 0, the lowest).
    priority: priority > 0 ? priority : 1,
  };
  const entryPointsField = fields.get('entryPoints');
  if (entryPointsField !== undefined && entryPointsField.value !== null) {
    const entryPoints = ctx.stringList(entryPointsField.value, [...path, entryPointsField.key]);
    if (entryPoints === undefined) return leaveOut();
    // Empty: 1.x used defaultEntryPoints, as v3 uses the default entry points without a list.
    if (entryPoints.length > 0) router['entryPoints'] = entryPoints;
  }
  if (middlewares.size > 0) router['middlewares'] = [...middlewares.keys()];
  return { router: { value: router, origin: path }, middlewares, backend, passHostHeader };
}
