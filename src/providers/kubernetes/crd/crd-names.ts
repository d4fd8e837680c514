/**
 * The names the CRD provider gives to the items it generates, exactly as Traefik's
 * `pkg/provider/kubernetes/crd` does, so that references users already write
 * (`default-auth@kubernetescrd`), dashboards and legacy sticky-cookie values keep working:
 *
 * - HTTP router: `Normalize(<ns>-<ingressRoute>-<first 10 bytes of sha256(match), hex>)`;
 * - TCP router: the same without Normalize; UDP router: `<ns>-<ingressRouteUDP>-<route index>`;
 * - Kubernetes Service behind a route or TraefikService: `Normalize(<ns>-<service>-<port>)`, the
 *   port as written (number or name), e.g. `default-myapp2-80`;
 * - Middleware, MiddlewareTCP, TraefikService, ServersTransport(TCP): `Normalize(<ns>-<name>)`;
 * - TLSOption and TLSStore: `<ns>-<name>` (not normalized), or `default` for the one named default.
 */
import { createHash } from 'node:crypto';

/** The provider qualifier of everything the CRD provider generates. */
export const crdProviderName = 'kubernetescrd';

/**
 * Traefik's `provider.Normalize`: every run of characters that are not letters or digits
 * becomes one `-`, and none is left at either end (`test2.route` → `test2-route`).
 */
export function normalizeName(name: string): string {
  return name.split(/[^\p{L}\p{N}]+/u).filter((part) => part !== '').join('-');
}

/** `<namespace>-<name>` (Traefik's makeID; just `name` without a namespace). */
export function makeId(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}-${name}`;
}

/** `<objectName>-<first 10 bytes of SHA-256(match), as 20 hex digits>` (Traefik's makeServiceKey). */
export function routeKey(objectName: string, match: string): string {
  return `${objectName}-${createHash('sha256').update(match).digest('hex').slice(0, 20)}`;
}

/** Router (and own service) name of an IngressRoute route. */
export function httpRouterName(namespace: string, objectName: string, match: string): string {
  return normalizeName(makeId(namespace, routeKey(objectName, match)));
}

/** Router (and own service) name of an IngressRouteTCP route: not normalized, as in Traefik. */
export function tcpRouterName(namespace: string, objectName: string, match: string): string {
  return makeId(namespace, routeKey(objectName, match));
}

/** Router (and own service) name of an IngressRouteUDP route: by its index, as in Traefik. */
export function udpRouterName(namespace: string, objectName: string, index: number): string {
  return makeId(namespace, `${objectName}-${index}`);
}

/** Service name of a Kubernetes Service port: `default-myapp2-80`, `default-whoami-web`. */
export function kubeServiceName(namespace: string, service: string, port: string | number): string {
  return normalizeName(`${namespace}-${service}-${port}`);
}

/** Name of a Middleware, MiddlewareTCP, TraefikService or ServersTransport(TCP). */
export function crdItemName(namespace: string, name: string): string {
  return normalizeName(makeId(namespace, name));
}

/** Name of a TLSOption or TLSStore: `default` stays `default` (it replaces the global one). */
export function tlsResourceName(namespace: string, name: string): string {
  return name === 'default' ? name : makeId(namespace, name);
}
