/**
 * Traefik's names for what an Ingress produces (pkg/provider/kubernetes/ingress), so dashboards,
 * API clients and `name@kubernetes` references keep working after a switch:
 * - services `<namespace>-<service>-<port>` (port number or name as the backend writes it);
 * - routers `<namespace>-<ingress>-<host><path>`; routers of one Ingress that get the same name
 *   (hosts `*.bar` and `bar`) each get `-` + the first 10 bytes of SHA-256 of Traefik's rule for
 *   them, in hex;
 * - the default backend of an Ingress without rules: router `default-router`, service
 *   `default-backend`.
 * Each is passed through Traefik's Normalize: runs of characters that are neither letters nor
 * digits become one `-`, and leading and trailing ones are dropped.
 */
import { createHash } from 'node:crypto';

/** Traefik's provider.Normalize. */
export function normalizeName(name: string): string {
  return (name.match(/[\p{L}\p{N}]+/gu) ?? []).join('-');
}

/** `<namespace>-<service>-<port>`. */
export function serviceName(namespace: string, service: string, port: string | number): string {
  return normalizeName(`${namespace}-${service}-${port}`);
}

/** `<namespace>-<ingress>-<service>-<port>`: a service shaped by annotations of that Ingress. */
export function ingressServiceName(namespace: string, ingress: string, service: string, port: string | number): string {
  return normalizeName(`${namespace}-${ingress}-${service}-${port}`);
}

/** `<namespace>-<ingress>-<host><path>`. */
export function routerKey(namespace: string, ingress: string, host: string, path: string): string {
  return normalizeName(`${namespace}-${ingress}-${host}${path}`);
}

/** `<key>-<20 hex digits>`: Traefik's name for routers of one Ingress that share a key. */
export function hashedRouterKey(key: string, rule: string): string {
  return `${key}-${createHash('sha256').update(rule).digest('hex').slice(0, 20)}`;
}

/** Traefik's router and service of the default backend of an Ingress without rules. */
export const defaultRouterName = 'default-router';
export const defaultBackendServiceName = 'default-backend';
