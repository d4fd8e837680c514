/**
 * Authentication middlewares: basicAuth, digestAuth, forwardAuth
 * [Traefik pkg/config/dynamic/middlewares.go].
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { bool, int, nonEmptyStr, str, stringList } from './scalar-schemas.ts';

/** `basicAuth`: users as `name:hash` (htpasswd MD5, SHA1 or bcrypt). */
export const basicAuthSchema = configObject({
  users: stringList().default([]),
  usersFile: str().optional(),
  realm: str().default('traefik'),
  removeHeader: bool().default(false),
  headerField: str().optional(),
});

/** `digestAuth`: users as `name:realm:md5hash`. */
export const digestAuthSchema = configObject({
  users: stringList().default([]),
  usersFile: str().optional(),
  realm: str().default('traefik'),
  removeHeader: bool().default(false),
  headerField: str().optional(),
});

/** `forwardAuth.tls`: client TLS towards the auth server. */
export const forwardAuthTlsSchema = configObject({
  ca: str().optional(),
  cert: str().optional(),
  key: str().optional(),
  insecureSkipVerify: bool().default(false),
  /** Deprecated in Traefik; accepted. */
  caOptional: bool().optional(),
});

/** `forwardAuth`: delegate authentication to an HTTP service. */
export const forwardAuthSchema = configObject({
  address: nonEmptyStr(),
  tls: forwardAuthTlsSchema.optional(),
  trustForwardHeader: bool().default(false),
  authResponseHeaders: stringList().default([]),
  authResponseHeadersRegex: str().optional(),
  authRequestHeaders: stringList().default([]),
  addAuthCookiesToResponse: stringList().default([]),
  headerField: str().optional(),
  forwardBody: bool().default(false),
  // -1 = unlimited (Traefik's meaning).
  maxBodySize: int().default(-1),
  maxResponseBodySize: int().default(-1),
  preserveLocationHeader: bool().default(false),
  preserveRequestMethod: bool().default(false),
  authSigninURL: str().optional(),
});

/** `basicAuth` config. */
export type BasicAuthMiddleware = DeepReadonly<z.output<typeof basicAuthSchema>>;
/** `digestAuth` config. */
export type DigestAuthMiddleware = DeepReadonly<z.output<typeof digestAuthSchema>>;
/** `forwardAuth.tls` config. */
export type ForwardAuthTlsConfig = DeepReadonly<z.output<typeof forwardAuthTlsSchema>>;
/** `forwardAuth` config. */
export type ForwardAuthMiddleware = DeepReadonly<z.output<typeof forwardAuthSchema>>;
