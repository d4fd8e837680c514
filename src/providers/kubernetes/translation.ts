/**
 * What a Kubernetes translator returns: the dynamic configuration in Traefik's shape (names
 * unqualified, as a file would hold them), the problems found on the objects, and which object
 * each item came from (for the API and for Kubernetes Events on that object).
 */
import type { Diagnostic } from '../../config/diagnostics.ts';

export interface Translation {
  /** `{http: {routers, services, middlewares, serversTransports}, tcp: {...}, udp: {...}, tls: {...}}`. */
  readonly config: Record<string, unknown>;
  /**
   * Problems with their object (`resource: 'Ingress/ns/name'`) and the field path inside it
   * (`spec.rules[0].http.paths[1].backend.service.port`); a broken object is left out alone.
   */
  readonly diagnostics: readonly Diagnostic[];
  /** `"<section> <name>"` (e.g. `"http.routers default-myapp-example-com"`) → `Ingress/default/myapp`. */
  readonly sources: ReadonlyMap<string, string>;
}
