/**
 * Certificate and key references shared by TLS sections: a file path or inline PEM content
 * (Traefik's `FileOrContent`), kept as written.
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { nonEmptyStr, str, stringList } from './scalar-schemas.ts';

/** `{certFile, keyFile}`: a certificate and its key (paths or PEM content). */
export const certificatePairSchema = configObject({
  certFile: nonEmptyStr(),
  keyFile: nonEmptyStr(),
});

/** SPIFFE verification of the server's identity. */
export const spiffeSchema = configObject({
  ids: stringList().optional(),
  trustDomain: str().optional(),
});

/** A certificate and key pair. */
export type CertificatePair = DeepReadonly<z.output<typeof certificatePairSchema>>;
/** SPIFFE settings. */
export type SpiffeConfig = DeepReadonly<z.output<typeof spiffeSchema>>;
