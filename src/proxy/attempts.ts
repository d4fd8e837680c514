/**
 * Which servers a request has already been sent to, so that a retry never goes back to the
 * server that just failed. Tracking is off unless the retry middleware turns it on for a
 * request; load balancers note every server they forward to and avoid the noted ones.
 *
 * Keyed by the RequestHead object: it stays the same object across the attempts of a request.
 */
import type { RequestHead } from '../lib/exchange.ts';

const tried = new WeakMap<RequestHead, Set<string>>();

/** Turns tracking on for this request (the retry middleware calls it before the first attempt). */
export function trackAttempts(request: RequestHead): void {
  if (!tried.has(request)) tried.set(request, new Set());
}

/** Records that the request went to `serverKey` (a no-op unless tracking is on). */
export function noteAttempt(request: RequestHead, serverKey: string): void {
  tried.get(request)?.add(serverKey);
}

/** The servers this request already went to, or undefined when tracking is off. */
export function attemptedServers(request: RequestHead): ReadonlySet<string> | undefined {
  return tried.get(request);
}
