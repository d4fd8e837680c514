/**
 * Which server names the HTTPS routers of each entry point claim, for the TLS routing order
 * (reference §1.4): an HTTPS router whose Host names the SNI beats a TCP TLS router naming it,
 * and HTTPS routers that take any host (no Host in the rule) come after TCP routers with a
 * specific SNI. Traefik builds the same thing as one HostSNI route per Host of each HTTPS router.
 */
import type { RuntimeConfig } from '../config/runtime.ts';

export interface HttpsHosts {
  readonly hasHttpsRouters: boolean;
  httpsFor(serverName: string): 'specific' | 'catchAll' | 'none';
}

const none: HttpsHosts = { hasHttpsRouters: false, httpsFor: () => 'none' };

/** Per entry point: the hosts its enabled HTTPS routers name. */
export function httpsHostsByEntryPoint(runtime: RuntimeConfig): ReadonlyMap<string, HttpsHosts> {
  const collected = new Map<string, { exact: Set<string>; wildcards: Set<string>; catchAll: boolean }>();
  for (const router of runtime.http.routers.values()) {
    if (router.status === 'disabled' || router.matcher === null || router.config?.tls === undefined) continue;
    for (const ep of router.using) {
      let c = collected.get(ep);
      if (c === undefined) collected.set(ep, (c = { exact: new Set(), wildcards: new Set(), catchAll: false }));
      const hosts = router.matcher.hosts;
      if (hosts === null) {
        c.catchAll = true;
        continue;
      }
      for (const h of hosts) {
        if (h.startsWith('*.')) c.wildcards.add(h.slice(1));
        else c.exact.add(h);
      }
    }
  }
  const out = new Map<string, HttpsHosts>();
  for (const [ep, c] of collected) {
    out.set(ep, {
      hasHttpsRouters: true,
      httpsFor(serverName) {
        if (serverName !== '') {
          if (c.exact.has(serverName)) return 'specific';
          const dot = serverName.indexOf('.');
          if (dot > 0 && c.wildcards.has(serverName.slice(dot))) return 'specific';
        }
        return c.catchAll ? 'catchAll' : 'none';
      },
    });
  }
  return out;
}

/** The HTTPS hosts of an entry point with no HTTPS router. */
export const noHttpsHosts: HttpsHosts = none;
