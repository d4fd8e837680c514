/**
 * The references each kind of item makes, qualified with the provider of the item that makes
 * them (Traefik's GetQualifiedName: a name without `@` takes the referencing item's provider).
 */
import type { HttpMiddleware, HttpService, TcpService, UdpService } from '../config/dynamic.ts';
import { qualifyName } from '../lib/qualified-name.ts';
import type { HttpMiddlewareRefs, HttpServiceRefs, L4ServiceRefs } from './merged-config.ts';

/** Qualifies every name of `refs` with `provider`. */
export function qualifyAll(refs: readonly string[] | undefined, provider: string): string[] {
  return (refs ?? []).map((ref) => qualifyName(ref, provider));
}

/** Qualifies a TLS options reference: absent or `default` means the default options. */
export function qualifyTlsOptions(options: string | undefined, provider: string): string {
  return options === undefined || options === '' || options === 'default' ? 'default' : qualifyName(options, provider);
}

/** Qualifies a servers transport reference; '' stays '' (the default transport). */
export function qualifyServersTransport(name: string | undefined, provider: string): string {
  return name === undefined || name === '' ? '' : qualifyName(name, provider);
}

/** The child services, service-level middlewares and servers transport of an HTTP service. */
export function httpServiceRefs(service: HttpService, provider: string): HttpServiceRefs {
  const middlewares = qualifyAll(service.middlewares, provider);
  switch (service.kind) {
    case 'loadBalancer':
      return { services: [], middlewares, serversTransport: qualifyServersTransport(service.loadBalancer.serversTransport, provider) };
    case 'weighted':
      return { services: qualifyAll(service.weighted.services.map((c) => c.name), provider), middlewares, serversTransport: '' };
    case 'highestRandomWeight':
      return {
        services: qualifyAll(service.highestRandomWeight.services.map((c) => c.name), provider), middlewares, serversTransport: '',
      };
    case 'mirroring':
      return {
        services: qualifyAll([service.mirroring.service, ...service.mirroring.mirrors.map((m) => m.name)], provider),
        middlewares,
        serversTransport: '',
      };
    case 'failover':
      return { services: qualifyAll([service.failover.service, service.failover.fallback], provider), middlewares, serversTransport: '' };
    default:
      return unreachable(service);
  }
}

/** The chain entries and the services an HTTP middleware refers to. */
export function httpMiddlewareRefs(middleware: HttpMiddleware, provider: string): HttpMiddlewareRefs {
  if (middleware.kind === 'chain') return { middlewares: qualifyAll(middleware.chain.middlewares, provider), services: [] };
  if (middleware.kind === 'errors') return { middlewares: [], services: [qualifyName(middleware.errors.service, provider)] };
  return { middlewares: [], services: [] };
}

/** The children and servers transport of a TCP service. */
export function tcpServiceRefs(service: TcpService, provider: string): L4ServiceRefs {
  switch (service.kind) {
    case 'loadBalancer':
      return { services: [], serversTransport: qualifyServersTransport(service.loadBalancer.serversTransport, provider) };
    case 'weighted':
      return { services: qualifyAll(service.weighted.services.map((c) => c.name), provider), serversTransport: '' };
    default:
      return unreachable(service);
  }
}

/** The children of a UDP service. */
export function udpServiceRefs(service: UdpService, provider: string): L4ServiceRefs {
  switch (service.kind) {
    case 'loadBalancer':
      return { services: [], serversTransport: '' };
    case 'weighted':
      return { services: qualifyAll(service.weighted.services.map((c) => c.name), provider), serversTransport: '' };
    default:
      return unreachable(service);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected kind ${JSON.stringify(value)}`);
}
