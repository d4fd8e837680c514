/**
 * TLSOption → `tls.options`, TLSStore → `tls.stores` (and their certificates), as Traefik's
 * buildTLSOptions / buildTLSStores:
 *
 * - names are `<ns>-<name>`, except the ones named `default`, which replace the global default
 *   option or store; a `default` defined in more than one namespace is dropped everywhere, with
 *   an error on each (Traefik logs one);
 * - TLSOption `clientAuth.secretNames` → `clientAuth.caFiles`, the CA bundles inlined (`tls.ca`
 *   or `ca.crt` of each Secret);
 * - TLSStore `defaultCertificate.secretName` → the store's default certificate, inlined;
 *   `certificates[].secretName` → `tls.certificates` entries in that store; `defaultGeneratedCert`
 *   copied.
 *
 * Differs from Traefik on purpose: a Secret that cannot be read leaves the whole option or store
 * out (Traefik drops the one CA and keeps an option that then refuses every client certificate).
 */
import { tlsOptionsSchema, tlsStoreSchema } from '../../../config/tls.ts';
import type { KubeObject } from '../kube-objects.ts';
import type { CrdContext } from './crd-context.ts';
import { omitKeys, readList, readMap, readSpec, readString, readStringList, withoutNulls } from './crd-fields.ts';
import { tlsResourceName } from './crd-names.ts';
import type { CrdCertificate } from './crd-output.ts';
import { checkWithSchema } from './crd-report.ts';
import { loadCaFromSecret, loadTlsPair } from './crd-secrets.ts';

/** Translates every TLSOption and TLSStore. */
export function translateTlsResources(ctx: CrdContext): void {
  translateAll(ctx, ctx.objects.list('TLSOption'), translateTlsOption);
  translateAll(ctx, ctx.objects.list('TLSStore'), translateTlsStore);
}

function translateAll(
  ctx: CrdContext, objects: readonly KubeObject[], translate: (ctx: CrdContext, object: KubeObject) => void,
): void {
  const defaults = objects.filter((o) => o.metadata.name === 'default');
  if (defaults.length > 1) {
    const namespaces = defaults.map((o) => o.metadata.namespace ?? '').join(', ');
    for (const object of defaults) {
      ctx.report(object).error('CRD_DEFAULT_TLS_CONFLICT', ['metadata', 'name'],
        `a ${object.kind} named default exists in several namespaces (${namespaces}); none of them is used`);
    }
  }
  for (const object of objects) {
    if (defaults.length <= 1 || object.metadata.name !== 'default') translate(ctx, object);
  }
}

function translateTlsOption(ctx: CrdContext, object: KubeObject): void {
  const report = ctx.report(object);
  const spec = readSpec(report);
  if (spec === undefined) return;
  const namespace = object.metadata.namespace ?? '';
  const option = withoutNulls(omitKeys(spec, ['clientAuth'])) as Record<string, unknown>;
  const clientAuth = readMap(report, spec['clientAuth'], ['spec', 'clientAuth']);
  if (clientAuth !== undefined) {
    const out = withoutNulls(omitKeys(clientAuth, ['secretNames'])) as Record<string, unknown>;
    const secretNames = readStringList(report, clientAuth['secretNames'], ['spec', 'clientAuth', 'secretNames']) ?? [];
    const caFiles = secretNames.map((name, index) =>
      loadCaFromSecret(ctx, report, namespace, name, ['spec', 'clientAuth', 'secretNames', index]));
    if (caFiles.length > 0) out['caFiles'] = caFiles;
    option['clientAuth'] = out;
  }
  if (report.failed || !checkWithSchema(tlsOptionsSchema, option, ['spec'], report)) return;
  const batch = ctx.output.batch(report);
  batch.put('tls.options', tlsResourceName(namespace, object.metadata.name), option);
  batch.commit();
}

function translateTlsStore(ctx: CrdContext, object: KubeObject): void {
  const report = ctx.report(object);
  const spec = readSpec(report);
  if (spec === undefined) return;
  const namespace = object.metadata.namespace ?? '';
  const id = tlsResourceName(namespace, object.metadata.name);
  const store = withoutNulls(omitKeys(spec, ['defaultCertificate', 'certificates'])) as Record<string, unknown>;
  const defaultCertificate = readMap(report, spec['defaultCertificate'], ['spec', 'defaultCertificate']);
  if (defaultCertificate !== undefined) {
    const path = ['spec', 'defaultCertificate', 'secretName'];
    const name = readString(report, defaultCertificate['secretName'], path);
    if (name === undefined || name === '') report.error('CRD_INVALID_FIELD', path, 'required field is missing');
    else store['defaultCertificate'] = loadTlsPair(ctx, report, namespace, name, path);
  }
  const certificates: [string, CrdCertificate][] = [];
  (readList(report, spec['certificates'], ['spec', 'certificates']) ?? []).forEach((entry, index) => {
    const path = ['spec', 'certificates', index, 'secretName'];
    const name = readString(report, readMap(report, entry, ['spec', 'certificates', index])?.['secretName'], path);
    if (name === undefined || name === '') {
      if (!report.failed) report.error('CRD_INVALID_FIELD', path, 'required field is missing');
      return;
    }
    const pair = loadTlsPair(ctx, report, namespace, name, path);
    if (pair !== undefined) certificates.push([`${namespace}/${name}`, { ...pair, stores: [id] }]);
  });
  if (report.failed || !checkWithSchema(tlsStoreSchema, store, ['spec'], report)) return;
  const batch = ctx.output.batch(report);
  batch.put('tls.stores', id, store);
  batch.commit();
  for (const [key, certificate] of certificates) ctx.output.certificate(key, certificate, report);
}
