/**
 * What annotations on an Ingress change about the services it routes to (ingress-nginx affinity,
 * hashing, `service-upstream`, `backend-protocol`; Traefik 1.x `protocol` and `preserve-host`).
 * Services then differ from one Ingress to another, so an Ingress with overrides gets its own
 * services, named `<namespace>-<ingress>-<service>-<port>` (as Traefik's ingress-nginx provider
 * names them); Ingresses without overrides share `<namespace>-<service>-<port>`.
 */

/** Service changes asked for by an Ingress; each `*Source` names the annotation. */
export interface IngressServiceOverrides {
  readonly scheme?: string;
  readonly nativeLB?: boolean;
  readonly passHostHeader?: boolean;
  readonly cookie?: Readonly<Record<string, unknown>>;
  readonly cookieSource?: string;
  /** `strategy` and, for `hash`, the `hash` section. */
  readonly strategy?: string;
  readonly hash?: Readonly<Record<string, unknown>>;
  readonly strategySource?: string;
}

/** True when the overrides change anything. */
export function hasOverrides(overrides: IngressServiceOverrides): boolean {
  return Object.keys(overrides).length > 0;
}
