/**
 * What runSwitchyard does differently when Switchyard runs as several processes (`workers` > 1,
 * docs/workers.md): one control plane runs the providers, health checks, ACME and the API and
 * serves no TCP entry point; worker processes serve every TCP entry point (each binding them
 * with SO_REUSEPORT) and route from the snapshots the control plane ships them.
 *
 * Both run the same runSwitchyard: merge, resolve and build are the same code on the same
 * snapshots, so every process computes the same routing state. These are the seams where the
 * two roles differ; the machinery behind them lives in this folder.
 */
import type { Snapshot } from '../../config/snapshot.ts';
import type { Handler } from '../../lib/exchange.ts';
import type { LiveStatsState } from '../../observability/live-stats/live-stats-state.ts';
import type { MetricFamilyState } from '../../observability/prometheus/metric-state.ts';
import type { HealthRegistry } from '../../services/health/server-health.ts';
import type { AcmeCertificate } from '../acme/acme-manager.ts';
import type { WorkerServiceDetails } from './service-details.ts';

/** A worker's statistics, exported for the control plane to add up. */
export interface WorkerStatistics {
  readonly liveStats: LiveStatsState;
  /** The per-worker parts of services' API details (service-details.ts); null when not asked for. */
  readonly details: ReadonlyMap<string, WorkerServiceDetails> | null;
  /** Null when `metrics.prometheus` is off, or when not asked for (only a scrape asks). */
  readonly metrics: readonly MetricFamilyState[] | null;
}

/**
 * What a worker's statistics are wanted for: the periodic push (live statistics only), an API
 * request (with the services' details) or a scrape (with the metrics too, whose removed items'
 * series are then dropped: scraped once more, then forgotten).
 */
export type StatisticsPurpose = 'push' | 'api' | 'scrape';

/** The control plane's side. */
export interface ControlPlaneRole {
  readonly kind: 'control-plane';
  /** Where the TCP entry points listen: the workers serve them (bound before this runs). */
  readonly tcpListening: ReadonlyMap<string, { readonly host: string; readonly port: number }>;
  /** The health registry; every transition in it is sent to every worker. */
  readonly health: HealthRegistry;
  /** Sends one applied set of snapshots, and the certificates ACME holds, to every worker. */
  shipConfiguration(snapshots: ReadonlyMap<string, Snapshot>, certificates: readonly AcmeCertificate[]): void;
  /**
   * Runs `log` once every worker has handled everything sent to it so far: a line that says
   * "configuration applied" or "server health changed" is then true of every worker.
   */
  announce(log: () => void): void;
  /** The latest statistics of every worker. */
  workerStatistics(): readonly WorkerStatistics[];
  /** Endpoints added below `/api/` (`workers`). */
  readonly apiExtensions: ReadonlyMap<string, Handler>;
  /** Receives the handlers that answer the requests workers forward (api@internal, …). */
  serveInternal(handlers: ReadonlyMap<string, Handler>): void;
}

/** A worker process's side. */
export interface WorkerRole {
  readonly kind: 'worker';
  /** The health registry, following the control plane (local transitions are reported to it). */
  readonly health: HealthRegistry;
  /**
   * Replaces the providers: calls `apply` with each set of snapshots the control plane ships,
   * in order, until stopped.
   */
  feed(apply: (snapshots: ReadonlyMap<string, Snapshot>) => void): { run(signal: AbortSignal): Promise<void>; dispose(): void };
  /** The certificates ACME holds, as last shipped. */
  certificates(): readonly AcmeCertificate[];
  /** A handler that has the control plane answer for internal service `name`; undefined: answered here. */
  forwardInternal(name: string): Handler | undefined;
  /** Told about each shutdown phase instead of logging it (the control plane logs the fleet's). */
  shutdownPhase(phase: string, entryPoint: string | undefined): void;
  /** Receives what exports this worker's statistics. */
  provideStatistics(source: (purpose: StatisticsPurpose) => WorkerStatistics): void;
}

/** The part this process plays; absent from RunOptions: one process does everything. */
export type ProcessRole = ControlPlaneRole | WorkerRole;

/**
 * The key under which the control plane answers ACME HTTP-01 challenges a worker forwards
 * (not an internal service name: no router can name it).
 */
export const acmeHttpChallengeKey = 'acme-http-01';
