/**
 * Which TLS options a host name maps to on one entry point, from the HTTPS routers there.
 *
 * Follows Traefik (pkg/server/router/tcp/manager.go buildEntryPointHandler): TLS options are
 * chosen during the handshake, before any routing, so they are mapped to the hosts named in the
 * routers' rules, per entry point. A host named by routers with different options falls back to
 * the `default` options, and each of those routers gets the warning "found different TLS options
 * for routers on the same host <host>, so using the default TLS options instead". A name that no
 * router names gets `default`. A router whose rule names no host contributes nothing (its
 * connections get the options their server name maps to).
 *
 * Differs:
 *  - Hosts come from the compiled rule (`matcher.hosts`), which knows `||`, `!` and `&&`:
 *    ``Host(`a`) || Path(`/x`)`` names no host here, while Traefik's ParseDomains collects
 *    every Host value whatever the operators (and even under `!`).
 *  - Lookups match a one-label wildcard key (`*.example.com` for `a.example.com`) for the
 *    request Host as well as for the server name. Traefik's 421 check looked the Host up
 *    exactly, which let a request for a wildcard host with strict options (mutual TLS) ride a
 *    connection made under another name's weaker options (GHSA-5r4w-85f3-pw66, fixed in 3.7.3);
 *    the same lookup for both sides closes that.
 *  - An exact host beats a wildcard (Traefik ranks the two HostSNI routes by rule length, a tie
 *    for one-letter labels).
 */
import type { Diagnostic } from '../../config/diagnostics.ts';
import type { RuntimeHttpRouter } from '../../config/runtime.ts';
import { qualifyTlsOptions } from '../../pipeline/item-references.ts';
import { itemPath } from '../../pipeline/runtime-items.ts';

/** An enabled HTTP router with `tls`, as the options mapping needs it. */
export interface TlsHttpRouter {
  /** Qualified name `name@provider`. */
  readonly name: string;
  readonly provider: string;
  /** Entry points the router is active on. */
  readonly entryPoints: readonly string[];
  /** `tls.options` as written (qualified here with the router's provider); absent means `default`. */
  readonly options?: string | undefined;
  /** Hosts its rule can only match (`matcher.hosts`: lower-case, `*.suffix` wildcards), or null. */
  readonly hosts: readonly string[] | null;
}

/** The serving HTTP routers that have `tls`, from RuntimeConfig.http.routers. */
export function tlsHttpRouters(routers: ReadonlyMap<string, RuntimeHttpRouter>): TlsHttpRouter[] {
  const out: TlsHttpRouter[] = [];
  for (const router of routers.values()) {
    if (router.status === 'disabled' || router.config?.tls === undefined) continue;
    out.push({
      name: router.name, provider: router.provider, entryPoints: router.using,
      options: router.config.tls.options, hosts: router.matcher?.hosts ?? null,
    });
  }
  return out;
}

/** Host → options on one entry point. */
export interface HostOptions {
  /**
   * The options name for `host` (a server name or a request Host without its port; matched
   * case-insensitively, trailing dots ignored): the exact host, else its one-label wildcard,
   * else `default`.
   */
  lookup(host: string): string;
  /** True when `host` is named (exactly or by wildcard) by some router's rule. */
  names(host: string): boolean;
}

/** The mapping per entry point, and the conflict warnings for the routers concerned. */
export interface HostOptionsByEntryPoint {
  /** The mapping of `entryPoint` (an entry point without HTTPS routers maps every host to `default`). */
  forEntryPoint(entryPoint: string): HostOptions;
  readonly diagnostics: readonly Diagnostic[];
}

const empty: HostOptions = { lookup: () => 'default', names: () => false };

/** Builds the host → options mapping of every entry point the routers use. */
export function mapOptionsByHost(routers: readonly TlsHttpRouter[]): HostOptionsByEntryPoint {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (diagnostic: Diagnostic) => {
    const key = `${diagnostic.resource}\0${diagnostic.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push(diagnostic);
  };

  // entry point → host → options name → routers naming it with those options
  const claims = new Map<string, Map<string, Map<string, string[]>>>();
  for (const router of routers) {
    const options = qualifyTlsOptions(router.options, router.provider);
    const hosts = router.hosts ?? [];
    if (hosts.length === 0 && options !== 'default') {
      add({
        severity: 'warning', code: 'TLS_OPTIONS_WITHOUT_HOST', resource: router.name, path: `${itemPath('http.routers', router.name)}.tls.options`,
        message: `the rule names no host, so the TLS options ${options} are never chosen by a server name; its connections use the options their server name maps to (default when none)`,
      });
    }
    for (const entryPoint of router.entryPoints) {
      let byHost = claims.get(entryPoint);
      if (byHost === undefined) claims.set(entryPoint, byHost = new Map());
      for (const host of hosts) {
        let byOptions = byHost.get(host);
        if (byOptions === undefined) byHost.set(host, byOptions = new Map());
        const names = byOptions.get(options);
        if (names === undefined) byOptions.set(options, [router.name]);
        else if (!names.includes(router.name)) names.push(router.name);
      }
    }
  }

  const byEntryPoint = new Map<string, HostOptions>();
  for (const [entryPoint, byHost] of claims) {
    const table = new Map<string, string>();
    for (const [host, byOptions] of byHost) {
      if (byOptions.size === 1) {
        table.set(host, byOptions.keys().next().value!);
        continue;
      }
      table.set(host, 'default');
      for (const name of [...byOptions.values()].flat().sort()) {
        add({
          severity: 'warning', code: 'TLS_OPTIONS_CONFLICT', resource: name, path: `${itemPath('http.routers', name)}.tls.options`,
          message: `found different TLS options for routers on the same host ${host}, so using the default TLS options instead`,
        });
      }
    }
    byEntryPoint.set(entryPoint, hostOptions(table));
  }
  return { forEntryPoint: (entryPoint) => byEntryPoint.get(entryPoint) ?? empty, diagnostics };
}

function hostOptions(table: ReadonlyMap<string, string>): HostOptions {
  const find = (host: string): string | undefined => {
    const name = normalizeHost(host);
    const exact = table.get(name);
    if (exact !== undefined) return exact;
    const dot = name.indexOf('.');
    return dot < 0 ? undefined : table.get(`*${name.slice(dot)}`);
  };
  return {
    lookup: (host) => find(host) ?? 'default',
    names: (host) => find(host) !== undefined,
  };
}

/** Lower-case, trailing dots removed; allocates only when something changes. */
function normalizeHost(host: string): string {
  let end = host.length;
  while (end > 0 && host.charCodeAt(end - 1) === 46) end--;
  const trimmed = end === host.length ? host : host.slice(0, end);
  return /[A-Z]/.test(trimmed) ? trimmed.toLowerCase() : trimmed;
}
