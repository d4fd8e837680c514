/**
 * Graceful stop as Traefik does it (reference §10.1): on SIGTERM, `/ping` answers the
 * terminating status at once; entry points keep accepting for requestAcceptGraceTimeout (so
 * a load balancer that has not yet seen the failing ping still reaches us); then they stop
 * accepting, in-flight requests get graceTimeOut to finish, and what remains is cut.
 */
import type { Clock } from '../lib/clock.ts';
import type { HttpEntryPoint } from './http-entry-point.ts';

export interface StopTimings {
  readonly requestAcceptGraceTimeoutMs: number;
  readonly graceTimeOutMs: number;
}

export interface StopEvents {
  /** Each phase as it begins, for logs and tests. */
  onPhase?(phase: 'terminating' | 'stop-accepting' | 'draining' | 'closed', entryPoint: string): void;
}

/**
 * Stops one entry point gracefully; resolves once it is closed. Timers come from `clock` so
 * tests can drive the phases without waiting.
 */
export async function stopEntryPoint(entryPoint: Pick<HttpEntryPoint, 'name' | 'stopAccepting' | 'whenIdle' | 'closeAll'>,
  timings: StopTimings, clock: Clock, events: StopEvents = {}): Promise<void> {
  if (timings.requestAcceptGraceTimeoutMs > 0) {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, timings.requestAcceptGraceTimeoutMs));
  }
  events.onPhase?.('stop-accepting', entryPoint.name);
  entryPoint.stopAccepting();
  events.onPhase?.('draining', entryPoint.name);
  let timer: unknown;
  const deadline = new Promise<void>((resolve) => {
    timer = clock.setTimeout(resolve, Math.max(0, timings.graceTimeOutMs));
  });
  await Promise.race([entryPoint.whenIdle(), deadline]);
  clock.clearTimeout(timer);
  entryPoint.closeAll();
  events.onPhase?.('closed', entryPoint.name);
}
