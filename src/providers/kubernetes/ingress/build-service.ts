/**
 * The v3 loadBalancer service for one Ingress backend (Service + port): servers from
 * resolveServiceServers, settings from the Service's annotations, affinity from the Service
 * (`sessionAffinity: ClientIP`) and its GKE BackendConfig, and the Ingress's own overrides
 * (ingress-nginx, Traefik 1.x). Built once per service name and reused by every path naming it.
 *
 * Affinity sources, most specific first: cookie — the Ingress's ingress-nginx affinity, then the
 * Service's Traefik annotations (v3, then 1.x), then GKE GENERATED_COOKIE; client IP — the
 * Service's `sessionAffinity`, then GKE CLIENT_IP. A cookie and a client-IP affinity may both
 * apply (the cookie is checked first). A source that loses is a warning naming it.
 */
import type { KubeObject, KubeSnapshot } from '../kube-objects.ts';
import { resolveServiceServers, serviceSessionAffinity } from '../service-servers.ts';
import { backendConfigAffinity } from './gke-backend-config.ts';
import type { DiagnosticSink } from './ingress-diagnostics.ts';
import type { BackendRef } from './ingress-model.ts';
import type { IngressServiceOverrides } from './ingress-overrides.ts';
import { readServiceAnnotations, type ServiceAnnotationOptions } from './service-annotations.ts';

/** A built service: its config, the middlewares it needs, and how many servers it has. */
export interface BuiltService {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly middlewares: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  readonly serverCount: number;
}

/** Provider options the services depend on. */
export interface ServiceBuildOptions extends ServiceAnnotationOptions {
  readonly allowExternalNameServices: boolean;
  readonly allowEmptyServices: boolean;
  readonly disableClusterScopeResources: boolean;
}

/** Builds services for one translation, caching them by name. */
export interface ServiceBuilder {
  /**
   * The service `name` for `backend` of `ingress`; undefined (with an error on the Ingress at
   * the backend) when it cannot be built, or when it has no servers and empty services are not
   * allowed (a warning).
   */
  build(ingress: KubeObject, backend: BackendRef, name: string, overrides: IngressServiceOverrides): BuiltService | undefined;
}

/** A failure names the field below the backend it is about (`.service.port`), for any Ingress using it. */
type Outcome = { readonly ok: true; readonly service: BuiltService } | { readonly ok: false; readonly message: string; readonly at: string };

