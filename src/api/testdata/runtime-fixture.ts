/**
 * Test support: a RuntimeConfig built by hand from `dynamic.yml` (parsed by the real parser),
 * with the statuses, errors and usage a resolver would give it, plus the static configuration,
 * entry points and live views the API reads.
 */
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../config/diagnostics.ts';
import type { ItemSection, RejectedItem } from '../../config/dynamic.ts';
import { parseDynamicFile } from '../../config/parse-dynamic-file.ts';
import type {
  ItemStatus, LiveViews, RuntimeConfig, RuntimeHttpRouter, RuntimeItem, RuntimeTcpRouter, RuntimeUdpRouter,
  ServerStatus,
} from '../../config/runtime.ts';
import type { ApiDeps } from '../api-handler.ts';

const PROVIDER = 'file';
const qualify = (name: string): string => (name.includes('@') ? name : `${name}@${PROVIDER}`);

/** What the resolver would have decided about an item. */
interface Resolution {
  readonly status?: ItemStatus;
  readonly errors?: string[];
  readonly diagnostics?: Diagnostic[];
  readonly usedBy?: string[];
  readonly using?: string[];
}

const RESOLUTIONS: Readonly<Record<string, Resolution>> = {
  'http.routers.api': { using: ['websecure'] },
  'http.routers.web': { status: 'warning', errors: ['entryPoint "nope" doesn\'t exist'], using: ['web'] },
  'http.routers.legacy': {
    status: 'disabled',
    errors: ['the service "gone@file" does not exist'],
    diagnostics: [{
      severity: 'error', code: 'ROUTER_SERVICE_NOT_FOUND', resource: 'legacy@file', path: 'http.routers.legacy.service',
      source: { file: 'dynamic.yml', line: 16, column: 16 }, message: 'the service "gone@file" does not exist',
    }],
  },
  'http.services.api': { usedBy: ['web@file', 'api@file', 'shadow@file'] },
  'http.services.web': { usedBy: ['web@file'] },
  'http.services.web-v2': { usedBy: ['web@file', 'shadow@file'] },
  'http.services.shadow': {},
  'http.middlewares.auth': { usedBy: ['api@file'] },
  'http.middlewares.strip': { usedBy: ['api@file'] },
  'tcp.routers.db': { using: ['websecure'] },
  'tcp.services.db': { usedBy: ['db@file'] },
  'udp.routers.dns': { using: ['dns'] },
  'udp.services.dns': { usedBy: ['dns@file'] },
};

function item<T>(section: ItemSection, name: string, config: T | null, raw: unknown, rejected?: RejectedItem):
  RuntimeItem<T> {
  const resolution = RESOLUTIONS[`${section}.${name}`] ?? {};
  const diagnostics = rejected?.diagnostics ?? resolution.diagnostics ?? [];
  return {
    name: qualify(name),
    provider: PROVIDER,
    config,
    raw,
    status: rejected !== undefined ? 'disabled' : resolution.status ?? 'enabled',
    errors: rejected !== undefined ? diagnostics.map((d) => d.message) : resolution.errors ?? [],
    diagnostics,
    usedBy: resolution.usedBy ?? [],
  };
}

function collect<T, R>(
  section: ItemSection, valid: Readonly<Record<string, T>>, rejected: readonly RejectedItem[],
  extend: (base: RuntimeItem<T>, name: string) => R,
): Map<string, R> {
  const out = new Map<string, R>();
  for (const [name, config] of Object.entries(valid)) {
    out.set(qualify(name), extend(item(section, name, config, config), name));
  }
  for (const reject of rejected.filter((r) => r.section === section)) {
    out.set(qualify(reject.name), extend(item<T>(section, reject.name, null, reject.raw, reject), reject.name));
  }
  return out;
}

