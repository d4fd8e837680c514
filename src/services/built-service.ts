/**
 * What building a service yields: a handler plus what the API and the lifecycle need.
 */
import type { Handler, RequestHead } from '../lib/exchange.ts';
import type { ExplainChild, ServiceExplanation } from '../config/explain-view.ts';
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
  /**
   * Where this service would send `request` now, and why, without sending it or changing any
   * state (no rotation advances, no affinity entry is made or refreshed, no mirror count
   * moves): the request that follows is placed exactly as if explain had not been called.
   * `explainChild` explains a child by its name as written in this service's configuration.
   */
  explain?(request: RequestHead, explainChild: ExplainChild): ServiceExplanation;
  /** Releases pools and timers; in-flight requests finish first. */
  dispose(): void;
}
