/**
 * `/api/overview`: item counts per section, the features and the providers enabled in the
 * static configuration [Traefik pkg/api/handler_overview.go].
 */
import type { ItemStatus, RuntimeConfig } from '../config/runtime.ts';
import { hasStaticSection as present, staticField as field } from './static-field.ts';

/** Counts of one section; `errors` are disabled items. */
export interface SectionCounts {
  readonly total: number;
  readonly warnings: number;
  readonly errors: number;
}

function count(items: ReadonlyMap<string, { readonly status: ItemStatus }>): SectionCounts {
  let warnings = 0;
  let errors = 0;
  for (const item of items.values()) {
    if (item.status === 'disabled') errors++;
    else if (item.status === 'warning') warnings++;
  }
  return { total: items.size, warnings, errors };
}

/** Provider sections in the order of Traefik's static `Providers` struct, with its Go field names. */
const PROVIDERS: readonly (readonly [key: string, goName: string])[] = [
  ['docker', 'Docker'], ['swarm', 'Swarm'], ['file', 'File'],
  ['kubernetesIngress', 'KubernetesIngress'], ['kubernetesIngressNGINX', 'KubernetesIngressNGINX'],
  ['kubernetesCRD', 'KubernetesCRD'], ['kubernetesGateway', 'KubernetesGateway'], ['knative', 'Knative'],
  ['rest', 'Rest'], ['consulCatalog', 'ConsulCatalog'], ['nomad', 'Nomad'], ['ecs', 'Ecs'],
  ['consul', 'Consul'], ['etcd', 'Etcd'], ['zooKeeper', 'ZooKeeper'], ['redis', 'Redis'], ['http', 'HTTP'],
];

/** Metrics backends in the order of Traefik's `types.Metrics` struct. */
const METRICS: readonly (readonly [key: string, goName: string])[] = [
  ['prometheus', 'Prometheus'], ['datadog', 'Datadog'], ['statsD', 'StatsD'], ['influxDB2', 'InfluxDB2'],
  ['otlp', 'OTLP'],
];

function providers(staticConfig: unknown): string[] {
  const section = field(staticConfig, 'providers');
  const out = PROVIDERS.filter(([key]) => present(section, key)).map(([, goName]) => goName);
  const plugins = field(section, 'plugin');
  if (typeof plugins === 'object' && plugins !== null) {
    for (const name of Object.keys(plugins)) out.push(`plugin-${name}`);
  }
  return out;
}

function features(staticConfig: unknown): { tracing: string; metrics: string; accessLog: boolean } {
  const metrics = field(staticConfig, 'metrics');
  return {
    // Traefik v3 traces with OpenTelemetry only; an enabled `tracing` section defaults to it.
    tracing: present(staticConfig, 'tracing') ? 'OTLP' : '',
    metrics: METRICS.find(([key]) => present(metrics, key))?.[1] ?? '',
    accessLog: present(staticConfig, 'accessLog'),
  };
}

/** Builds the overview document. `providers` is left out when none is enabled (omitempty). */
export function buildOverview(runtime: RuntimeConfig, staticConfig: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {
    http: {
      routers: count(runtime.http.routers),
      services: count(runtime.http.services),
      middlewares: count(runtime.http.middlewares),
    },
    tcp: {
      routers: count(runtime.tcp.routers),
      services: count(runtime.tcp.services),
      middlewares: count(runtime.tcp.middlewares),
    },
    udp: {
      routers: count(runtime.udp.routers),
      services: count(runtime.udp.services),
    },
    features: features(staticConfig),
  };
  const names = providers(staticConfig);
  if (names.length > 0) out['providers'] = names;
  return out;
}
