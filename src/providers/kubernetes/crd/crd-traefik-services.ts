/**
 * TraefikService → `http.services.<ns>-<name>`: `weighted` (with its `sticky` cookie choosing a
 * child: Traefik names each Kubernetes child `<ns>-<service>-<port>`, so a legacy cookie value
 * such as `lvl1=default-myapp2-80` names a child), `mirroring` (the main service inline, then
 * `mirrors` with `percent`, `mirrorBody`, `maxBodySize`), `highestRandomWeight` and `failover`
 * (`service`, `fallback`, `errors`). Kubernetes Services used as children are generated next to
 * it (their loadBalancer, health check included, comes from the child entry).
 *
 * Switchyard extra: `healthCheck: {}` on `weighted`, `highestRandomWeight` and `failover` turns
 * on health propagation, as in the file provider (Traefik's CRD has no such field). A
 * TraefikService that cannot be fully built is left out, children included.
 */
import { failoverServiceSchema, highestRandomWeightServiceSchema, mirroringServiceSchema, weightedServiceSchema } from '../../../config/http-services.ts';
import type { z } from 'zod';
import type { KubeObject } from '../kube-objects.ts';
import type { CrdContext } from './crd-context.ts';
import { isMap, readInt, readList, readMap, readSpec, withoutNulls } from './crd-fields.ts';
import { crdItemName } from './crd-names.ts';
import type { ItemBatch } from './crd-output.ts';
import { checkWithSchema, type ObjectReport } from './crd-report.ts';
import { httpServiceRef } from './crd-service-refs.ts';

const kinds = ['weighted', 'mirroring', 'highestRandomWeight', 'failover'] as const;
type Kind = (typeof kinds)[number];

const schemas: Record<Kind, z.ZodType> = {
  weighted: weightedServiceSchema,
  mirroring: mirroringServiceSchema,
  highestRandomWeight: highestRandomWeightServiceSchema,
  failover: failoverServiceSchema,
};

/** Translates one TraefikService. */
export function translateTraefikService(ctx: CrdContext, object: KubeObject): void {
  const report = ctx.report(object);
  const spec = readSpec(report);
  if (spec === undefined) return;
  const present = kinds.filter((k) => spec[k] !== undefined && spec[k] !== null);
  if (present.length !== 1) {
    report.error('CRD_INVALID_FIELD', ['spec'], present.length === 0
      ? `expected one of ${kinds.join(', ')}`
      : `expected only one of ${kinds.join(', ')}, got ${present.join(' and ')}`);
    return;
  }
  const kind = present[0]!;
  const namespace = object.metadata.namespace ?? '';
  const batch = ctx.output.batch(report);
  const path = ['spec', kind];
  const body = readMap(report, spec[kind], path);
  if (body === undefined) return;
  const built = buildKind(ctx, report, namespace, kind, body, batch);
  if (built === undefined || report.failed || !checkWithSchema(schemas[kind], built, path, report)) return;
  batch.put('http.services', crdItemName(namespace, object.metadata.name), { [kind]: built });
  batch.commit();
}

/** Weighted (or highestRandomWeight) children `{name, weight}` of a list of service entries. */
export function weightedChildren(
  ctx: CrdContext, report: ObjectReport, namespace: string, entries: readonly unknown[], path: readonly (string | number)[], batch: ItemBatch,
): { children: { name: string; weight: number }[]; allHealth: boolean } {
  const children: { name: string; weight: number }[] = [];
  let allHealth = entries.length > 0;
  entries.forEach((entry, index) => {
    const at = [...path, index];
    const ref = httpServiceRef(ctx, report, namespace, entry, at, batch);
    const weight = isMap(entry) ? readInt(report, entry['weight'], [...at, 'weight']) : undefined;
    if (ref === undefined) return;
    allHealth &&= ref.health;
    children.push({ name: ref.name, weight: weight ?? 1 });
  });
  return { children, allHealth };
}

function buildKind(
  ctx: CrdContext, report: ObjectReport, namespace: string, kind: Kind, body: Record<string, unknown>, batch: ItemBatch,
): Record<string, unknown> | undefined {
  const path = ['spec', kind];
  const out: Record<string, unknown> = {};
  const copy = (field: string): void => {
    if (body[field] !== undefined && body[field] !== null) out[field] = withoutNulls(body[field]);
  };
  switch (kind) {
    case 'weighted':
    case 'highestRandomWeight': {
      const entries = readList(report, body['services'], [...path, 'services']) ?? [];
      out['services'] = weightedChildren(ctx, report, namespace, entries, [...path, 'services'], batch).children;
      if (kind === 'weighted') copy('sticky');
      copy('healthCheck');
      return out;
    }
    case 'mirroring': {
      // The main service is described inline (Traefik's LoadBalancerSpec embedded in Mirroring).
      const main = httpServiceRef(ctx, report, namespace, body, path, batch);
      const mirrors = readList(report, body['mirrors'], [...path, 'mirrors']) ?? [];
      out['service'] = main?.name;
      out['mirrors'] = mirrors.map((entry, index) => {
        const at = [...path, 'mirrors', index];
        const ref = httpServiceRef(ctx, report, namespace, entry, at, batch);
        const percent = isMap(entry) ? readInt(report, entry['percent'], [...at, 'percent']) : undefined;
        // Switchyard's response comparison of a mirror against the main answer.
        const compare = isMap(entry) && entry['compare'] !== undefined && entry['compare'] !== null ? { compare: entry['compare'] } : {};
        return { name: ref?.name, ...(percent === undefined ? {} : { percent }), ...compare };
      });
      copy('mirrorBody');
      copy('maxBodySize');
      copy('mirrorBufferBytes');
      return out;
    }
    case 'failover': {
      for (const field of ['service', 'fallback'] as const) {
        if (body[field] === undefined || body[field] === null) {
          report.error('CRD_INVALID_FIELD', [...path, field], 'required field is missing');
          continue;
        }
        out[field] = httpServiceRef(ctx, report, namespace, body[field], [...path, field], batch)?.name;
      }
      copy('errors');
      copy('healthCheck');
      return out;
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown TraefikService kind ${String(never)}`);
    }
  }
}
