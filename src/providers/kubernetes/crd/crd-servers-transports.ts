/**
 * ServersTransport → `http.serversTransports.<ns>-<name>`, ServersTransportTCP →
 * `tcp.serversTransports.<ns>-<name>`, as Traefik's loadConfigurationFromCRD: the spec is the
 * dynamic transport, except that certificates come from Secrets and are inlined as PEM:
 *
 * - `rootCAs: [{secret}|{configMap}]` and the deprecated `rootCAsSecrets: [name]` → `rootCAs`
 *   (the `tls.ca` or `ca.crt` key; a one-key Secret is read as the CA);
 * - `certificatesSecrets: [name]` → `certificates: [{certFile, keyFile}]` (client certificates).
 *
 * For ServersTransportTCP these live under `tls`. Differs from Traefik on purpose: a CA or
 * certificate that cannot be read leaves the transport out with an error (Traefik drops that
 * one CA and keeps a transport that then fails verification, or verifies against the system
 * roots instead of the intended CA).
 */
import { httpServersTransportSchema } from '../../../config/http-servers-transports.ts';
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import { tcpServersTransportSchema } from '../../../config/tcp.ts';
import type { KubeObject } from '../kube-objects.ts';
import type { CrdContext } from './crd-context.ts';
import { omitKeys, readList, readMap, readSpec, readString, readStringList, withoutNulls } from './crd-fields.ts';
import { crdItemName } from './crd-names.ts';
import { checkWithSchema, type ObjectReport } from './crd-report.ts';
import { loadCaFromConfigMap, loadCaFromSecret, loadTlsPair } from './crd-secrets.ts';

const secretFields = ['rootCAsSecrets', 'rootCAs', 'certificatesSecrets'];

/** `rootCAs`/`rootCAsSecrets`/`certificatesSecrets` of `tls` (at `path`) resolved into `out`. */
function inlineCertificates(
  ctx: CrdContext, report: ObjectReport, namespace: string, tls: Record<string, unknown>, path: ConfigPath, out: Record<string, unknown>,
): void {
  const rootCAs: (string | undefined)[] = [];
  const legacy = readStringList(report, tls['rootCAsSecrets'], [...path, 'rootCAsSecrets']) ?? [];
  if (legacy.length > 0) report.warn('CRD_DEPRECATED', [...path, 'rootCAsSecrets'], 'rootCAsSecrets is deprecated; use rootCAs: [{secret: <name>}]');
  legacy.forEach((name, index) => rootCAs.push(loadCaFromSecret(ctx, report, namespace, name, [...path, 'rootCAsSecrets', index])));
  (readList(report, tls['rootCAs'], [...path, 'rootCAs']) ?? []).forEach((entry, index) => {
    const at = [...path, 'rootCAs', index];
    const map = readMap(report, entry, at);
    const secret = readString(report, map?.['secret'], [...at, 'secret']);
    const configMap = readString(report, map?.['configMap'], [...at, 'configMap']);
    if ((secret === undefined) === (configMap === undefined)) {
      report.error('CRD_INVALID_FIELD', at, 'expected exactly one of secret and configMap');
    } else if (secret !== undefined) {
      rootCAs.push(loadCaFromSecret(ctx, report, namespace, secret, [...at, 'secret']));
    } else {
      rootCAs.push(loadCaFromConfigMap(ctx, report, namespace, configMap!, [...at, 'configMap']));
    }
  });
  if (rootCAs.length > 0) out['rootCAs'] = rootCAs;
  const certificates = (readStringList(report, tls['certificatesSecrets'], [...path, 'certificatesSecrets']) ?? [])
    .map((name, index) => loadTlsPair(ctx, report, namespace, name, [...path, 'certificatesSecrets', index]));
  if (certificates.length > 0) out['certificates'] = certificates;
}

/** Translates one ServersTransport. */
export function translateServersTransport(ctx: CrdContext, object: KubeObject): void {
  const report = ctx.report(object);
  const spec = readSpec(report);
  if (spec === undefined) return;
  const namespace = object.metadata.namespace ?? '';
  const transport = withoutNulls(omitKeys(spec, secretFields)) as Record<string, unknown>;
  inlineCertificates(ctx, report, namespace, spec, ['spec'], transport);
  if (report.failed || !checkWithSchema(httpServersTransportSchema, transport, ['spec'], report)) return;
  const batch = ctx.output.batch(report);
  batch.put('http.serversTransports', crdItemName(namespace, object.metadata.name), transport);
  batch.commit();
}

/** Translates one ServersTransportTCP. */
export function translateServersTransportTcp(ctx: CrdContext, object: KubeObject): void {
  const report = ctx.report(object);
  const spec = readSpec(report);
  if (spec === undefined) return;
  const namespace = object.metadata.namespace ?? '';
  const transport = withoutNulls(omitKeys(spec, ['tls'])) as Record<string, unknown>;
  const tls = readMap(report, spec['tls'], ['spec', 'tls']);
  if (tls !== undefined) {
    const out = withoutNulls(omitKeys(tls, secretFields)) as Record<string, unknown>;
    inlineCertificates(ctx, report, namespace, tls, ['spec', 'tls'], out);
    transport['tls'] = out;
  }
  if (report.failed || !checkWithSchema(tcpServersTransportSchema, transport, ['spec'], report)) return;
  const batch = ctx.output.batch(report);
  batch.put('tcp.serversTransports', crdItemName(namespace, object.metadata.name), transport);
  batch.commit();
}
