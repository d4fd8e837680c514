/**
 * Graceful stop as Traefik does it (reference §10.1): on SIGTERM, `/ping` answers the
 * terminating status at once; entry points keep accepting for requestAcceptGraceTimeout (so
 * a load balancer that has not yet seen the failing ping still reaches us); then they stop
 * accepting, in-flight requests get graceTimeOut to finish, and what remains is cut.
 */
import type { HttpEntryPoint } from './http-entry-point.ts';

export interface StopTimings {
  readonly requestAcceptGraceTimeoutMs: number;
  readonly graceTimeOutMs: number;
}

export interface StopEvents {
  /** Each phase as it begins, for logs and tests. */
  onPhase?(phase: 'terminating' | 'stop-accepting' | 'draining' | 'closed', entryPoint: string): void;
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}

/** Stops one entry point gracefully; resolves once it is closed. */
export async function stopEntryPoint(entryPoint: HttpEntryPoint, timings: StopTimings, events: StopEvents = {}): Promise<void> {
  await delay(timings.requestAcceptGraceTimeoutMs);
  events.onPhase?.('stop-accepting', entryPoint.name);
  entryPoint.stopAccepting();
  events.onPhase?.('draining', entryPoint.name);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, timings.graceTimeOutMs));
    timer.unref();
  });
  await Promise.race([entryPoint.whenIdle(), deadline]);
  clearTimeout(timer);
  entryPoint.closeAll();
  events.onPhase?.('closed', entryPoint.name);
}
