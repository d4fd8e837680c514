/**
 * Path and redirect middlewares: addPrefix, stripPrefix, stripPrefixRegex, replacePath,
 * replacePathRegex, redirectScheme, redirectRegex, chain [Traefik pkg/config/dynamic/middlewares.go].
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { bool, nonEmptyStr, str, stringList } from './scalar-schemas.ts';

/** `addPrefix`: path = prefix + path. */
export const addPrefixSchema = configObject({ prefix: nonEmptyStr() });

/** `stripPrefix`: removes the first matching string prefix. */
export const stripPrefixSchema = configObject({
  prefixes: stringList().default([]),
  /** Deprecated in Traefik; when true the result always has exactly one leading `/`. */
  forceSlash: bool().optional(),
});

/** `stripPrefixRegex`: removes the first matching regex (anchored at the path start). */
export const stripPrefixRegexSchema = configObject({ regex: stringList().default([]) });

/** `replacePath`: replaces the whole path. */
export const replacePathSchema = configObject({ path: str() });

/** `replacePathRegex`: regex replacement on the path (`$1` groups). */
export const replacePathRegexSchema = configObject({
  regex: nonEmptyStr(),
  replacement: str().default(''),
});

/** `redirectScheme`: redirect to another scheme (and port). */
export const redirectSchemeSchema = configObject({
  scheme: nonEmptyStr(),
  port: str().optional(),
  permanent: bool().default(false),
});

/** `redirectRegex`: regex replacement on the full URL, redirecting when it changes. */
export const redirectRegexSchema = configObject({
  regex: nonEmptyStr(),
  replacement: str(),
  permanent: bool().default(false),
});

/** `chain`: other middlewares, in order. */
export const chainSchema = configObject({ middlewares: stringList().default([]) });

/** `addPrefix` config. */
export type AddPrefixMiddleware = DeepReadonly<z.output<typeof addPrefixSchema>>;
/** `stripPrefix` config. */
export type StripPrefixMiddleware = DeepReadonly<z.output<typeof stripPrefixSchema>>;
/** `stripPrefixRegex` config. */
export type StripPrefixRegexMiddleware = DeepReadonly<z.output<typeof stripPrefixRegexSchema>>;
/** `replacePath` config. */
export type ReplacePathMiddleware = DeepReadonly<z.output<typeof replacePathSchema>>;
/** `replacePathRegex` config. */
export type ReplacePathRegexMiddleware = DeepReadonly<z.output<typeof replacePathRegexSchema>>;
/** `redirectScheme` config. */
export type RedirectSchemeMiddleware = DeepReadonly<z.output<typeof redirectSchemeSchema>>;
/** `redirectRegex` config. */
export type RedirectRegexMiddleware = DeepReadonly<z.output<typeof redirectRegexSchema>>;
/** `chain` config. */
export type ChainMiddleware = DeepReadonly<z.output<typeof chainSchema>>;
