/**
 * The setups bench/sticky.ts compares: each proxy once with round robin (its reference) and
 * once with sticky sessions by cookie, configured as its users write it.
 */
import { launchCaddy, launchHaproxy, launchNginx, launchSwitchyard } from './contenders.ts';
import type { ContenderDeps, LaunchedProxy } from './contenders.ts';
import { caddyfile, haproxyConfig, nginxProxyConfig, ROUND_ROBIN } from './proxy-configs.ts';
import type { Balancing } from './proxy-configs.ts';
import type { Tool } from './tools.ts';
import { traefikDynamicConfig } from './traefik-config.ts';

/** The sticky cookie's name, the same for every proxy (nginx reads it as `$cookie_srv`). */
export const STICKY_COOKIE = 'srv';

export const STICKY: Balancing = { kind: 'sticky-cookie', cookie: STICKY_COOKIE };

export const STICKY_PROXIES = ['nginx', 'haproxy', 'caddy', 'switchyard'] as const;

export type StickyProxy = (typeof STICKY_PROXIES)[number];

export function isStickyProxy(name: string): name is StickyProxy {
  return (STICKY_PROXIES as readonly string[]).includes(name);
}

/** One proxy in one balancing mode. */
export interface StickySetup {
  /** `haproxy-sticky`, `switchyard-round-robin`: the process name and the measurement key. */
  readonly key: string;
  readonly proxy: StickyProxy;
  readonly balancing: Balancing;
  /** `HAProxy`. */
  readonly proxyLabel: string;
  /** What the configuration says, in the product's words: `cookie srv insert indirect nocache`. */
  readonly balancingLabel: string;
  /**
   * Whether the proxy itself sets the cookie on a response to a client without it. nginx OSS
   * cannot: its sticky setup only hashes a cookie the client brings.
   */
  readonly insertsCookie: boolean;
}

const PROXY_LABELS: Record<StickyProxy, string> = {
  nginx: 'nginx',
  haproxy: 'HAProxy',
  caddy: 'Caddy',
  switchyard: 'Switchyard',
};

const STICKY_LABELS: Record<StickyProxy, string> = {
  nginx: `hash $cookie_${STICKY_COOKIE} consistent (no insertion)`,
  haproxy: `cookie ${STICKY_COOKIE} insert indirect nocache`,
  caddy: `lb_policy cookie ${STICKY_COOKIE}`,
  switchyard: `sticky.cookie.name: ${STICKY_COOKIE}`,
};

/** Round robin, then sticky, for each proxy in `proxies` (in STICKY_PROXIES order). */
export function stickySetups(proxies: readonly StickyProxy[]): StickySetup[] {
  return STICKY_PROXIES.filter((proxy) => proxies.includes(proxy)).flatMap((proxy): StickySetup[] => [
    {
      key: `${proxy}-round-robin`,
      proxy,
      balancing: ROUND_ROBIN,
      proxyLabel: PROXY_LABELS[proxy],
      balancingLabel: 'round robin',
      insertsCookie: false,
    },
    {
      key: `${proxy}-sticky`,
      proxy,
      balancing: STICKY,
      proxyLabel: PROXY_LABELS[proxy],
      balancingLabel: STICKY_LABELS[proxy],
      insertsCookie: proxy !== 'nginx',
    },
  ]);
}

/** Tools the setups of `proxies` need (beyond the rig's own). */
export function stickyTools(proxies: readonly StickyProxy[]): Tool[] {
  return proxies.flatMap((proxy): Tool[] => (proxy === 'switchyard' ? [] : [proxy]));
}

/** Starts `setup` on the proxy core; Switchyard gets `deps.routerCount` host routers. */
export function launchSetup(deps: ContenderDeps, setup: StickySetup): Promise<LaunchedProxy> {
  const { key, balancing, proxy } = setup;
  switch (proxy) {
    case 'nginx':
      return launchNginx(deps, key, (port) => nginxProxyConfig(deps.workdir, port, deps.origins, balancing, key));
    case 'haproxy':
      return launchHaproxy(deps, key, (port) => haproxyConfig(port, deps.origins, balancing));
    case 'caddy':
      return launchCaddy(deps, key, (port) => caddyfile(port, deps.origins, balancing));
    case 'switchyard':
      return launchSwitchyard(deps, key, traefikDynamicConfig(deps.routerCount, deps.origins, balancing));
    default: {
      const unreachable: never = proxy;
      throw new Error(`unknown proxy ${String(unreachable)}`);
    }
  }
}

/** How the load's clients behave: every request without the cookie, or each with the one it got. */
export const CLIENT_BEHAVIOURS = ['no-cookie', 'cookie'] as const;

export type ClientBehaviour = (typeof CLIENT_BEHAVIOURS)[number];

/** The key of a setup's measurements under one client behaviour. */
export function measurementKey(setup: StickySetup, behaviour: ClientBehaviour): string {
  return `${setup.key}/${behaviour}`;
}
