/**
 * What a middleware is to the rest of Switchyard: a function that wraps the next handler.
 *
 * Factories run in build(), once per router that uses the middleware (Traefik builds middleware
 * instances per router, reference §9), and do all the work that does not depend on a request:
 * regexes compiled, header names lowered, values joined, hooks created. The handler a
 * middleware returns does only per-request work.
 */
import type { SourceLocation } from '../config/diagnostics.ts';
import type { Clock } from '../lib/clock.ts';
import type { Handler } from '../lib/exchange.ts';
import type { UpstreamPools } from '../proxy/upstream-pools.ts';
import { compileRegex, type UserRegex } from '../rules/regex.ts';

/** Wraps the next handler of a router's chain (or of a service) into a new handler. */
export type Middleware = (next: Handler) => Handler;

/** What a factory may know besides its own config. */
export interface MiddlewareContext {
  /** The middleware's qualified name, `name@provider`. */
  readonly name: string;
  /** The provider that declared it (references without `@` are qualified with it). */
  readonly provider: string;
  /**
   * Builds another middleware by qualified name (what `chain` uses). The builder owns reference
   * resolution and cycle detection; an unknown or cyclic reference throws.
   */
  readonly build: (qualifiedRef: string) => Middleware;
  /**
   * The handler of a service by qualified name (what `errors` sends its page requests to), or
   * null when that service does not exist or cannot be built.
   */
  readonly service: (qualifiedRef: string) => Handler | null;
  /** Time and timers (rate limits, circuit breakers, retries): injected so tests drive time. */
  readonly clock: Clock;
  /** Upstream connection pools (forwardAuth's auth server), ref-counted: release what you acquire. */
  readonly pools: UpstreamPools;
  /**
   * Registers work to do when the routing state this middleware belongs to is replaced (a
   * reload) or Switchyard stops: release pools, stop timers. Runs after in-flight requests.
   */
  readonly onDispose: (dispose: () => void) => void;
}

/** Turns one kind's validated config into a Middleware. */
export type MiddlewareFactory<Config> = (config: Config, context: MiddlewareContext) => Middleware;

/** Stable codes of configuration problems only a middleware's factory can see. */
export type MiddlewareConfigErrorCode =
  /** A regular expression does not compile (RE2 syntax). */
  | 'MIDDLEWARE_INVALID_REGEX'
  /** `headers` with no custom, CORS or security option set (Traefik: "headers configuration not valid"). */
  | 'MIDDLEWARE_HEADERS_EMPTY'
  /** An IP range or address that does not parse (ipAllowList, ipStrategy.excludedIPs). */
  | 'MIDDLEWARE_INVALID_CIDR'
  /** An expression that does not parse (circuitBreaker.expression, buffering.retryExpression). */
  | 'MIDDLEWARE_INVALID_EXPRESSION'
  /** A user line that is malformed or whose hash format is unknown (basicAuth, digestAuth). */
  | 'MIDDLEWARE_INVALID_USERS'
  /** A file the middleware needs cannot be read (usersFile). */
  | 'MIDDLEWARE_FILE_UNREADABLE'
  /** A service the middleware sends requests to does not exist or is disabled (errors.service). */
  | 'MIDDLEWARE_SERVICE_UNAVAILABLE'
  /** Any other value Traefik refuses when it builds the middleware; the message says which. */
  | 'MIDDLEWARE_INVALID_VALUE';

/**
 * Thrown by a factory for a configuration Traefik refuses when it builds the middleware. The
 * builder catches it and disables the routers that use the middleware, with the code and the
 * message as their diagnostic; any other exception from a factory is a bug.
 */
export class MiddlewareConfigError extends Error {
  readonly code: MiddlewareConfigErrorCode;
  /** Dotted path of the offending field inside the middleware's config, e.g. `regex[1]`. */
  readonly field: string;
  /** Where that field was written, filled in by the builder when the provider knows. */
  source?: SourceLocation;
  constructor(code: MiddlewareConfigErrorCode, field: string, message: string) {
    super(message);
    this.name = 'MiddlewareConfigError';
    this.code = code;
    this.field = field;
  }
}

/** Compiles a regex of a middleware's config, or throws MIDDLEWARE_INVALID_REGEX for `field`. */
export function compileConfigRegex(pattern: string, field: string): UserRegex {
  const compiled = compileRegex(pattern);
  if (!compiled.ok) {
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_REGEX', field, `invalid regular expression ${JSON.stringify(pattern)}: ${compiled.message}`);
  }
  return compiled.regex;
}
