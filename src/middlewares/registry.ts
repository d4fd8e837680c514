/**
 * The middleware registry: one entry per middleware kind of the configuration.
 *
 * `middlewareFactories` is typed by a mapped type over `HttpMiddlewareKind`, so the compiler
 * holds it complete: a kind added to the configuration schema without an entry here is a
 * missing property (compile error), and an entry for a kind that does not exist is an excess
 * property (compile error). A kind a later issue implements says so with `'unimplemented'`; the
 * pipeline disables the routers that use such a middleware (`implementedMiddlewareKinds`).
 */
import type { HttpMiddleware, HttpMiddlewareConfigs, HttpMiddlewareKind } from '../config/dynamic.ts';
import { createAddPrefix } from './add-prefix/add-prefix.ts';
import { createBasicAuth } from './basic-auth/basic-auth.ts';
import { createBuffering } from './buffering/buffering.ts';
import { createChain } from './chain/chain.ts';
import { createCircuitBreaker } from './circuit-breaker/circuit-breaker.ts';
import { createCompress } from './compress/compress.ts';
import { createContentType } from './content-type/content-type.ts';
import { createDigestAuth } from './digest-auth/digest-auth.ts';
import { createEncodedCharacters } from './encoded-characters/encoded-characters.ts';
import { createErrors } from './errors/errors.ts';
import { createForwardAuth } from './forward-auth/forward-auth.ts';
import { createGrpcWeb } from './grpc-web/grpc-web.ts';
import { createHeaders } from './headers/headers.ts';
import { createInFlightReq } from './in-flight-req/in-flight-req.ts';
import { createIpAllowList } from './ip-allow-list/ip-allow-list.ts';
import type { Middleware, MiddlewareContext, MiddlewareFactory } from './middleware.ts';
import { createPassTlsClientCert } from './pass-tls-client-cert/pass-tls-client-cert.ts';
import { createRateLimit } from './rate-limit/rate-limit.ts';
import { createRedirectRegex } from './redirect-regex/redirect-regex.ts';
import { createRedirectScheme } from './redirect-scheme/redirect-scheme.ts';
import { createReplacePath } from './replace-path/replace-path.ts';
import { createReplacePathRegex } from './replace-path-regex/replace-path-regex.ts';
import { createRetry } from './retry/retry.ts';
import { createStripPrefix } from './strip-prefix/strip-prefix.ts';
import { createStripPrefixRegex } from './strip-prefix-regex/strip-prefix-regex.ts';

/** For every kind: its factory, or `'unimplemented'`. */
export type MiddlewareFactories = {
  readonly [K in HttpMiddlewareKind]: MiddlewareFactory<HttpMiddlewareConfigs[K]> | 'unimplemented';
};

/** Every middleware kind's factory. */
export const middlewareFactories: MiddlewareFactories = {
  addPrefix: createAddPrefix,
  stripPrefix: createStripPrefix,
  stripPrefixRegex: createStripPrefixRegex,
  replacePath: createReplacePath,
  replacePathRegex: createReplacePathRegex,
  chain: createChain,
  ipAllowList: createIpAllowList,
  ipWhiteList: createIpAllowList,
  headers: createHeaders,
  errors: createErrors,
  rateLimit: createRateLimit,
  redirectRegex: createRedirectRegex,
  redirectScheme: createRedirectScheme,
  basicAuth: createBasicAuth,
  digestAuth: createDigestAuth,
  forwardAuth: createForwardAuth,
  inFlightReq: createInFlightReq,
  buffering: createBuffering,
  circuitBreaker: createCircuitBreaker,
  compress: createCompress,
  passTLSClientCert: createPassTlsClientCert,
  retry: createRetry,
  contentType: createContentType,
  grpcWeb: createGrpcWeb,
  encodedCharacters: createEncodedCharacters,
  plugin: 'unimplemented',
};

/** The kinds that have a factory; routers using any other kind are disabled. */
export const implementedMiddlewareKinds: ReadonlySet<string> = new Set(
  Object.entries(middlewareFactories).filter(([, factory]) => factory !== 'unimplemented').map(([kind]) => kind),
);

/**
 * Builds one middleware from its parsed config. Factories may throw `MiddlewareConfigError` for
 * a configuration Traefik refuses at build time. Asking for an unimplemented kind is a bug of
 * the caller (it must consult `implementedMiddlewareKinds` first) and throws a plain Error.
 */
export function buildMiddleware(config: HttpMiddleware, context: MiddlewareContext): Middleware {
  const kind = config.kind;
  // `config` carries its kind's config under the key `kind`: the union guarantees the factory
  // and the config belong together, which TypeScript cannot correlate through an indexed kind.
  const factory = middlewareFactories[kind] as MiddlewareFactory<unknown> | 'unimplemented';
  if (factory === 'unimplemented') throw new Error(`middleware ${context.name}: kind ${kind} is not implemented`);
  return factory((config as unknown as Readonly<Record<string, unknown>>)[kind], context);
}
