/**
 * Entry points as the pipeline sees them (from the static configuration), and Traefik's rule for
 * the entry points of a router that names none.
 */
import type { RouterObservabilityConfig, RouterTlsConfig } from '../config/dynamic.ts';

/**
 * Settings an entry point imposes on every HTTP router on it (Traefik's entry point "model",
 * made when the entry point has `http.middlewares`, `http.tls`, `observability` or
 * `http.encodedCharacters`).
 */
export interface EntryPointModel {
  /** Prepended to each router's middlewares (qualified with the router's provider unless they name one). */
  readonly middlewares?: readonly string[];
  /** Used by routers that have no `tls` of their own. */
  readonly tls?: RouterTlsConfig;
  /** Fills the observability fields a router leaves unset. */
  readonly observability?: RouterObservabilityConfig;
}

/** One entry point of the static configuration, as merge() and resolve() need it. */
export interface EntryPointInfo {
  readonly name: string;
  readonly isUdp: boolean;
  /** `asDefault: true` in the static configuration. */
  readonly asDefault: boolean;
  /** Present when the entry point carries a model; HTTP routers on it are then split per entry point. */
  readonly model?: EntryPointModel;
}

/** Traefik's internal entry point (API, dashboard, ping), never a default one. */
export const internalEntryPointName = 'traefik';

/**
 * The entry points of an HTTP or TCP router that lists none [Traefik cmd/traefik
 * getDefaultsEntrypoints]: the `asDefault` ones if any entry point is flagged, else all of them;
 * in both cases without UDP entry points and without `traefik`; sorted.
 */
export function defaultEntryPoints(entryPoints: readonly EntryPointInfo[]): string[] {
  const flagged = entryPoints.some((ep) => ep.asDefault);
  return entryPoints
    .filter((ep) => (!flagged || ep.asDefault) && !ep.isUdp && ep.name !== internalEntryPointName)
    .map((ep) => ep.name)
    .sort();
}

/** The entry points of a UDP router that lists none: every UDP entry point, sorted. */
export function defaultUdpEntryPoints(entryPoints: readonly EntryPointInfo[]): string[] {
  return entryPoints.filter((ep) => ep.isUdp).map((ep) => ep.name).sort();
}

/**
 * The entry points a router is active on, among `listed`: each one that does not exist (for the
 * router's protocol) is a warning, and none at all disables the router [Traefik
 * pkg/config/runtime GetRoutersByEntryPoints]. Returns them unique and sorted, as Traefik's `using`.
 */
export function checkRouterEntryPoints(
  listed: readonly string[], existing: ReadonlySet<string>,
  report: (problem: { critical: boolean; code: string; message: string }) => void,
): string[] {
  const using = new Set<string>();
  for (const name of listed) {
    if (existing.has(name)) using.add(name);
    else report({ critical: false, code: 'ROUTER_ENTRYPOINT_NOT_FOUND', message: `entryPoint ${JSON.stringify(name)} doesn't exist` });
  }
  if (using.size === 0) report({ critical: true, code: 'ROUTER_NO_ENTRYPOINT', message: 'no valid entryPoint for this router' });
  return [...using].sort();
}