/** The fixture RuntimeConfig. */
export function loadRuntimeFixture(): RuntimeConfig {
  const text = readFileSync(new URL('./dynamic.yml', import.meta.url), 'utf8');
  const parsed = parseDynamicFile(text, 'dynamic.yml');
  assert.ok(parsed.ok, 'the fixture file parses');
  const { config, rejected } = parsed;
  const using = (section: ItemSection, name: string): string[] => RESOLUTIONS[`${section}.${name}`]?.using ?? [];
  const httpRouters = collect('http.routers', config.http.routers, rejected, (base, name): RuntimeHttpRouter => ({
    ...base,
    using: using('http.routers', name),
    priority: base.config === null ? 0 : base.config.priority || (base.config.rule ?? '').length,
    service: qualify(base.config?.service ?? ''),
    middlewares: (base.config?.middlewares ?? []).map(qualify),
    matcher: null,
    precedence: 0,
  }));
  const tcpRouters = collect('tcp.routers', config.tcp.routers, rejected, (base, name): RuntimeTcpRouter => ({
    ...base,
    using: using('tcp.routers', name),
    priority: base.config === null ? 0 : base.config.priority || (base.config.rule ?? '').length,
    service: qualify(base.config?.service ?? ''),
    middlewares: (base.config?.middlewares ?? []).map(qualify),
    matcher: null,
    precedence: 0,
  }));
  const udpRouters = collect('udp.routers', config.udp.routers, rejected, (base, name): RuntimeUdpRouter => ({
    ...base,
    using: using('udp.routers', name),
    service: qualify(base.config?.service ?? ''),
  }));
  const same = <T>(base: RuntimeItem<T>): RuntimeItem<T> => base;
  return {
    http: {
      routers: httpRouters,
      services: collect('http.services', config.http.services, rejected, same),
      middlewares: collect('http.middlewares', config.http.middlewares, rejected, same),
      serversTransports: new Map(),
    },
    tcp: {
      routers: tcpRouters,
      services: collect('tcp.services', config.tcp.services, rejected, same),
      middlewares: collect('tcp.middlewares', config.tcp.middlewares, rejected, same),
      serversTransports: new Map(),
    },
    udp: {
      routers: udpRouters,
      services: collect('udp.services', config.udp.services, rejected, same),
    },
    tls: config.tls,
    diagnostics: [{
      severity: 'warning', code: 'CONFIG_TEMPLATE_UNSUPPORTED', resource: 'templated.yml', path: '',
      source: { file: 'templated.yml', line: 3, column: 9 },
      message: 'Go templates ({{ … }}) are not supported by Switchyard',
    }],
  };
}

const SERVER_STATUS: Readonly<Record<string, Readonly<Record<string, ServerStatus>>>> = {
  'api@file': { 'http://10.0.0.1:8080': 'UP', 'http://10.0.0.2:8080': 'DOWN' },
  'web-v2@file': { 'http://10.0.0.3': 'UP' },
};

/** Live views answering from a fixed table. */
export const fixtureLiveViews: LiveViews = {
  serverStatus: (serviceName) => SERVER_STATUS[serviceName],
};

/** The static configuration as a user wrote it. */
export const fixtureStaticConfig = {
  entryPoints: {
    web: { address: ':80' },
    websecure: { address: ':443', http: { tls: {} } },
    dns: { address: ':53/udp' },
    traefik: { address: ':8080', transport: { respondingTimeouts: { readTimeout: 60_000, idleTimeout: 180_000 } } },
  },
  providers: { file: { directory: '/etc/switchyard' }, kubernetesCRD: {} },
  api: { dashboard: true, disableDashboardAd: true },
  accessLog: {},
  metrics: { prometheus: {} },
};

/** API deps over the fixture; `overrides` replaces any of them. */
export function fixtureApiDeps(overrides: Partial<ApiDeps> = {}): ApiDeps {
  const runtime = loadRuntimeFixture();
  return {
    getRuntime: () => runtime,
    getStatic: () => fixtureStaticConfig,
    entryPoints: () => Object.entries(fixtureStaticConfig.entryPoints).map(([name, config]) => ({ name, config })),
    live: fixtureLiveViews,
    version: { version: '0.1.0', codename: 'switchyard', startDate: new Date('2026-07-24T10:00:00.250Z') },
    ...overrides,
  };
}
