/**
 * The internal provider: routers for Switchyard's own services (`api@internal`,
 * `ping@internal`) on the entry points the static configuration names, and the routers and
 * middlewares behind entry point redirections (`entryPoints.<ep>.http.redirections`), as
 * Traefik's internal provider does (reference §8.1, §8.3, §10.1).
 */
import { parseDynamicConfig } from '../config/dynamic.ts';
import type { Provider, Snapshot } from '../config/snapshot.ts';
import type { StaticConfig } from '../config/static.ts';

/**
 * Services that exist without being configured, for this static configuration; routers of any
 * provider may use them (`api@internal` needs `api`, `ping@internal` needs `ping`).
 */
export function internalServiceNames(config: StaticConfig): ReadonlySet<string> {
  const names = new Set(['noop@internal']);
  if (config.api !== undefined) names.add('api@internal');
  if (config.api !== undefined && config.api.dashboard) names.add('dashboard@internal');
  if (config.ping !== undefined) names.add('ping@internal');
  if (config.metrics?.prometheus !== undefined) names.add('prometheus@internal');
  return names;
}

// Traefik uses MaxInt, MaxInt-1 and MaxInt-2; JSON and JS numbers stop at 2^53.
const PING_PRIORITY = Number.MAX_SAFE_INTEGER;
const API_PRIORITY = Number.MAX_SAFE_INTEGER - 1;
const DASHBOARD_PRIORITY = Number.MAX_SAFE_INTEGER - 2;

/**
 * Builds the internal provider's one snapshot from the static configuration; `ports` gives the
 * bound port of entry points listening on port 0 (redirections name the real port).
 */
export function internalSnapshot(config: StaticConfig, ports: ReadonlyMap<string, number> = new Map()): Snapshot {
  const routers: Record<string, unknown> = {};
  const middlewares: Record<string, unknown> = {};
  if (config.api !== undefined && config.api.insecure) {
    // api.basePath prefixes the API paths (default `/`).
    const base = (config.api.basePath ?? '/').replace(/\/+$/, '');
    routers.api = { rule: `PathPrefix(\`${base}/api\`)`, entryPoints: ['traefik'], service: 'api@internal', priority: API_PRIORITY };
    if (config.api.dashboard) {
      // Traefik's insecure dashboard: everything else on `traefik`; `<base>/` redirects to
      // `<base>/dashboard/`, and the prefix is stripped before dashboard@internal serves files.
      routers.dashboard = {
        rule: `PathPrefix(\`${base}/\`)`, entryPoints: ['traefik'], service: 'dashboard@internal', priority: DASHBOARD_PRIORITY,
        middlewares: ['dashboard_redirect', 'dashboard_stripprefix'],
      };
      middlewares.dashboard_redirect = {
        redirectRegex: { regex: `^(http:\\/\\/(\\[[\\w:.]+\\]|[\\w\\._-]+)(:\\d+)?)${base.replace(/\//g, '\\/')}\\/$`, replacement: `\${1}${base}/dashboard/`, permanent: true },
      };
      middlewares.dashboard_stripprefix = { stripPrefix: { prefixes: [`${base}/dashboard/`, `${base}/dashboard`] } };
    }
  }
  const prometheus = config.metrics?.prometheus;
  if (prometheus !== undefined && !prometheus.manualRouting) {
    routers.prometheus = { rule: 'PathPrefix(`/metrics`)', entryPoints: [prometheus.entryPoint], service: 'prometheus@internal', priority: PING_PRIORITY };
  }
  if (config.ping !== undefined && !config.ping.manualRouting) {
    routers.ping = { rule: 'PathPrefix(`/ping`)', entryPoints: [config.ping.entryPoint], service: 'ping@internal', priority: PING_PRIORITY };
  }
  for (const [name, ep] of Object.entries(config.entryPoints)) {
    const r = ep.http.redirections?.entryPoint;
    if (r === undefined) continue;
    // Traefik's names: router `<ep>-to-<to>`, middleware `redirect-<ep>-to-<to>`; the port is
    // the target entry point's (left out of the Location when it is the scheme's default).
    const port = ports.get(r.to) ?? config.entryPoints[r.to]?.listen.port;
    middlewares[`redirect-${name}-to-${r.to}`] = {
      redirectScheme: { scheme: r.scheme, permanent: r.permanent, ...(port !== undefined && port !== 0 ? { port: String(port) } : {}) },
    };
    routers[`${name}-to-${r.to}`] = {
      rule: 'HostRegexp(`^.+$`)', entryPoints: [name], middlewares: [`redirect-${name}-to-${r.to}`], service: 'noop@internal', priority: r.priority,
    };
  }
  const parsed = parseDynamicConfig({ http: { routers, middlewares } }, { resource: 'internal' });
  return { provider: 'internal', config: parsed.config, rejected: parsed.rejected, diagnostics: parsed.diagnostics };
}

export function createInternalProvider(config: StaticConfig, ports?: ReadonlyMap<string, number>): Provider {
  return {
    name: 'internal',
    run(emit, signal) {
      emit(internalSnapshot(config, ports));
      return new Promise((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
    },
  };
}
