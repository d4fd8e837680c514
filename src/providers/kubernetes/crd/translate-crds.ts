/**
 * The CRD provider's translation: a pure function of a KubeSnapshot (and the
 * `providers.kubernetesCRD` options) to the dynamic configuration Traefik's kubernetescrd
 * provider would produce, in Traefik's shape with unqualified names, plus diagnostics naming
 * the object and field and the object each item comes from.
 *
 * Objects are read from both API groups (crd-objects.ts). Order matters only for items two
 * objects both generate (crd-output.ts keeps the first): TLS stores and options, middlewares,
 * transports, TraefikServices, then IngressRoutes (TCP, UDP); so a Kubernetes Service child
 * defined by a TraefikService wins over the same one defined by an IngressRoute, as the later
 * write does in Traefik. One bad object, route or service entry is left out with its diagnostics;
 * everything else translates.
 */
import type { Diagnostic } from '../../../config/diagnostics.ts';
import type { KubeSnapshot } from '../kube-objects.ts';
import type { Translation } from '../translation.ts';
import { createCrdContext, type CrdTranslateOptions } from './crd-context.ts';
import { translateIngressRoute } from './crd-ingress-routes.ts';
import { translateIngressRouteTcp, translateIngressRouteUdp } from './crd-l4-routes.ts';
import { translateMiddleware, translateMiddlewareTcp } from './crd-middlewares.ts';
import { indexCrdObjects } from './crd-objects.ts';
import { createCrdOutput } from './crd-output.ts';
import { translateServersTransport, translateServersTransportTcp } from './crd-servers-transports.ts';
import { translateTlsResources } from './crd-tls.ts';
import { translateTraefikService } from './crd-traefik-services.ts';

export type { CrdTranslateOptions } from './crd-context.ts';

/** Translates the Traefik CRD objects of `snapshot` into a dynamic configuration. */
export function translateCrds(snapshot: KubeSnapshot, options: CrdTranslateOptions = {}): Translation {
  const diagnostics: Diagnostic[] = [];
  const objects = indexCrdObjects(snapshot, diagnostics);
  const output = createCrdOutput();
  const ctx = createCrdContext(snapshot, options, objects, output, diagnostics);

  translateTlsResources(ctx);
  for (const object of objects.list('Middleware')) translateMiddleware(ctx, object);
  for (const object of objects.list('MiddlewareTCP')) translateMiddlewareTcp(ctx, object);
  for (const object of objects.list('ServersTransport')) translateServersTransport(ctx, object);
  for (const object of objects.list('ServersTransportTCP')) translateServersTransportTcp(ctx, object);
  for (const object of objects.list('TraefikService')) translateTraefikService(ctx, object);
  for (const object of objects.list('IngressRoute')) translateIngressRoute(ctx, object);
  for (const object of objects.list('IngressRouteTCP')) translateIngressRouteTcp(ctx, object);
  for (const object of objects.list('IngressRouteUDP')) translateIngressRouteUdp(ctx, object);

  const { config, sources } = output.result();
  return { config, diagnostics, sources };
}
