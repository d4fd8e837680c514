/**
 * 1.x `[[tls]]` entries (`certificate.certFile/keyFile` plus `entryPoints`) as v3
 * `tls.certificates`. v3 certificates belong to a store, not to entry points: every TLS entry
 * point may serve them, so `entryPoints` cannot be kept.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import { isMap, type V1Context, type V1Item } from './v1-context.ts';

/** Translates the `tls` list of a 1.x file (at `path`). */
export function translateV1Tls(value: unknown, path: ConfigPath, ctx: V1Context): V1Item[] {
  const entries = Array.isArray(value) ? value : [value];
  const out: V1Item[] = [];
  entries.forEach((raw: unknown, index) => {
    const entryPath = [...path, index];
    const fields = ctx.fields(raw, ['entryPoints', 'certificate', 'stores'], entryPath);
    if (fields === undefined) return;
    const certificate = fields.get('certificate');
    if (certificate === undefined || !isMap(certificate.value)) {
      ctx.error('V1_INVALID_VALUE', [...entryPath, certificate?.key ?? 'certificate'], 'expected a certificate table with certFile and keyFile');
      return;
    }
    const certPath = [...entryPath, certificate.key];
    const pair = ctx.fields(certificate.value, ['certFile', 'keyFile'], certPath);
    if (pair === undefined) return;
    const translated: Record<string, unknown> = {};
    for (const [name, { value: v }] of pair) if (v !== null && v !== undefined) translated[name] = v;
    const stores = fields.get('stores');
    if (stores !== undefined && stores.value !== null) translated['stores'] = stores.value;
    const entryPoints = fields.get('entryPoints');
    if (entryPoints !== undefined && entryPoints.value !== null) {
      ctx.warn('V1_APPROXIMATED', [...entryPath, entryPoints.key],
        'certificates are no longer tied to entry points: this one goes to the default store and any TLS entry point may serve it');
    }
    out.push({ value: translated, origin: entryPath });
  });
  return out;
}