/** Creates a builder over `snapshot`. */
export function createServiceBuilder(snapshot: KubeSnapshot, options: ServiceBuildOptions, sink: DiagnosticSink): ServiceBuilder {
  const cache = new Map<string, { readonly identity: string; readonly outcome: Outcome }>();

  const make = (ingress: KubeObject, backend: BackendRef, name: string, overrides: IngressServiceOverrides): Outcome => {
    const namespace = ingress.metadata.namespace ?? '';
    const ref = `${namespace}/${backend.service}`;
    const service = snapshot.get('Service', namespace, backend.service);
    if (service === undefined) return { ok: false, at: '.service.name', message: `Service ${ref} not found; the path is left out` };
    const settings = readServiceAnnotations(service, name, options, sink);
    if (settings === null) {
      return { ok: false, at: '.service.name', message: `the annotations of Service ${ref} are invalid (see its diagnostics); the path is left out` };
    }
    const nodePortLB = settings.nodePortLB === true;
    if (nodePortLB && options.disableClusterScopeResources) {
      return { ok: false, at: '', message: `Service ${ref} asks for nodeportlb, which needs the Nodes that disableClusterScopeResources stops watching` };
    }
    const scheme = overrides.scheme ?? settings.scheme;
    const resolved = resolveServiceServers(snapshot, namespace, backend.service, backend.port, {
      ...(scheme === undefined ? {} : { scheme }),
      nativeLB: overrides.nativeLB ?? settings.nativeLB === true, nodePortLB, allowExternalName: options.allowExternalNameServices,
    });
    if (!resolved.ok) {
      const at = resolved.field === 'spec.ports' ? '.service.port' : '.service';
      return { ok: false, at, message: `${resolved.message}${resolved.field === undefined ? '' : ` (Service field ${resolved.field})`}; the path is left out` };
    }

    const loadBalancer: Record<string, unknown> = { ...settings.loadBalancer, servers: resolved.servers.map((s) => ({ ...s })) };
    if (overrides.passHostHeader !== undefined) loadBalancer['passHostHeader'] = overrides.passHostHeader;
    const sticky: Record<string, unknown> = { ...(settings.loadBalancer['sticky'] as Record<string, unknown> | undefined) };
    const gke = backendConfigAffinity(snapshot, service, resolved.port, sink);
    if (overrides.cookie !== undefined) {
      if (sticky['cookie'] !== undefined) {
        sink.warn('INGRESS_AFFINITY_OVERRIDDEN', ingress, `metadata.annotations['${overrides.cookieSource ?? ''}']`,
          `the Ingress's cookie affinity replaces the one of Service ${ref} (${settings.cookieSource ?? 'annotations'})`);
      }
      sticky['cookie'] = overrides.cookie;
    }
    if (gke?.cookie !== undefined) {
      if (sticky['cookie'] === undefined) sticky['cookie'] = gke.cookie;
      else sink.warn('INGRESS_AFFINITY_OVERRIDDEN', service, 'metadata.annotations', 'the GKE BackendConfig cookie affinity is ignored: another cookie affinity applies');
    }
    const affinity = serviceSessionAffinity(service);
    if (!affinity.ok) {
      sink.error('SERVICE_AFFINITY_INVALID', service, affinity.field, `${affinity.message}; the client-IP affinity is not applied`);
    } else if (affinity.clientIP !== undefined) {
      sticky['clientIP'] = { timeout: `${affinity.clientIP.timeoutSeconds}s` };
      if (gke?.clientIP !== undefined) {
        sink.warn('INGRESS_AFFINITY_OVERRIDDEN', service, 'spec.sessionAffinity', 'the GKE BackendConfig CLIENT_IP affinity is replaced by sessionAffinity: ClientIP and its timeout');
      }
    } else if (gke?.clientIP !== undefined) {
      sticky['clientIP'] = gke.clientIP;
    }
    if (Object.keys(sticky).length > 0) loadBalancer['sticky'] = sticky;
    if (overrides.strategy !== undefined) {
      if (loadBalancer['strategy'] !== undefined && loadBalancer['strategy'] !== overrides.strategy) {
        sink.warn('INGRESS_AFFINITY_OVERRIDDEN', ingress, `metadata.annotations['${overrides.strategySource ?? ''}']`,
          `strategy ${overrides.strategy} replaces strategy ${String(loadBalancer['strategy'])} of Service ${ref}`);
      }
      loadBalancer['strategy'] = overrides.strategy;
      if (overrides.hash !== undefined) loadBalancer['hash'] = overrides.hash;
    }
    const config: Record<string, unknown> = { loadBalancer };
    if (settings.middlewares.length > 0) config['middlewares'] = settings.middlewares;
    return { ok: true, service: { name, config, middlewares: settings.generated, serverCount: resolved.servers.length } };
  };

  return {
    build(ingress, backend, name, overrides) {
      // Names are normalized, so two different Service ports (or one with and without an
      // Ingress's overrides) can in rare cases get the same name: the first one keeps it.
      const identity = `${ingress.metadata.namespace ?? ''}/${backend.service}:${backend.port} ${JSON.stringify(overrides)}`;
      let entry = cache.get(name);
      if (entry === undefined) {
        entry = { identity, outcome: make(ingress, backend, name, overrides) };
        cache.set(name, entry);
      } else if (entry.identity !== identity) {
        sink.error('INGRESS_ROUTER_NAME_CONFLICT', ingress, backend.field,
          `the service name ${name} is already taken by another Service port or Ingress; the path is left out`);
        return undefined;
      }
      const outcome = entry.outcome;
      if (!outcome.ok) {
        sink.error('INGRESS_SERVICE_UNRESOLVED', ingress, `${backend.field}${outcome.at}`, outcome.message);
        return undefined;
      }
      if (outcome.service.serverCount === 0 && !options.allowEmptyServices) {
        sink.warn('INGRESS_SERVICE_NO_ENDPOINTS', ingress, backend.field,
          `Service ${ingress.metadata.namespace ?? ''}/${backend.service} port ${backend.port} has no ready endpoints; the path is left out `
          + 'until it has (allowEmptyServices keeps it, answering 503)');
        return undefined;
      }
      return outcome.service;
    },
  };
}
