/**
 * Header and request-shape middlewares: headers, contentType, grpcWeb, encodedCharacters,
 * passTLSClientCert [Traefik pkg/config/dynamic/middlewares.go].
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { bool, int, str, stringList, stringMap } from './scalar-schemas.ts';

/** `headers`: custom headers, CORS and security headers. An empty header value deletes it. */
export const headersSchema = configObject({
  customRequestHeaders: stringMap().optional(),
  customResponseHeaders: stringMap().optional(),
  accessControlAllowCredentials: bool().default(false),
  accessControlAllowHeaders: stringList().optional(),
  accessControlAllowMethods: stringList().optional(),
  accessControlAllowOriginList: stringList().optional(),
  accessControlAllowOriginListRegex: stringList().optional(),
  accessControlExposeHeaders: stringList().optional(),
  accessControlMaxAge: int().default(0),
  addVaryHeader: bool().default(false),
  allowedHosts: stringList().optional(),
  hostsProxyHeaders: stringList().optional(),
  sslProxyHeaders: stringMap().optional(),
  stsSeconds: int().default(0),
  stsIncludeSubdomains: bool().default(false),
  stsPreload: bool().default(false),
  forceSTSHeader: bool().default(false),
  frameDeny: bool().default(false),
  customFrameOptionsValue: str().optional(),
  contentTypeNosniff: bool().default(false),
  browserXssFilter: bool().default(false),
  customBrowserXSSValue: str().optional(),
  contentSecurityPolicy: str().optional(),
  contentSecurityPolicyReportOnly: str().optional(),
  publicKey: str().optional(),
  referrerPolicy: str().optional(),
  permissionsPolicy: str().optional(),
  isDevelopment: bool().default(false),
});

/** `contentType`: re-enables Content-Type sniffing. `autoDetect` is deprecated and accepted. */
export const contentTypeSchema = configObject({ autoDetect: bool().optional() });

/** `grpcWeb`: converts gRPC-Web requests to gRPC. */
export const grpcWebSchema = configObject({ allowOrigins: stringList().optional() });

/** `encodedCharacters`: which encoded reserved characters the path may contain. */
export const encodedCharactersSchema = configObject({
  allowEncodedSlash: bool().default(false),
  allowEncodedBackSlash: bool().default(false),
  allowEncodedNullCharacter: bool().default(false),
  allowEncodedSemicolon: bool().default(false),
  allowEncodedPercent: bool().default(false),
  allowEncodedQuestionMark: bool().default(false),
  allowEncodedHash: bool().default(false),
});

/** Distinguished-name parts forwarded for the client certificate's subject. */
export const certSubjectSchema = configObject({
  country: bool().default(false),
  province: bool().default(false),
  locality: bool().default(false),
  organization: bool().default(false),
  organizationalUnit: bool().default(false),
  commonName: bool().default(false),
  serialNumber: bool().default(false),
  domainComponent: bool().default(false),
});

/** Distinguished-name parts forwarded for the client certificate's issuer. */
export const certIssuerSchema = configObject({
  country: bool().default(false),
  province: bool().default(false),
  locality: bool().default(false),
  organization: bool().default(false),
  commonName: bool().default(false),
  serialNumber: bool().default(false),
  domainComponent: bool().default(false),
});

/** `passTLSClientCert.info`: which certificate fields go into the info header. */
export const certInfoSchema = configObject({
  notAfter: bool().default(false),
  notBefore: bool().default(false),
  sans: bool().default(false),
  serialNumber: bool().default(false),
  subject: certSubjectSchema.optional(),
  issuer: certIssuerSchema.optional(),
});

/** `passTLSClientCert`: forwards the client certificate (PEM and/or info) in headers. */
export const passTlsClientCertSchema = configObject({
  pem: bool().default(false),
  info: certInfoSchema.optional(),
});

/** `headers` config. */
export type HeadersMiddleware = DeepReadonly<z.output<typeof headersSchema>>;
/** `contentType` config. */
export type ContentTypeMiddleware = DeepReadonly<z.output<typeof contentTypeSchema>>;
/** `grpcWeb` config. */
export type GrpcWebMiddleware = DeepReadonly<z.output<typeof grpcWebSchema>>;
/** `encodedCharacters` config. */
export type EncodedCharactersMiddleware = DeepReadonly<z.output<typeof encodedCharactersSchema>>;
/** `passTLSClientCert.info` config. */
export type TlsClientCertInfoConfig = DeepReadonly<z.output<typeof certInfoSchema>>;
/** `passTLSClientCert` config. */
export type PassTlsClientCertMiddleware = DeepReadonly<z.output<typeof passTlsClientCertSchema>>;
/** Same as `PassTlsClientCertMiddleware`, spelled like the `passTLSClientCert` kind key. */
export type PassTLSClientCertMiddleware = PassTlsClientCertMiddleware;
