/**
 * Every annotation family read on an Ingress, read once: Traefik v2/v3 `router.*`, Traefik 1.x,
 * ingress-nginx. Also reports Service-side Traefik annotations written on the Ingress (a common
 * mistake: `service.sticky.cookie` does nothing there) and references to other providers from
 * namespaces `crossProviderNamespaces` does not list.
 */
import type { KubeSnapshot } from '../kube-objects.ts';
import { readAnnotations } from './annotation-values.ts';
import { annotationPath, type DiagnosticSink } from './ingress-diagnostics.ts';
import type { IngressModel } from './ingress-model.ts';
import { normalizeName } from './ingress-names.ts';
import type { IngressServiceOverrides } from './ingress-overrides.ts';
import { readNginxAnnotations, type NginxSettings } from './nginx-annotations.ts';
import { readRouterAnnotations, traefikPrefix, type RouterSettings } from './router-annotations.ts';
import { readV1IngressAnnotations, type V1IngressSettings } from './v1-ingress-annotations.ts';
import { readV1PathAnnotations, type V1PathTranslation } from './v1-path-modifiers.ts';
import { readServiceWeights, type ServiceWeights } from './v1-service-weights.ts';

/** What the annotations of one Ingress ask for. */
export interface IngressAnnotations {
  readonly router: RouterSettings;
  readonly v1: V1IngressSettings;
  /** The 1.x matcher and modifiers of a path, when 1.x path annotations are set. */
  readonly v1Path?: (path: string) => V1PathTranslation | null;
  readonly weights?: { readonly weights: ServiceWeights; readonly key: string };
  readonly nginx: NginxSettings;
  /** Service overrides of 1.x and ingress-nginx together (ingress-nginx wins). */
  readonly overrides: IngressServiceOverrides;
  /** Prefix of the Ingress's middleware names: `<namespace>-<ingress>`. */
  readonly prefix: string;
}

/** Reads the annotations of an Ingress; `valid` is false when the Ingress must be left out. */
export function readIngressAnnotations(
  model: IngressModel, snapshot: KubeSnapshot, crossProviderNamespaces: readonly string[], sink: DiagnosticSink,
): { annotations: IngressAnnotations; valid: boolean } {
  const mark = sink.count();
  const reader = readAnnotations(model.object, sink);
  for (const key of Object.keys(reader.all)) {
    if (key.startsWith(`${traefikPrefix}service.`)) {
      sink.warn('INGRESS_ANNOTATION_MISPLACED', model.object, annotationPath(key),
        'service annotations are read on the Service the path names, not on the Ingress; it is ignored here');
    }
  }
  const prefix = normalizeName(`${model.namespace}-${model.name}`);
  const router = readRouterAnnotations(reader, sink).settings;
  const v1 = readV1IngressAnnotations(reader, snapshot, sink, prefix).settings;
  const v1Path = readV1PathAnnotations(reader, sink);
  const weights = readServiceWeights(reader);
  const nginx = readNginxAnnotations(reader, sink).settings;

  if (crossProviderNamespaces.length > 0 && !crossProviderNamespaces.includes(model.namespace)) {
    const foreign = [...(router.middlewares ?? []), ...(typeof router.tls?.['options'] === 'string' ? [router.tls['options']] : [])]
      .filter((ref) => ref.includes('@'));
    if (foreign.length > 0) {
      sink.error('INGRESS_CROSS_PROVIDER_REFERENCE', model.object, 'metadata.annotations',
        `namespace ${model.namespace} may not reference ${foreign.join(', ')} from other providers (crossProviderNamespaces)`);
    }
  }

  const annotations: IngressAnnotations = {
    router, v1, nginx, prefix,
    overrides: { ...v1.overrides, ...nginx.overrides },
    ...(v1Path === undefined ? {} : { v1Path }),
    ...(weights === undefined || weights === null ? {} : { weights }),
  };
  return { annotations, valid: !sink.errorsSince(mark) };
}
