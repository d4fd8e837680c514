/**
 * The contenders: each is a proxy doing round robin over the two origins on one port, pinned
 * to the proxy core with one worker — except `direct`, which is wrk straight to origin `a`
 * (the ceiling of the test rig itself). The `launch*` functions start a proxy with any
 * configuration text; sticky-setups.ts uses them for its sticky and round-robin pairs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getFreePort } from './free-port.ts';
import { originsSeen, waitUntilServing } from './http-probe.ts';
import { caddyfile, haproxyConfig, nginxProxyConfig } from './proxy-configs.ts';
import type { OriginAddress } from './proxy-configs.ts';
import { BODY_SIZES, bodyPath } from './scenarios.ts';
import type { Supervised, Supervisor } from './supervisor.ts';
import type { Tool, ToolPaths } from './tools.ts';
import { BENCH_HOST, traefikDynamicConfig, traefikStaticConfig } from './traefik-config.ts';

export const CONTENDER_NAMES = ['direct', 'nginx', 'haproxy', 'caddy', 'bare-relay', 'switchyard', 'switchyard-raw'] as const;

export type ContenderName = (typeof CONTENDER_NAMES)[number];

/** What a contender needs to start. */
export interface ContenderDeps {
  readonly supervisor: Supervisor;
  readonly workdir: string;
  readonly tools: ToolPaths;
  readonly origins: readonly OriginAddress[];
  /** The core every proxy is pinned to. */
  readonly cpu: number;
  /** The pinned Node 24 runtime (node_modules/node/bin/node). */
  readonly node: string;
  readonly repoRoot: string;
  /** The Switchyard launcher (bin/switchyard unless overridden). */
  readonly switchyardBin: string;
  /** Host routers in Switchyard's dynamic configuration (999 decoys + the benchmarked one). */
  readonly routerCount: number;
}

/** A started contender. */
export interface RunningContender {
  readonly name: ContenderName;
  readonly port: number;
  /** The proxy process (whose tree's RSS is reported); undefined for `direct`. */
  readonly process: Supervised | undefined;
}

export interface Contender {
  readonly name: ContenderName;
  /** Display name in reports. */
  readonly label: string;
  readonly tools: readonly Tool[];
  /** Resolves once the contender answers and, for proxies, alternates between both origins. */
  start(deps: ContenderDeps): Promise<RunningContender>;
}

export const READY_TIMEOUT_MS = 15_000;

/** Switchyard builds its whole routing table before it listens; give it longer. */
export const SWITCHYARD_READY_TIMEOUT_MS = 60_000;

