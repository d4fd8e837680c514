/**
 * `http.middlewares.<name>`: exactly one kind per middleware.
 *
 * Parsed middlewares are a discriminated union on `kind` carrying the kind's config under its
 * own key (`{kind: 'stripPrefix', stripPrefix: {...}}`): consumers switch on `kind`
 * exhaustively (the middleware registry is typed by `HttpMiddlewareKind`), and the API shows the
 * config under the key Traefik uses. `ipWhiteList` stays its own kind (deprecated alias of
 * `ipAllowList`, without `rejectStatusCode`) so the API shows what was written.
 */
import { z } from 'zod';
import { configObject, isPlainObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import {
  basicAuthSchema, digestAuthSchema, forwardAuthSchema,
  type BasicAuthMiddleware, type DigestAuthMiddleware, type ForwardAuthMiddleware,
} from './http-middlewares-auth.ts';
import {
  contentTypeSchema, encodedCharactersSchema, grpcWebSchema, headersSchema, passTlsClientCertSchema,
  type ContentTypeMiddleware, type EncodedCharactersMiddleware, type GrpcWebMiddleware, type HeadersMiddleware,
  type PassTlsClientCertMiddleware,
} from './http-middlewares-headers.ts';
import {
  addPrefixSchema, chainSchema, redirectRegexSchema, redirectSchemeSchema, replacePathRegexSchema,
  replacePathSchema, stripPrefixRegexSchema, stripPrefixSchema,
  type AddPrefixMiddleware, type ChainMiddleware, type RedirectRegexMiddleware, type RedirectSchemeMiddleware,
  type ReplacePathMiddleware, type ReplacePathRegexMiddleware, type StripPrefixMiddleware,
  type StripPrefixRegexMiddleware,
} from './http-middlewares-paths.ts';
import {
  bufferingSchema, circuitBreakerSchema, compressSchema, errorsSchema, inFlightReqSchema, ipAllowListSchema,
  ipWhiteListSchema, rateLimitSchema, retrySchema,
  type BufferingMiddleware, type CircuitBreakerMiddleware, type CompressMiddleware, type ErrorsMiddleware,
  type InFlightReqMiddleware, type IpAllowListMiddleware, type IpWhiteListMiddleware, type RateLimitMiddleware,
  type RetryMiddleware,
} from './http-middlewares-traffic.ts';
import { addIssue } from './issue-codes.ts';
import { checkSingleKind } from './single-kind.ts';

/** `plugin`: `{<pluginName>: <its configuration>}`; the configuration is opaque here. */
export const pluginSchema = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const names = Object.keys(value);
  if (names.length !== 1) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', `expected exactly one plugin name, got ${names.length}`);
  }
  for (const name of names) {
    const config = value[name];
    if (config !== null && config !== undefined && !isPlainObject(config)) {
      addIssue(ctx, 'CONFIG_INVALID_TYPE', 'expected the plugin configuration to be an object', [name]);
    }
  }
});

/** `plugin` config: plugin name → its configuration. */
export type PluginMiddleware = DeepReadonly<Record<string, unknown>>;

/** Schema of each middleware kind, keyed by the kind's config key. */
export const httpMiddlewareSchemas = {
  addPrefix: addPrefixSchema,
  stripPrefix: stripPrefixSchema,
  stripPrefixRegex: stripPrefixRegexSchema,
  replacePath: replacePathSchema,
  replacePathRegex: replacePathRegexSchema,
  chain: chainSchema,
  ipAllowList: ipAllowListSchema,
  ipWhiteList: ipWhiteListSchema,
  headers: headersSchema,
  errors: errorsSchema,
  rateLimit: rateLimitSchema,
  redirectRegex: redirectRegexSchema,
  redirectScheme: redirectSchemeSchema,
  basicAuth: basicAuthSchema,
  digestAuth: digestAuthSchema,
  forwardAuth: forwardAuthSchema,
  inFlightReq: inFlightReqSchema,
  buffering: bufferingSchema,
  circuitBreaker: circuitBreakerSchema,
  compress: compressSchema,
  passTLSClientCert: passTlsClientCertSchema,
  retry: retrySchema,
  contentType: contentTypeSchema,
  grpcWeb: grpcWebSchema,
  encodedCharacters: encodedCharactersSchema,
  plugin: pluginSchema,
} as const;

/** Every middleware kind key, as written in configuration. */
export type HttpMiddlewareKind = keyof typeof httpMiddlewareSchemas;

/** Every middleware kind key, in Traefik's declaration order. */
export const httpMiddlewareKinds = Object.keys(httpMiddlewareSchemas) as HttpMiddlewareKind[];

/** Config type of each middleware kind. */
export interface HttpMiddlewareConfigs {
  readonly addPrefix: AddPrefixMiddleware;
  readonly stripPrefix: StripPrefixMiddleware;
  readonly stripPrefixRegex: StripPrefixRegexMiddleware;
  readonly replacePath: ReplacePathMiddleware;
  readonly replacePathRegex: ReplacePathRegexMiddleware;
  readonly chain: ChainMiddleware;
  readonly ipAllowList: IpAllowListMiddleware;
  readonly ipWhiteList: IpWhiteListMiddleware;
  readonly headers: HeadersMiddleware;
  readonly errors: ErrorsMiddleware;
  readonly rateLimit: RateLimitMiddleware;
  readonly redirectRegex: RedirectRegexMiddleware;
  readonly redirectScheme: RedirectSchemeMiddleware;
  readonly basicAuth: BasicAuthMiddleware;
  readonly digestAuth: DigestAuthMiddleware;
  readonly forwardAuth: ForwardAuthMiddleware;
  readonly inFlightReq: InFlightReqMiddleware;
  readonly buffering: BufferingMiddleware;
  readonly circuitBreaker: CircuitBreakerMiddleware;
  readonly compress: CompressMiddleware;
  readonly passTLSClientCert: PassTlsClientCertMiddleware;
  readonly retry: RetryMiddleware;
  readonly contentType: ContentTypeMiddleware;
  readonly grpcWeb: GrpcWebMiddleware;
  readonly encodedCharacters: EncodedCharactersMiddleware;
  readonly plugin: PluginMiddleware;
}

/** A parsed HTTP middleware: `{kind, [kind]: config}`, discriminated on `kind`. */
export type HttpMiddleware = {
  readonly [K in HttpMiddlewareKind]: { readonly kind: K } & { readonly [P in K]: HttpMiddlewareConfigs[K] };
}[HttpMiddlewareKind];

const middlewareShape = Object.fromEntries(
  httpMiddlewareKinds.map((kind) => [kind, httpMiddlewareSchemas[kind].optional()]),
) as { [K in HttpMiddlewareKind]: z.ZodOptional<(typeof httpMiddlewareSchemas)[K]> };

/** The middleware item: exactly one kind key, turned into the `HttpMiddleware` union. */
export const httpMiddlewareSchema = configObject(middlewareShape,
  (value, ctx) => checkSingleKind(value, httpMiddlewareKinds, 'middleware', ctx)).transform((value): HttpMiddleware => {
  // checkSingleKind guarantees exactly one kind is present.
  const kind = httpMiddlewareKinds.find((k) => value[k] !== undefined)!;
  return { kind, [kind]: value[kind] } as unknown as HttpMiddleware;
});

