/**
 * Which Ingresses the provider serves, exactly as Traefik decides (pkg/provider/kubernetes/ingress
 * shouldProcessIngress):
 * 1. `spec.ingressClassName` set: served when an IngressClass of that name exists whose
 *    `spec.controller` is `traefik.io/ingress-controller` and, when the provider option
 *    `ingressClass` is set, whose name is that option. With `disableIngressClassLookup` or
 *    `disableClusterScopeResources` no IngressClass is read, so such Ingresses are not served.
 * 2. Otherwise the legacy annotation `kubernetes.io/ingress.class`: served when it equals the
 *    option `ingressClass`, or when the option is empty and the annotation is `traefik`. An
 *    Ingress with neither class nor annotation is therefore served when the option is empty.
 * The IngressClass `is-default-class` annotation is not read (the API server's admission plugin
 * fills `ingressClassName` from it when the Ingress is created).
 */
import type { KubeObject, KubeSnapshot } from '../kube-objects.ts';
import { isRecord } from './ingress-model.ts';

/** The controller name Traefik's IngressClasses use. */
export const traefikIngressController = 'traefik.io/ingress-controller';

/** The provider options the filter reads. */
export interface IngressClassOptions {
  readonly ingressClass?: string | undefined;
  readonly disableIngressClassLookup?: boolean;
  readonly disableClusterScopeResources?: boolean;
}

/** Returns the predicate for one snapshot. */
export function createIngressClassFilter(snapshot: KubeSnapshot, options: IngressClassOptions): (ingress: KubeObject) => boolean {
  const wanted = options.ingressClass ?? '';
  const lookup = options.disableIngressClassLookup !== true && options.disableClusterScopeResources !== true;
  const classNames = new Set(lookup
    ? snapshot.list('IngressClass')
      .filter((ic) => isRecord(ic.spec) && ic.spec['controller'] === traefikIngressController)
      .filter((ic) => wanted === '' || ic.metadata.name === wanted)
      .map((ic) => ic.metadata.name)
    : []);
  return (ingress) => {
    const spec = isRecord(ingress.spec) ? ingress.spec : {};
    const className = spec['ingressClassName'];
    if (typeof className === 'string') return classNames.has(className);
    const annotation = ingress.metadata.annotations?.['kubernetes.io/ingress.class'] ?? '';
    return annotation === wanted || (wanted === '' && annotation === 'traefik');
  };
}
