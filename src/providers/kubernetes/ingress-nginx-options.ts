/**
 * The `kubernetesingressnginx` provider's options: its static section
 * (`providers.kubernetesIngressNGINX`) read as the options of the live provider and of
 * translateIngresses, so the Ingress translation serves ingress-nginx's Ingresses:
 * - ingress-nginx's class rules (`ingressClass`, `controllerClass`, `ingressClassByName`,
 *   `watchIngressWithoutClass`; ingress-class-filter.ts);
 * - `watchNamespace` → the one namespace watched (empty: all);
 * - `disableSvcExternalName` → ExternalName Services are allowed unless it is set (Traefik's
 *   ingress-nginx provider allows them by default, its Ingress provider does not);
 * - a Service without endpoints keeps its router and answers 503, as ingress-nginx does
 *   (`allowEmptyServices`);
 * - `publishService` / `publishStatusAddress` → Ingress status (ingress-nginx-status.ts).
 */
import type { KubernetesIngressNginxProviderConfig } from '../../config/static-providers.ts';
import type { TranslateIngressOptions } from './ingress/translate-ingresses.ts';
import type { KubernetesProviderOptions } from './kubernetes-provider.ts';

/** What the provider and the translation read. */
export type IngressNginxOptions = KubernetesProviderOptions & TranslateIngressOptions;

/** Reads the static section. */
export function ingressNginxOptions(config: KubernetesIngressNginxProviderConfig): IngressNginxOptions {
  const namespace = config.watchNamespace ?? '';
  return {
    classRules: 'ingress-nginx',
    ingressClass: config.ingressClass,
    controllerClass: config.controllerClass,
    ingressClassByName: config.ingressClassByName,
    watchIngressWithoutClass: config.watchIngressWithoutClass,
    namespaces: namespace === '' ? [] : [namespace],
    throttleDuration: config.throttleDuration,
    allowExternalNameServices: !config.disableSvcExternalName,
    allowEmptyServices: true,
    publishService: config.publishService,
    publishStatusAddress: config.publishStatusAddress,
  };
}
