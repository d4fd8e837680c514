/**
 * `tls.secretName` of an IngressRoute or IngressRouteTCP → a `tls.certificates` entry with the
 * Secret's `tls.crt` and `tls.key` inlined as PEM (the default store; picked by SNI). Each Secret
 * is added once (key `<ns>/<secret>`), as in Traefik; a TLSStore listing the same Secret first
 * keeps its store.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import type { CrdContext } from './crd-context.ts';
import { readString } from './crd-fields.ts';
import type { ObjectReport } from './crd-report.ts';
import { loadTlsPair } from './crd-secrets.ts';

/** Adds the certificate of the Secret named by `secretName` (if any); errors go to `report`. */
export function addSecretCertificate(ctx: CrdContext, report: ObjectReport, namespace: string, secretName: unknown, path: ConfigPath): void {
  const name = readString(report, secretName, path);
  if (name === undefined || name === '') return;
  const pair = loadTlsPair(ctx, report, namespace, name, path);
  if (pair !== undefined) ctx.output.certificate(`${namespace}/${name}`, pair, report);
}
