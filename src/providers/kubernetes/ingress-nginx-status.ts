/**
 * The Ingress status the `kubernetesingressnginx` provider publishes, from its options
 * `publishStatusAddress` and `publishService`, as Traefik's ingress-nginx provider computes it
 * (pkg/provider/kubernetes/ingress-nginx updateIngressStatus), which follows ingress-nginx's
 * `--publish-status-address` and `--publish-service`:
 * - `publishStatusAddress` set: one entry per address, an IP or else a hostname (no ports);
 * - otherwise the `publishService` by its type: ExternalName → its name as hostname; ClusterIP →
 *   its cluster IP; NodePort → its external IPs, or its cluster IP when it has none;
 *   LoadBalancer → its load balancer status, then its external IPs not already listed.
 * Unlike `providers.kubernetesIngress`'s `publishedService`, no ports and no node addresses.
 * A LoadBalancer Service without an address yet writes nothing (Traefik would clear the status).
 */
import { isIP } from 'node:net';
import type { KubeObject, KubeSnapshot } from './kube-objects.ts';
import type { DesiredStatus, LoadBalancerIngress } from './ingress-status.ts';

/** The provider options this reads. */
export interface NginxStatusOptions {
  /** `namespace/name`. */
  readonly publishService?: string | undefined;
  readonly publishStatusAddress?: readonly string[] | undefined;
}

/** True when the options ask for status publishing. */
export function publishesNginxStatus(options: NginxStatusOptions): boolean {
  return (options.publishStatusAddress ?? []).some((a) => a !== '') || (options.publishService ?? '') !== '';
}

interface ServiceShape {
  spec?: { type?: string; clusterIP?: string; externalIPs?: string[]; externalName?: string };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
}

/** What every processed Ingress should show (pure). */
export function nginxDesiredStatus(options: NginxStatusOptions, snapshot: KubeSnapshot): DesiredStatus {
  const addresses = (options.publishStatusAddress ?? []).map((a) => a.trim()).filter((a) => a !== '');
  if (addresses.length > 0) {
    return entries(addresses.map((a) => (isIP(a) === 0 ? { hostname: a } : { ip: a })));
  }
  const published = options.publishService ?? '';
  if (published === '') return { kind: 'none', reason: 'neither publishStatusAddress nor publishService is configured' };
  const parts = published.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    return { kind: 'none', reason: `publishService must be namespace/name, got "${published}"` };
  }
  const service = snapshot.get('Service', parts[0]!, parts[1]!) as (KubeObject & ServiceShape) | undefined;
  if (service === undefined) return { kind: 'none', reason: `publish service ${published} not found (is its namespace watched?)` };
  const spec = service.spec ?? {};
  const externalIPs = spec.externalIPs ?? [];
  const clusterIP = (): DesiredStatus => (spec.clusterIP === undefined || spec.clusterIP === '' || spec.clusterIP === 'None'
    ? { kind: 'none', reason: `publish service ${published} has no cluster IP` }
    : entries([{ ip: spec.clusterIP }]));
  switch (spec.type ?? 'ClusterIP') {
    case 'ExternalName':
      return spec.externalName === undefined || spec.externalName === ''
        ? { kind: 'none', reason: `publish service ${published} has no externalName` }
        : entries([{ hostname: spec.externalName }]);
    case 'ClusterIP':
      return clusterIP();
    case 'NodePort':
      return externalIPs.length === 0 ? clusterIP() : entries(externalIPs.map((ip) => ({ ip })));
    case 'LoadBalancer': {
      const list: LoadBalancerIngress[] = [...(service.status?.loadBalancer?.ingress ?? [])];
      for (const ip of externalIPs) if (!list.some((e) => e.ip === ip || e.hostname === ip)) list.push({ ip });
      return list.length === 0 ? { kind: 'none', reason: `publish service ${published} has no load balancer address yet` } : entries(list);
    }
    default:
      return { kind: 'none', reason: `publish service ${published} has unknown type ${spec.type}` };
  }
}

function entries(list: readonly LoadBalancerIngress[]): DesiredStatus {
  return { kind: 'entries', entries: list };
}
