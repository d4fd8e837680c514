/**
 * A 1.x backend (`backends.<name>`) as a v3 loadBalancer service, plus the middlewares 1.x built
 * into the backend (circuit breaker, buffering, connection limit), attached to the service in
 * 1.x's order: circuit breaker outermost, then buffering, then the connection limit.
 */
import { createHash } from 'node:crypto';
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import { v1SourceCriterion } from './v1-source-criterion.ts';
import { copyV1Fields, fieldPath, type V1Context, type V1Fields, type V1Item } from './v1-context.ts';

/** A translated backend; `service` is absent when the backend cannot be translated. */
export interface V1BackendTranslation {
  readonly service?: V1Item;
  /** Middlewares by name, attached to the service in this order. */
  readonly middlewares: ReadonlyMap<string, V1Item>;
}

const backendFields = ['servers', 'circuitBreaker', 'loadBalancer', 'maxConn', 'healthCheck', 'buffering', 'responseForwarding'];
const loadBalancerFields = ['method', 'sticky', 'stickiness'];
const stickinessFields = ['cookieName', 'secure', 'httpOnly', 'sameSite'];
const serverFields = ['url', 'weight'];

/**
 * The cookie name 1.x generated for a backend without `cookieName` (server/cookie GenerateName):
 * it hashed the backend name, where v3 hashes the qualified service name (`backend@file`). Keeping
 * the 1.x name keeps clients' existing cookies (whose values are raw server URLs, which Switchyard
 * still accepts) pinned across the switch.
 */
export function v1DefaultCookieName(backend: string): string {
  return `_${createHash('sha1').update(`_TRAEFIK_BACKEND_${backend}`).digest('hex').slice(0, 5)}`;
}

/** The name 1.x gave the cookie of the deprecated `sticky = true` (server configureBackends). */
export const v1DeprecatedStickyCookieName = '_TRAEFIK_BACKEND';

function servers(value: unknown, path: ConfigPath, ctx: V1Context): Record<string, unknown>[] | undefined {
  const map = ctx.map(value, path);
  if (map === undefined) return undefined;
  const out: Record<string, unknown>[] = [];
  let valid = true;
  // Written order: 1.x iterated a Go map (random order); Switchyard keeps the file's order.
  for (const [name, raw] of Object.entries(map)) {
    const serverPath = [...path, name];
    const fields = ctx.fields(raw, serverFields, serverPath);
    if (fields === undefined) {
      valid = false;
      continue;
    }
    const url = fields.get('url')?.value;
    if (url === undefined || url === null || url === '') {
      ctx.error('V1_INVALID_VALUE', fieldPath(serverPath, fields, 'url'), 'required field is missing; expected a server URL like "http://10.0.0.1:80"');
      valid = false;
      continue;
    }
    const server: Record<string, unknown> = { url };
    const weightField = fields.get('weight');
    if (weightField !== undefined) {
      const weightPath = [...serverPath, weightField.key];
      const weight = ctx.int(weightField.value, weightPath);
      if (weight === undefined) {
        valid = false;
      } else if (weight < 0) {
        ctx.error('V1_INVALID_VALUE', weightPath, `expected a weight of 0 or more, got ${weight} (Traefik 1.x refused it too)`);
        valid = false;
      } else if (weight === 0) {
        // oxy's round robin replaced weight 0 by 1, so the server received traffic in 1.x.
        ctx.warn('V1_APPROXIMATED', weightPath,
          'weight 0 meant weight 1 in Traefik 1.x (the server kept receiving traffic); translated as weight 1. '
          + 'In the v3 format, weight 0 drains the server');
        server['weight'] = 1;
      } else {
        server['weight'] = weight;
      }
    }
    out.push(server);
  }
  return valid ? out : undefined;
}

/** `method`: wrr (also when empty) or drr, case-insensitively as 1.x compared it. */
function strategy(fields: V1Fields, path: ConfigPath, ctx: V1Context): 'wrr' | 'drr' | undefined {
  const field = fields.get('method');
  if (field === undefined || field.value === null || field.value === '') return 'wrr';
  const methodPath = [...path, field.key];
  const method = ctx.string(field.value, methodPath);
  if (method === undefined) return undefined;
  const lower = method.toLowerCase();
  if (lower === 'wrr' || lower === 'drr') return lower;
  // Traefik 1.x logged this at debug level and used wrr; Switchyard reports it and leaves the
  // service out (DESIGN.md "values Traefik replaces silently").
  ctx.error('V1_INVALID_LOAD_BALANCER_METHOD', methodPath,
    `expected load-balancing method wrr or drr, got ${JSON.stringify(method)} (Traefik 1.x silently used wrr instead)`);
  return undefined;
}

function sticky(name: string, fields: V1Fields, path: ConfigPath, ctx: V1Context): Record<string, unknown> | null | undefined {
  let deprecatedSticky = false;
  const stickyField = fields.get('sticky');
  if (stickyField !== undefined && stickyField.value !== null) {
    const on = ctx.bool(stickyField.value, [...path, stickyField.key]);
    if (on === undefined) return undefined;
    deprecatedSticky = on;
    if (on) {
      ctx.warn('V1_DEPRECATED', [...path, stickyField.key],
        'loadbalancer.sticky is deprecated; use a [loadbalancer.stickiness] table. '
        + `Translated as sticky.cookie named ${v1DeprecatedStickyCookieName}, the name 1.x used for it`);
    }
  }
  const stickinessField = fields.get('stickiness');
  if (stickinessField === undefined) return deprecatedSticky ? { name: v1DeprecatedStickyCookieName } : null;
  const stickinessPath = [...path, stickinessField.key];
  const stickiness = ctx.fields(stickinessField.value, stickinessFields, stickinessPath);
  if (stickiness === undefined) return undefined;
  const cookie: Record<string, unknown> = {};
  const cookieName = stickiness.get('cookieName')?.value;
  if (cookieName === undefined || cookieName === null || cookieName === '') {
    cookie['name'] = v1DefaultCookieName(name);
  } else {
    const text = ctx.string(cookieName, fieldPath(stickinessPath, stickiness, 'cookieName'));
    if (text === undefined) return undefined;
    cookie['name'] = text;
  }
  for (const field of ['secure', 'httpOnly', 'sameSite'] as const) {
    const value = stickiness.get(field)?.value;
    if (value !== undefined && value !== null) cookie[field] = value;
  }
  return cookie;
}

