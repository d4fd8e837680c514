/**
 * The dynamic `tls` section: certificates, options and stores [Traefik pkg/tls/tls.go].
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { tlsDomainSchema } from './http-routers.ts';
import { bool, nonEmptyStr, oneOf, str, stringList } from './scalar-schemas.ts';
import { certificatePairSchema } from './tls-files.ts';

const tlsVersions = ['VersionTLS10', 'VersionTLS11', 'VersionTLS12', 'VersionTLS13'] as const;

/** `tls.certificates[]`: a certificate, its key, and the stores it belongs to (D `default`). */
export const tlsCertificateSchema = configObject({
  certFile: nonEmptyStr(),
  keyFile: nonEmptyStr(),
  stores: stringList().optional(),
});

/** `clientAuth` of TLS options (mTLS towards clients). */
export const clientAuthSchema = configObject({
  caFiles: stringList().optional(),
  /** Unset: RequireAndVerifyClientCert when caFiles are given, else NoClientCert (Traefik). */
  clientAuthType: oneOf(['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert',
    'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert']).optional(),
});

/** `tls.options.<name>`. */
export const tlsOptionsSchema = configObject({
  minVersion: oneOf(tlsVersions).default('VersionTLS12'),
  maxVersion: oneOf(tlsVersions).optional(),
  cipherSuites: stringList().optional(),
  curvePreferences: stringList().optional(),
  clientAuth: clientAuthSchema.optional(),
  sniStrict: bool().default(false),
  alpnProtocols: stringList().default(['h2', 'http/1.1', 'acme-tls/1']),
  /** Deprecated in Traefik (ignored since Go 1.17); accepted. */
  preferServerCipherSuites: bool().optional(),
  disableSessionTickets: bool().default(false),
});

/** `defaultGeneratedCert` of a TLS store. */
export const generatedCertSchema = configObject({
  resolver: str().optional(),
  domain: tlsDomainSchema.optional(),
});

/** `tls.stores.<name>`. */
export const tlsStoreSchema = configObject({
  defaultCertificate: certificatePairSchema.optional(),
  defaultGeneratedCert: generatedCertSchema.optional(),
});

/** One `tls.certificates[]` entry. */
export type TlsCertificateConfig = DeepReadonly<z.output<typeof tlsCertificateSchema>>;
/** One `tls.options.<name>` entry. */
export type TlsOptionsConfig = DeepReadonly<z.output<typeof tlsOptionsSchema>>;
/** One `tls.stores.<name>` entry. */
export type TlsStoreConfig = DeepReadonly<z.output<typeof tlsStoreSchema>>;

/** The dynamic `tls` section; every collection is present, possibly empty. */
export interface TlsConfig {
  readonly certificates: readonly TlsCertificateConfig[];
  readonly options: Readonly<Record<string, TlsOptionsConfig>>;
  readonly stores: Readonly<Record<string, TlsStoreConfig>>;
}
