/**
 * What building a TCP service yields: a connection handler plus what parents, the API and the
 * lifecycle need (the TCP counterpart of BuiltService).
 */
import type { ServerStatus } from '../../config/runtime.ts';
import type { TcpHandler } from '../../lib/tcp-connection.ts';
import type { HealthSignal } from '../health/health-signal.ts';

export interface BuiltTcpService {
  readonly handler: TcpHandler;
  /**
   * The health this service reports to a weighted parent with `healthCheck: {}`; null when it
   * reports none (a loadBalancer without healthCheck, a weighted service without `healthCheck: {}`).
   */
  readonly health: HealthSignal | null;
  /** Server status by server address (loadBalancer services only). */
  serverStatus(): Readonly<Record<string, ServerStatus>> | undefined;
  /** Stops health checks; connections being forwarded are not cut. */
  dispose(): void;
}
