/**
 * Everything of Switchyard that needs the Kubernetes client: the Ingress, ingress-nginx and CRD
 * providers, and the ACME store in a Secret. switchyard.ts imports this module only when the
 * static configuration uses one of them, so that a file-provider setup never loads
 * @kubernetes/client-node (tens of MiB of source and compiled code resident in every process).
 */
import type { Provider } from '../config/snapshot.ts';
import type { StaticConfig } from '../config/static.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../observability/logger.ts';
import { translateCrds } from '../providers/kubernetes/crd/translate-crds.ts';
import { translateIngresses } from '../providers/kubernetes/ingress/translate-ingresses.ts';
import { ingressNginxOptions } from '../providers/kubernetes/ingress-nginx-options.ts';
import { controllerInstance, createKubeClient, loadKubeConfig, type KubeClient } from '../providers/kubernetes/kube-client.ts';
import { createKubeSource } from '../providers/kubernetes/kube-source.ts';
import { createKubernetesProvider } from '../providers/kubernetes/kubernetes-provider.ts';
import type { AcmeStore } from './acme/acme-store.ts';
import { createSecretAcmeStore, parseSecretStorage } from './acme/secret-acme-store.ts';

/**
 * The Kubernetes Ingress, ingress-nginx Ingress and CRD providers the static configuration
 * enables (qualifiers `@kubernetes`, `@kubernetesingressnginx`, `@kubernetescrd`). The client
 * configuration is loaded here, before anything serves: a missing kubeconfig or endpoint is a
 * start error naming the option, never a provider that silently watches nothing.
 */
export function kubernetesProviders(config: StaticConfig, clock: Clock, logger: Logger): Provider[] {
  const out: Provider[] = [];
  const ingress = config.providers.kubernetesIngress;
  if (ingress !== undefined) {
    const kc = loadKubeConfig(ingress, 'providers.kubernetesIngress');
    const instance = controllerInstance(kc);
    const source = createKubeSource(createKubeClient(kc), { clock, logger, instance });
    out.push(createKubernetesProvider('kubernetes', ingress, { source, clock, logger, translate: translateIngresses, instance }));
  }
  const nginx = config.providers.kubernetesIngressNGINX;
  if (nginx !== undefined) {
    const kc = loadKubeConfig(nginx, 'providers.kubernetesIngressNGINX');
    const instance = controllerInstance(kc);
    const source = createKubeSource(createKubeClient(kc), { clock, logger, instance });
    out.push(createKubernetesProvider('kubernetesingressnginx', ingressNginxOptions(nginx),
      { source, clock, logger, translate: translateIngresses, instance }));
  }
  const crd = config.providers.kubernetesCRD;
  if (crd !== undefined) {
    const kc = loadKubeConfig(crd, 'providers.kubernetesCRD');
    const source = createKubeSource(createKubeClient(kc), { clock, logger, instance: controllerInstance(kc) });
    out.push(createKubernetesProvider('kubernetescrd', crd, { source, clock, logger, translate: translateCrds }));
  }
  return out;
}

/**
 * The ACME store of a `storage: kubernetes-secret://<namespace>/<name>`: a Secret every replica
 * shares, through the Kubernetes providers' client configuration or the in-cluster service
 * account. Null when `storage` names no Secret. One client serves every Secret store.
 */
export function secretAcmeStores(config: StaticConfig): (storage: string) => AcmeStore | null {
  let client: KubeClient | undefined;
  return (storage) => {
    const secret = parseSecretStorage(storage);
    if (secret === null) return null;
    client ??= createKubeClient(loadKubeConfig(config.providers.kubernetesIngress ?? config.providers.kubernetesCRD
      ?? config.providers.kubernetesIngressNGINX ?? {}, 'certificatesResolvers'));
    return createSecretAcmeStore(client, secret.namespace, secret.name);
  };
}
