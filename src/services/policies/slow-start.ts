/**
 * Slow start: a server that just came up (or was just added) gets a growing part of its normal
 * traffic over a ramp, so a cold cache or JIT is not hit with its full share at once (HAProxy
 * `slowstart`, NGINX Plus `slow_start`; Traefik has none).
 *
 * The ramp works on any policy from the outside, by hiding a ramping server from some of the
 * policy's picks: each time a pick considers the server it earns `factor` credit, and it is
 * visible only when it has a whole credit to spend. That is deterministic (no randomness to
 * inject) and spreads the admissions evenly. With EDF the server then gets `factor` of its turns,
 * i.e. it behaves as weight × factor; with p2c or least-time it takes part in `factor` of the
 * picks.
 */
import type { PolicyServer, SelectionPolicy } from './policy.ts';

/** The share a server gets at the very start of its ramp. */
export const slowStartFloor = 0.1;

/**
 * The traffic factor `elapsedMs` into a ramp of `durationMs`: linear from {@link slowStartFloor}
 * to 1; 1 when there is no ramp (duration ≤ 0) or it is over.
 */
export function slowStartFactor(elapsedMs: number, durationMs: number): number {
  if (!(durationMs > 0) || elapsedMs >= durationMs) return 1;
  if (!(elapsedMs > 0)) return slowStartFloor;
  return slowStartFloor + ((1 - slowStartFloor) * elapsedMs) / durationMs;
}

interface Credit {
  credit: number;
  /** The pick that last decided this server's admission, and its decision. */
  pick: number;
  admitted: boolean;
}

/**
 * Wraps `policy` so that a server with `factorOf(s) < 1` is admitted only part of the time.
 * `factorOf` is called on every availability check, so it should be cheap (see slowStartFactor).
 * A pick still returns a server whenever one is available: when the ramp hides every available
 * server, the inner policy picks among them all.
 */
export function withSlowStart<T extends PolicyServer>(policy: SelectionPolicy<T>, factorOf: (s: T) => number): SelectionPolicy<T> {
  // Only servers seen ramping get an entry, so a service without ramps never touches the map.
  const credits = new Map<T, Credit>();
  let pickSeq = 0;
  const none = (): boolean => false;
  let available: (s: T) => boolean = none;

  // Made once: the pick in progress is read from the variables above.
  const admitted = (s: T): boolean => {
    if (!available(s)) return false;
    const factor = factorOf(s);
    if (factor >= 1) return true;
    let c = credits.get(s);
    if (c === undefined) {
      c = { credit: 0, pick: 0, admitted: false };
      credits.set(s, c);
    }
    // A policy may look at a server more than once per pick (EDF passing over it again, a scan
    // then a tie-break): one decision per pick, so credit is earned once.
    if (c.pick === pickSeq) return c.admitted;
    c.pick = pickSeq;
    c.credit += factor > 0 ? factor : 0;
    c.admitted = c.credit >= 1;
    if (c.admitted) c.credit -= 1;
    return c.admitted;
  };

  return {
    pick(request, isAvailable) {
      pickSeq++;
      available = isAvailable;
      const chosen = policy.pick(request, admitted) ?? policy.pick(request, isAvailable);
      available = none; // do not keep the caller's closure alive
      return chosen;
    },
    peek(request, isAvailable, ...otherwise) {
      // Each pass p of the caller is the inner pick(admitted by p) ?? pick(p). A pass reached
      // means every earlier one found nothing, and a pick that finds nothing considered every
      // server it had and earned each one's credit: so the admission of pass k follows from the
      // credit as it stands plus what passes before k earned, adding in the same order as pick
      // (the same float sums). Nothing is written.
      const passes = [isAvailable, ...otherwise];
      const inner: ((s: T) => boolean)[] = [];
      passes.forEach((pass, k) => {
        inner.push((s) => {
          if (!pass(s)) return false;
          const factor = factorOf(s);
          if (factor >= 1) return true;
          const earned = factor > 0 ? factor : 0;
          let credit = credits.get(s)?.credit ?? 0;
          for (let j = 0; j < k; j++) if (passes[j]!(s)) credit += earned;
          return credit + earned >= 1;
        }, pass);
      });
      return policy.peek(request, inner[0]!, ...inner.slice(1));
    },
    onStart: (s) => policy.onStart(s),
    onHeaders: (s, ttfbMs) => policy.onHeaders(s, ttfbMs),
    onEnd: (s, status, failed) => policy.onEnd(s, status, failed),
    weights: () => policy.weights(),
    dispose() {
      credits.clear();
      policy.dispose();
    },
  };
}
