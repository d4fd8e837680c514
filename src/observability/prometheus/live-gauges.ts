/**
 * Gauges and counters read from live state at scrape time rather than recorded per event:
 * server health (`traefik_service_server_up` and Switchyard's draining, affinity and mirror
 * metrics), open connections, certificate expiry and a few `process_*` facts. Each refresh
 * replaces the families' series, so an item that left the configuration leaves them at once.
 */
import type { LiveViews } from '../../config/runtime.ts';
import { certificateExpiries, type CertificateExpiry } from './certificate-expiry.ts';
import type { MetricRegistry } from './metric-registry.ts';

/** Open connections on one entry point (`protocol` as Traefik labels it). */
export interface OpenConnections {
  readonly entryPoint: string;
  readonly protocol: 'TCP' | 'UDP';
  readonly count: number;
}

export interface LiveGaugeSources {
  /** Qualified names of the HTTP services of the current configuration. */
  readonly services: () => Iterable<string>;
  readonly live: LiveViews;
  /** `addServicesLabels`: the service-labelled metrics exist only with it, as Traefik's do. */
  readonly servicesEnabled: boolean;
  readonly openConnections: () => Iterable<OpenConnections>;
  /** The certificates served (PEM, chain included). */
  readonly certificates?: () => Iterable<string>;
}

export interface LiveGauges {
  /** Reads the sources again; call just before rendering. */
  refresh(): void;
}

export function createLiveGauges(registry: MetricRegistry, sources: LiveGaugeSources): LiveGauges {
  const openConnections = registry.gauge('traefik_open_connections', 'How many open connections exist, by entryPoint and protocol', ['entrypoint', 'protocol']);
  const certsNotAfter = registry.gauge('traefik_tls_certs_not_after', 'Certificate expiration timestamp', ['cn', 'serial', 'sans']);
  const cpu = registry.counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', []);
  const rss = registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', []);
  const startTime = registry.gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', []);
  startTime.series([]).value = Date.now() / 1000 - process.uptime();

  const services = sources.servicesEnabled ? {
    serverUp: registry.gauge('traefik_service_server_up', 'service server is up, described by gauge value of 0 or 1.', ['service', 'url']),
    draining: registry.gauge('switchyard_service_server_draining',
      'Server takes no new clients and keeps the ones it has (weight 0 or a terminating endpoint), 0 or 1.', ['service', 'url']),
    affinity: registry.gauge('switchyard_service_affinity_entries', 'Client-IP affinity entries held by a loadBalancer service.', ['service']),
    mirrorRequests: registry.counter('switchyard_service_mirror_requests_total',
      'Requests sent to a mirror, by how they ended (completed, aborted, failed) or skipped for their size; reset when the configuration reloads.',
      ['service', 'mirror', 'result']),
    mirrorCompared: registry.counter('switchyard_service_mirror_compare_total',
      'Mirror responses compared with the primary response (0 unless the mirror has compare); reset when the configuration reloads.', ['service', 'mirror']),
    mirrorMismatches: registry.counter('switchyard_service_mirror_mismatches_total',
      'Compared mirror responses whose status or body differed from the primary response; reset when the configuration reloads.',
      ['service', 'mirror', 'kind']),
  } : null;

  /** Parsed certificates by PEM text, kept while they are served. */
  let parsed = new Map<string, CertificateExpiry[]>();

  return {
    refresh() {
      openConnections.clear();
      for (const c of sources.openConnections()) openConnections.series([c.entryPoint, c.protocol]).value = c.count;

      certsNotAfter.clear();
      if (sources.certificates !== undefined) {
        const next = new Map<string, CertificateExpiry[]>();
        for (const pem of sources.certificates()) {
          const expiries = parsed.get(pem) ?? next.get(pem) ?? certificateExpiries(pem);
          next.set(pem, expiries);
          for (const e of expiries) certsNotAfter.series([e.cn, e.serial, e.sans]).value = e.notAfter;
        }
        parsed = next;
      }

      const usage = process.cpuUsage();
      cpu.series([]).value = (usage.user + usage.system) / 1e6;
      rss.series([]).value = process.memoryUsage.rss();

      if (services === null) return;
      for (const f of Object.values(services)) f.clear();
      for (const name of sources.services()) {
        const status = sources.live.serverStatus(name);
        if (status !== undefined) {
          for (const [url, s] of Object.entries(status)) {
            // Draining servers are up: they serve the clients they have (Traefik has no draining).
            services.serverUp.series([name, url]).value = s === 'DOWN' ? 0 : 1;
            services.draining.series([name, url]).value = s === 'DRAINING' ? 1 : 0;
          }
        }
        const details = sources.live.serviceDetails?.(name);
        if (details === undefined) continue;
        if (typeof details.affinityEntries === 'number') services.affinity.series([name]).value = details.affinityEntries;
        for (const m of mirrorStats(details.mirrors)) {
          services.mirrorRequests.series([name, m.name, 'completed']).value = m.completed;
          services.mirrorRequests.series([name, m.name, 'aborted']).value = m.aborted;
          services.mirrorRequests.series([name, m.name, 'failed']).value = m.failed;
          services.mirrorRequests.series([name, m.name, 'skipped']).value = m.skipped;
          services.mirrorCompared.series([name, m.name]).value = m.compared;
          services.mirrorMismatches.series([name, m.name, 'status']).value = m.statusMismatches;
          services.mirrorMismatches.series([name, m.name, 'body']).value = m.bodyMismatches;
        }
      }
    },
  };
}

interface MirrorCounts {
  readonly name: string;
  readonly completed: number;
  readonly aborted: number;
  readonly failed: number;
  readonly skipped: number;
  readonly compared: number;
  readonly statusMismatches: number;
  readonly bodyMismatches: number;
}

/** The mirrors of a mirroring service's details (services/mirroring/mirror-stats.ts shape). */
function mirrorStats(value: unknown): MirrorCounts[] {
  if (!Array.isArray(value)) return [];
  const out: MirrorCounts[] = [];
  for (const m of value as unknown[]) {
    if (typeof m !== 'object' || m === null) continue;
    const r = m as Record<string, unknown>;
    if (typeof r.name !== 'string') continue;
    const n = (k: string): number => (typeof r[k] === 'number' ? r[k] : 0);
    out.push({
      name: r.name,
      completed: n('completed'), aborted: n('aborted'), failed: n('failed'), skipped: n('skipped'),
      compared: n('compared'), statusMismatches: n('statusMismatches'), bodyMismatches: n('bodyMismatches'),
    });
  }
  return out;
}
