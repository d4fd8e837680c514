/**
 * What building a service yields: a handler plus what the API and the lifecycle need.
 */
import type { Handler } from '../lib/exchange.ts';
import type { ServerStatus } from '../config/runtime.ts';

export interface BuiltService {
  readonly handler: Handler;
  /** Server status by server URL (loadBalancer services only). */
  serverStatus(): Readonly<Record<string, ServerStatus>> | undefined;
  /** Releases pools and timers; in-flight requests finish first. */
  dispose(): void;
}
