/**
 * Whether a static configuration needs the Kubernetes client, decided without loading it:
 * switchyard.ts imports kubernetes-wiring.ts (and with it @kubernetes/client-node) only then.
 */
import type { StaticConfig } from '../config/static.ts';

/** The storage prefix of ACME Secrets (secret-acme-store.ts parses the rest). */
const kubernetesSecretPrefix = 'kubernetes-secret://';

/** True when a Kubernetes provider is enabled or an ACME resolver stores its data in a Secret. */
export function usesKubernetes(config: StaticConfig): boolean {
  const p = config.providers;
  if (p.kubernetesIngress !== undefined || p.kubernetesIngressNGINX !== undefined || p.kubernetesCRD !== undefined) return true;
  return Object.values(config.certificatesResolvers ?? {}).some((r) => (r.acme?.storage ?? '').startsWith(kubernetesSecretPrefix));
}