function healthCheck(value: unknown, path: ConfigPath, ctx: V1Context): Record<string, unknown> | undefined {
  const copied = copyV1Fields(value, {
    scheme: 'scheme', path: 'path', port: 'port', interval: 'interval', timeout: 'timeout', hostname: 'hostname', headers: 'headers',
  }, path, ctx);
  if (copied === undefined) return undefined;
  if (copied['path'] === undefined || copied['path'] === '') {
    ctx.warn('V1_NOT_TRANSLATED', path, 'Traefik 1.x ran no health check without a path; none is configured');
    return undefined;
  }
  return copied;
}

/** Translates `backends.<name>` (at `path`). */
export function translateV1Backend(name: string, raw: unknown, path: ConfigPath, ctx: V1Context): V1BackendTranslation {
  const middlewares = new Map<string, V1Item>();
  const fields = ctx.fields(raw, backendFields, path);
  if (fields === undefined) return { middlewares };
  let valid = true;

  const serverList = servers(fields.get('servers')?.value, fieldPath(path, fields, 'servers'), ctx);
  if (serverList === undefined) valid = false;

  const loadBalancer: Record<string, unknown> = { servers: serverList ?? [] };
  const lbPath = fieldPath(path, fields, 'loadBalancer');
  const lbFields = ctx.fields(fields.get('loadBalancer')?.value ?? null, loadBalancerFields, lbPath);
  if (lbFields === undefined) {
    valid = false;
  } else {
    const chosen = strategy(lbFields, lbPath, ctx);
    if (chosen === undefined) valid = false;
    else loadBalancer['strategy'] = chosen;
    const cookie = sticky(name, lbFields, lbPath, ctx);
    if (cookie === undefined) valid = false;
    else if (cookie !== null) loadBalancer['sticky'] = { cookie };
  }

  const hcField = fields.get('healthCheck');
  if (hcField !== undefined) {
    const hc = healthCheck(hcField.value, [...path, hcField.key], ctx);
    if (hc !== undefined) loadBalancer['healthCheck'] = hc;
  }

  const rfField = fields.get('responseForwarding');
  if (rfField !== undefined) {
    const rf = copyV1Fields(rfField.value, { flushInterval: 'flushInterval' }, [...path, rfField.key], ctx);
    if (rf !== undefined && Object.keys(rf).length > 0) loadBalancer['responseForwarding'] = rf;
  }

  const cbField = fields.get('circuitBreaker');
  if (cbField !== undefined) {
    const cb = copyV1Fields(cbField.value, { expression: 'expression' }, [...path, cbField.key], ctx);
    if (cb === undefined) valid = false;
    else middlewares.set(`${name}-circuitbreaker`, { value: { circuitBreaker: cb }, origin: [...path, cbField.key] });
  }

  const bufferingField = fields.get('buffering');
  if (bufferingField !== undefined) {
    const buffering = copyV1Fields(bufferingField.value, {
      maxRequestBodyBytes: 'maxRequestBodyBytes', memRequestBodyBytes: 'memRequestBodyBytes',
      maxResponseBodyBytes: 'maxResponseBodyBytes', memResponseBodyBytes: 'memResponseBodyBytes', retryExpression: 'retryExpression',
    }, [...path, bufferingField.key], ctx);
    if (buffering === undefined) valid = false;
    else middlewares.set(`${name}-buffering`, { value: { buffering }, origin: [...path, bufferingField.key] });
  }

  const maxConnField = fields.get('maxConn');
  if (maxConnField !== undefined) {
    const maxConnPath = [...path, maxConnField.key];
    const maxConn = ctx.fields(maxConnField.value, ['amount', 'extractorFunc'], maxConnPath);
    const amountField = maxConn?.get('amount');
    const amount = amountField === undefined ? 0 : ctx.int(amountField.value, [...maxConnPath, amountField.key]);
    if (maxConn === undefined || amount === undefined) {
      valid = false;
    } else if (amount !== 0) {
      // 1.x applied no limit when amount was 0.
      const criterion = v1SourceCriterion(maxConn.get('extractorFunc')?.value, fieldPath(maxConnPath, maxConn, 'extractorFunc'), ctx);
      if (criterion === undefined) valid = false;
      else middlewares.set(`${name}-maxconn`, { value: { inFlightReq: { amount, sourceCriterion: criterion } }, origin: maxConnPath });
    }
  }

  if (!valid) {
    ctx.error('V1_INVALID_VALUE', path,
      `backend ${JSON.stringify(name)} is left out because of the errors above; routers using it report a missing service`);
    return { middlewares: new Map() };
  }
  const service: Record<string, unknown> = { loadBalancer };
  if (middlewares.size > 0) service['middlewares'] = [...middlewares.keys()];
  return { service: { value: service, origin: path }, middlewares };
}
