/**
 * `http.routers.<name>` [Traefik pkg/config/dynamic/http_config.go Router].
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { bool, int, oneOf, str, stringList } from './scalar-schemas.ts';

/** `domains[]` of a router's `tls`: main name and subject alternative names. */
export const tlsDomainSchema = configObject({
  main: str().optional(),
  sans: stringList().optional(),
});

/** `tls` of an HTTP router; its presence (even empty) makes the router HTTPS-only. */
export const routerTlsSchema = configObject({
  options: str().optional(),
  certResolver: str().optional(),
  domains: tlsDomainSchema.array().optional(),
});

/** Per-router observability switches; absent fields inherit the entry point's. */
export const routerObservabilitySchema = configObject({
  accessLogs: bool().optional(),
  metrics: bool().optional(),
  tracing: bool().optional(),
  traceVerbosity: oneOf(['minimal', 'detailed']).optional(),
});

/**
 * Rules in Traefik's own range: priority must stay ≤ MaxInt64-1000. JavaScript numbers are
 * exact only up to 2^53, far beyond any priority a user writes, so the safe-integer bound is
 * used instead and anything larger is rejected as Traefik rejects out-of-range priorities.
 */
const priority = int({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

/** An HTTP router. `priority` 0 means "use the rule length" (resolved later, not here). */
export const httpRouterSchema = configObject({
  entryPoints: stringList().optional(),
  middlewares: stringList().optional(),
  service: str().optional(),
  rule: str().optional(),
  // Traefik parses an unknown syntax as v3; Switchyard rejects it (a typo would silently change meaning).
  ruleSyntax: oneOf(['v3', 'v2', '']).optional(),
  priority: priority.default(0),
  tls: routerTlsSchema.optional(),
  observability: routerObservabilitySchema.optional(),
  parentRefs: stringList().optional(),
});

/** `tls.domains[]` entry of a router. */
export type TlsDomain = DeepReadonly<z.output<typeof tlsDomainSchema>>;
/** `tls` of an HTTP router. */
export type RouterTlsConfig = DeepReadonly<z.output<typeof routerTlsSchema>>;
/** `observability` of an HTTP router. */
export type RouterObservabilityConfig = DeepReadonly<z.output<typeof routerObservabilitySchema>>;
/** One HTTP router as written by its provider (references unqualified). */
export type HttpRouter = DeepReadonly<z.output<typeof httpRouterSchema>>;
