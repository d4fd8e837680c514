/**
 * The per-worker parts of the API's service details (`switchyard` under
 * `/api/http/services/<name>`): client-IP affinity entries and mirror counters live in the
 * worker that served the traffic. Workers export those parts; the control plane adds them to
 * its own details, which hold everything else (statuses, weights, health history).
 */
import type { BuiltService } from '../../services/built-service.ts';
import { recentMismatchesKept, type MirrorMismatch, type MirrorStats } from '../../services/mirroring/mirror-stats.ts';
import type { WorkerStatistics } from './process-role.ts';

/** A service's details as exported by one worker: only the parts that are per worker. */
export type WorkerServiceDetails = Readonly<Record<string, unknown>>;

/** The counters a mirror's numbers add up over workers. */
const mirrorCounters = ['sent', 'completed', 'aborted', 'failed', 'skipped', 'compared', 'statusMismatches', 'bodyMismatches'] as const;

/** The per-worker parts of every service's details that has some. */
export function exportServiceDetails(services: ReadonlyMap<string, BuiltService> | undefined): Map<string, WorkerServiceDetails> {
  const out = new Map<string, WorkerServiceDetails>();
  for (const [name, service] of services ?? []) {
    const details = service.details?.();
    if (details === undefined) continue;
    const part: Record<string, unknown> = {};
    if (typeof details.affinityEntries === 'number') part.affinityEntries = details.affinityEntries;
    if (Array.isArray(details.mirrors)) part.mirrors = details.mirrors;
    if (Object.keys(part).length > 0) out.set(name, part);
  }
  return out;
}

/**
 * The control plane's details of `service` with the workers' parts added: affinity entries and
 * mirror counters summed, the mean latency delta weighted by comparisons, the latest mismatches kept.
 */
export function addWorkerDetails(own: Readonly<Record<string, unknown>>, service: string, statistics: readonly WorkerStatistics[]): Readonly<Record<string, unknown>> {
  const workers = statistics.flatMap((s) => {
    const part = s.details?.get(service);
    return part === undefined ? [] : [part];
  });
  if (workers.length === 0) return own;
  const out: Record<string, unknown> = { ...own };
  if (typeof own.affinityEntries === 'number') {
    out.affinityEntries = workers.reduce((sum, w) => sum + (typeof w.affinityEntries === 'number' ? w.affinityEntries : 0), own.affinityEntries);
  }
  if (Array.isArray(own.mirrors)) {
    out.mirrors = (own.mirrors as MirrorStats[]).map((mirror) => {
      const all = [mirror, ...workers.flatMap((w) => (Array.isArray(w.mirrors) ? (w.mirrors as MirrorStats[]).filter((m) => m.name === mirror.name) : []))];
      const sum: Record<string, unknown> = { ...mirror };
      for (const key of mirrorCounters) sum[key] = all.reduce((n, m) => n + m[key], 0);
      const compared = sum.compared as number;
      sum.meanLatencyDeltaMs = compared === 0 ? 0 : all.reduce((n, m) => n + m.meanLatencyDeltaMs * m.compared, 0) / compared;
      const recent: MirrorMismatch[] = all.flatMap((m) => m.recent).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      sum.recent = recent.slice(-recentMismatchesKept);
      return sum;
    });
  }
  return out;
}
