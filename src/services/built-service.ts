/**
 * What building a service yields: a handler plus what the API and the lifecycle need.
 */
import type { Handler } from '../lib/exchange.ts';
import type { ServerStatus } from '../config/runtime.ts';
import type { HealthSignal } from './health/health-signal.ts';

export interface BuiltService {
  readonly handler: Handler;
  /** Server status by server URL (loadBalancer services only). */
  serverStatus(): Readonly<Record<string, ServerStatus>> | undefined;
  /**
   * The health this service reports to a parent that declares `healthCheck: {}`; null when it
   * reports none (a loadBalancer without health checks, a parent without `healthCheck: {}`).
   */
  readonly health: HealthSignal | null;
  /** Live facts for the API beyond serverStatus (mirror comparisons, affinity size, …). */
  details?(): Readonly<Record<string, unknown>>;
  /** Releases pools and timers; in-flight requests finish first. */
  dispose(): void;
}