async function ready(
  name: ContenderName,
  port: number,
  child: Supervised,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<RunningContender> {
  const path = bodyPath(BODY_SIZES[0]);
  await waitUntilServing(port, path, BENCH_HOST, child, timeoutMs);
  const seen = await originsSeen(port, path, BENCH_HOST, BODY_SIZES[0]);
  if (!(seen.has('a') && seen.has('b'))) {
    throw new Error(`${name} does not alternate between the origins (4 requests reached: ${[...seen].join(', ')})`);
  }
  return { name, port, process: child };
}

function toolPath(deps: ContenderDeps, tool: Tool): string {
  const path = deps.tools[tool];
  if (path === undefined) throw new Error(`${tool} is not installed`);
  return path;
}

/** A proxy process started on a free port, not checked yet. */
export interface LaunchedProxy {
  readonly port: number;
  readonly child: Supervised;
}

/**
 * Starts nginx as a proxy with the configuration `config(port)` (nginxProxyConfig, named
 * `name` so that two nginx proxies can share the work folder).
 */
export async function launchNginx(deps: ContenderDeps, name: string, config: (port: number) => string): Promise<LaunchedProxy> {
  const port = await getFreePort();
  const file = join(deps.workdir, `${name}.conf`);
  writeFileSync(file, config(port));
  const child = deps.supervisor.spawn(
    name,
    toolPath(deps, 'nginx'),
    ['-p', `${deps.workdir}/`, '-c', file, '-e', join(deps.workdir, `${name}.error.log`)],
    { cpu: deps.cpu },
  );
  return { port, child };
}

/** Starts HAProxy with the configuration `config(port)`, written to `<name>.cfg`. */
export async function launchHaproxy(deps: ContenderDeps, name: string, config: (port: number) => string): Promise<LaunchedProxy> {
  const port = await getFreePort();
  const file = join(deps.workdir, `${name}.cfg`);
  writeFileSync(file, config(port));
  // -db: stay in the foreground, no master process.
  const child = deps.supervisor.spawn(name, toolPath(deps, 'haproxy'), ['-db', '-f', file], { cpu: deps.cpu });
  return { port, child };
}

/** Starts Caddy with the Caddyfile `config(port)`, written to `<name>.Caddyfile`. */
export async function launchCaddy(deps: ContenderDeps, name: string, config: (port: number) => string): Promise<LaunchedProxy> {
  const port = await getFreePort();
  const file = join(deps.workdir, `${name}.Caddyfile`);
  writeFileSync(file, config(port));
  const child = deps.supervisor.spawn(name, toolPath(deps, 'caddy'), ['run', '--config', file, '--adapter', 'caddyfile'], {
    cpu: deps.cpu,
    // Caddy keeps state under $HOME/XDG folders; keep it inside the work folder.
    env: {
      GOMAXPROCS: '1',
      HOME: deps.workdir,
      XDG_DATA_HOME: join(deps.workdir, `${name}-data`),
      XDG_CONFIG_HOME: join(deps.workdir, `${name}-config`),
    },
  });
  return { port, child };
}

/**
 * Starts Switchyard (as `name`) with the Traefik dynamic configuration `dynamic` (see
 * traefik-config.ts) and a static one that points the file provider at it.
 */
export async function launchSwitchyard(
  deps: ContenderDeps, name: string, dynamic: string, env: Readonly<Record<string, string>> = {},
): Promise<LaunchedProxy> {
  const port = await getFreePort();
  const dynamicFile = join(deps.workdir, `${name}-dynamic.yml`);
  const staticFile = join(deps.workdir, `${name}-static.yml`);
  writeFileSync(dynamicFile, dynamic);
  writeFileSync(staticFile, traefikStaticConfig(port, dynamicFile));
  const child = deps.supervisor.spawn(name, deps.switchyardBin, [`--configFile=${staticFile}`], {
    cpu: deps.cpu,
    cwd: deps.repoRoot,
    env,
  });
  return { port, child };
}

/**
 * Starts Switchyard with a routing table of `routerCount` host routers. Shared with
 * routing-scale.ts, which starts it twice with different counts.
 */
export async function startSwitchyard(deps: ContenderDeps, routerCount: number, tag = ''): Promise<RunningContender> {
  const { port, child } = await launchSwitchyard(deps, `switchyard${tag}`, traefikDynamicConfig(routerCount, deps.origins), nodeEngines);
  return ready('switchyard', port, child, SWITCHYARD_READY_TIMEOUT_MS);
}

/** The default engines (node:http downstream, undici upstream), whatever the caller's environment says. */
const nodeEngines: Readonly<Record<string, string>> = { SWITCHYARD_ENGINE: 'node', SWITCHYARD_UPSTREAM_ENGINE: 'undici' };
/** The raw-socket HTTP/1.1 engines on both sides (docs/http1-engine.md). */
const rawEngines: Readonly<Record<string, string>> = { SWITCHYARD_ENGINE: 'raw', SWITCHYARD_UPSTREAM_ENGINE: 'raw' };

const contenders: Record<ContenderName, Contender> = {
  direct: {
    name: 'direct',
    label: 'direct (no proxy)',
    tools: [],
    async start(deps) {
      const origin = deps.origins[0]!;
      await waitUntilServing(origin.port, bodyPath(BODY_SIZES[0]), BENCH_HOST, undefined, READY_TIMEOUT_MS);
      return { name: 'direct', port: origin.port, process: undefined };
    },
  },
  nginx: {
    name: 'nginx',
    label: 'nginx',
    tools: ['nginx'],
    async start(deps) {
      const { port, child } = await launchNginx(deps, 'nginx', (p) => nginxProxyConfig(deps.workdir, p, deps.origins));
      return ready('nginx', port, child);
    },
  },
  haproxy: {
    name: 'haproxy',
    label: 'HAProxy',
    tools: ['haproxy'],
    async start(deps) {
      const { port, child } = await launchHaproxy(deps, 'haproxy', (p) => haproxyConfig(p, deps.origins));
      return ready('haproxy', port, child);
    },
  },
  caddy: {
    name: 'caddy',
    label: 'Caddy',
    tools: ['caddy'],
    async start(deps) {
      const { port, child } = await launchCaddy(deps, 'caddy', (p) => caddyfile(p, deps.origins));
      return ready('caddy', port, child);
    },
  },
  'bare-relay': {
    name: 'bare-relay',
    label: 'bare relay (node:http + undici)',
    tools: [],
    async start(deps) {
      const port = await getFreePort();
      const servers = deps.origins.map((o) => `http://127.0.0.1:${o.port}`);
      const child = deps.supervisor.spawn(
        'bare-relay',
        deps.node,
        [join(deps.repoRoot, 'bench', 'bare-relay.ts'), String(port), ...servers],
        { cpu: deps.cpu, cwd: deps.repoRoot },
      );
      return ready('bare-relay', port, child);
    },
  },
  switchyard: {
    name: 'switchyard',
    label: 'Switchyard',
    tools: [],
    start: (deps) => startSwitchyard(deps, deps.routerCount),
  },
  'switchyard-raw': {
    name: 'switchyard-raw',
    label: 'Switchyard (raw engine)',
    tools: [],
    start: async (deps) => {
      const { port, child } = await launchSwitchyard(deps, 'switchyard-raw', traefikDynamicConfig(deps.routerCount, deps.origins), rawEngines);
      return ready('switchyard-raw', port, child, SWITCHYARD_READY_TIMEOUT_MS);
    },
  },
};

/** The contender called `name`. */
export function contender(name: ContenderName): Contender {
  return contenders[name];
}

export function isContenderName(name: string): name is ContenderName {
  return (CONTENDER_NAMES as readonly string[]).includes(name);
}
