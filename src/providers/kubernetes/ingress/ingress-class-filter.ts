/**
 * Which Ingresses a provider serves. Two sets of rules, as Traefik has two Ingress providers.
 *
 * Traefik's (`providers.kubernetesIngress`, pkg/provider/kubernetes/ingress shouldProcessIngress):
 * 1. `spec.ingressClassName` set: served when an IngressClass of that name exists whose
 *    `spec.controller` is `traefik.io/ingress-controller` and, when the provider option
 *    `ingressClass` is set, whose name is that option. With `disableIngressClassLookup` or
 *    `disableClusterScopeResources` no IngressClass is read, so such Ingresses are not served.
 * 2. Otherwise the legacy annotation `kubernetes.io/ingress.class`: served when it equals the
 *    option `ingressClass`, or when the option is empty and the annotation is `traefik`. An
 *    Ingress with neither class nor annotation is therefore served when the option is empty.
 *
 * ingress-nginx's (`providers.kubernetesIngressNGINX`, pkg/provider/kubernetes/ingress-nginx
 * shouldProcessIngress and filterIngressClass):
 * 1. Our IngressClasses are those whose `spec.controller` is `controllerClass` (default
 *    `k8s.io/ingress-nginx`) and, with `ingressClassByName`, also those named `ingressClass`
 *    (default `nginx`) whatever their controller. Traefik documents the two as independent
 *    inclusion paths; its code stops at the first IngressClass matched by name (so the result
 *    depends on list order): we take the documented union.
 * 2. `spec.ingressClassName` set and at least one of our IngressClasses exists: served when it
 *    names one of them.
 * 3. Otherwise the annotation `kubernetes.io/ingress.class`, when present (even empty): served
 *    when it equals `ingressClass`.
 * 4. Otherwise served only with `watchIngressWithoutClass`.
 * As in Traefik, rule 2 needs one of our IngressClasses to exist: without any (none created, or
 * not readable) an Ingress with `ingressClassName` falls through to rules 3 and 4, so with
 * `watchIngressWithoutClass` it is served whatever class it names.
 *
 * The IngressClass `is-default-class` annotation is not read by either (the API server's
 * admission plugin fills `ingressClassName` from it when the Ingress is created).
 */
import type { KubeObject, KubeSnapshot } from '../kube-objects.ts';
import { isRecord } from './ingress-model.ts';

/** The controller name Traefik's IngressClasses use. */
export const traefikIngressController = 'traefik.io/ingress-controller';
/** ingress-nginx's controller name: the default `controllerClass` of the ingress-nginx rules. */
export const nginxIngressController = 'k8s.io/ingress-nginx';
/** ingress-nginx's class name: the default `ingressClass` of the ingress-nginx rules. */
export const nginxIngressClass = 'nginx';

/** The provider options the filter reads. */
export interface IngressClassOptions {
  /** Which provider's rules apply; absent: Traefik's. */
  readonly classRules?: 'traefik' | 'ingress-nginx';
  /** Traefik rules: empty or absent means any; ingress-nginx rules: absent means `nginx`. */
  readonly ingressClass?: string | undefined;
  readonly disableIngressClassLookup?: boolean;
  readonly disableClusterScopeResources?: boolean;
  /** ingress-nginx rules: the IngressClass controller we serve; absent means `k8s.io/ingress-nginx`. */
  readonly controllerClass?: string | undefined;
  /** ingress-nginx rules: also serve IngressClasses named `ingressClass`, whatever their controller. */
  readonly ingressClassByName?: boolean;
  /** ingress-nginx rules: serve Ingresses with neither class nor class annotation. */
  readonly watchIngressWithoutClass?: boolean;
}

const classAnnotation = 'kubernetes.io/ingress.class';

/** Returns the predicate for one snapshot. */
export function createIngressClassFilter(snapshot: KubeSnapshot, options: IngressClassOptions): (ingress: KubeObject) => boolean {
  const lookup = options.disableIngressClassLookup !== true && options.disableClusterScopeResources !== true;
  const ingressClasses = lookup ? snapshot.list('IngressClass') : [];
  const controllerOf = (ic: KubeObject): unknown => (isRecord(ic.spec) ? ic.spec['controller'] : undefined);
  const classNameOf = (ingress: KubeObject): unknown => (isRecord(ingress.spec) ? ingress.spec['ingressClassName'] : undefined);

  if (options.classRules === 'ingress-nginx') {
    const wanted = options.ingressClass ?? nginxIngressClass;
    const controller = options.controllerClass ?? nginxIngressController;
    const byName = options.ingressClassByName === true;
    const ours = new Set(ingressClasses
      .filter((ic) => controllerOf(ic) === controller || (byName && ic.metadata.name === wanted))
      .map((ic) => ic.metadata.name));
    return (ingress) => {
      const className = classNameOf(ingress);
      if (ours.size > 0 && typeof className === 'string') return ours.has(className);
      const annotation = ingress.metadata.annotations?.[classAnnotation];
      if (annotation !== undefined) return annotation === wanted;
      return options.watchIngressWithoutClass === true;
    };
  }

  const wanted = options.ingressClass ?? '';
  const classNames = new Set(ingressClasses
    .filter((ic) => controllerOf(ic) === traefikIngressController)
    .filter((ic) => wanted === '' || ic.metadata.name === wanted)
    .map((ic) => ic.metadata.name));
  return (ingress) => {
    const className = classNameOf(ingress);
    if (typeof className === 'string') return classNames.has(className);
    const annotation = ingress.metadata.annotations?.[classAnnotation] ?? '';
    return annotation === wanted || (wanted === '' && annotation === 'traefik');
  };
}
