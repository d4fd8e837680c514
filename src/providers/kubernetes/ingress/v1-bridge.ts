/**
 * Runs the Traefik 1.x file translators (src/providers/file/legacy-v1) on a 1.x struct built from
 * Kubernetes annotations, and turns their diagnostics into diagnostics on the Kubernetes object:
 * a path inside the built struct (`loadBalancer.method`, `whiteList.sourceRange`) becomes the
 * annotation it was built from (`metadata.annotations['traefik.ingress.kubernetes.io/load-balancer-method']`),
 * keeping what lies below it (`…['…/buffering'].maxRequestBodyBytes`). The 1.x mapping thus
 * exists once, for files and for annotations alike.
 */
import { createV1Context, type V1Context } from '../../file/legacy-v1/v1-context.ts';
import { objectRef, type KubeObject } from '../kube-objects.ts';
import { annotationPath, type DiagnosticSink } from './ingress-diagnostics.ts';

/** A 1.x translation context for one object, and where each part of the built struct came from. */
export interface V1Bridge {
  readonly ctx: V1Context;
  /** Records that the struct path `synthetic` (dotted, as diagnostics write it) came from `annotation`. */
  from(synthetic: string, annotation: string): void;
  /**
   * Moves the 1.x diagnostics to `sink`. Those without a path (the 1.x "left out" summaries,
   * which speak of frontends and backends) are dropped: the caller reports what is left out.
   */
  flush(sink: DiagnosticSink): void;
}

/** Creates a bridge for `object`. */
export function createV1Bridge(object: KubeObject): V1Bridge {
  const ctx = createV1Context(objectRef(object));
  const origins = new Map<string, string>();
  return {
    ctx,
    from: (synthetic, annotation) => { origins.set(synthetic, annotation); },
    flush(sink) {
      const prefixes = [...origins.keys()].sort((a, b) => b.length - a.length);
      for (const d of ctx.diagnostics) {
        if (d.path === '') continue;
        const prefix = prefixes.find((p) => d.path === p || d.path.startsWith(`${p}.`) || d.path.startsWith(`${p}[`));
        const path = prefix === undefined ? d.path : `${annotationPath(origins.get(prefix)!)}${d.path.slice(prefix.length)}`;
        sink.add({ ...d, path });
      }
      ctx.diagnostics.length = 0;
    },
  };
}

/** The two prefixes Traefik 1.x accepted for its Kubernetes annotations, in lookup order. */
export const v1Prefixes = ['traefik.ingress.kubernetes.io/', 'ingress.kubernetes.io/'] as const;

/** The annotation key under which 1.x option `name` is written on the object, if any. */
export function v1Key(annotations: Readonly<Record<string, string>>, name: string): string | undefined {
  return v1Prefixes.map((p) => `${p}${name}`).find((key) => Object.hasOwn(annotations, key));
}
