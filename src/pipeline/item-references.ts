/**
 * The references each kind of item makes, qualified with the provider of the item that makes
 * them (Traefik's GetQualifiedName: a name without `@` takes the referencing item's provider),
 * each with the field it is written in.
 */
import type { HttpMiddleware, HttpService, TcpService, UdpService } from '../config/dynamic.ts';
import { qualifyName } from '../lib/qualified-name.ts';
import type { HttpMiddlewareRefs, HttpServiceRefs, L4ServiceRefs, Reference } from './merged-config.ts';

/** Qualifies a list of names written in field `field` (`middlewares` → `middlewares[0]`, …). */
export function qualifyList(names: readonly string[] | undefined, provider: string, field: string): Reference[] {
  return (names ?? []).map((name, i) => ({ name: qualifyName(name, provider), field: `${field}[${i}]` }));
}

/** Qualifies the `name` of each child `{name, weight}` written in list `field`. */
function qualifyChildren(children: readonly { readonly name: string }[], provider: string, field: string): Reference[] {
  return children.map((child, i) => ({ name: qualifyName(child.name, provider), field: `${field}[${i}].name` }));
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
  const middlewares = qualifyList(service.middlewares, provider, 'middlewares');
  const refs = (services: Reference[], serversTransport = ''): HttpServiceRefs => ({ services, middlewares, serversTransport });
  switch (service.kind) {
    case 'loadBalancer':
      return refs([], qualifyServersTransport(service.loadBalancer.serversTransport, provider));
    case 'weighted':
      return refs(qualifyChildren(service.weighted.services, provider, 'weighted.services'));
    case 'highestRandomWeight':
      return refs(qualifyChildren(service.highestRandomWeight.services, provider, 'highestRandomWeight.services'));
    case 'mirroring':
      return refs([
        { name: qualifyName(service.mirroring.service, provider), field: 'mirroring.service' },
        ...qualifyChildren(service.mirroring.mirrors, provider, 'mirroring.mirrors'),
      ]);
    case 'failover':
      return refs([
        { name: qualifyName(service.failover.service, provider), field: 'failover.service' },
        { name: qualifyName(service.failover.fallback, provider), field: 'failover.fallback' },
      ]);
    default:
      return unreachable(service);
  }
}

/** The chain entries and the services an HTTP middleware refers to. */
export function httpMiddlewareRefs(middleware: HttpMiddleware, provider: string): HttpMiddlewareRefs {
  if (middleware.kind === 'chain') return { middlewares: qualifyList(middleware.chain.middlewares, provider, 'chain.middlewares'), services: [] };
  if (middleware.kind === 'errors') {
    return { middlewares: [], services: [{ name: qualifyName(middleware.errors.service, provider), field: 'errors.service' }] };
  }
  return { middlewares: [], services: [] };
}

/** The children and servers transport of a TCP service. */
export function tcpServiceRefs(service: TcpService, provider: string): L4ServiceRefs {
  switch (service.kind) {
    case 'loadBalancer':
      return { services: [], serversTransport: qualifyServersTransport(service.loadBalancer.serversTransport, provider) };
    case 'weighted':
      return { services: qualifyChildren(service.weighted.services, provider, 'weighted.services'), serversTransport: '' };
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
      return { services: qualifyChildren(service.weighted.services, provider, 'weighted.services'), serversTransport: '' };
    default:
      return unreachable(service);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected kind ${JSON.stringify(value)}`);
}
