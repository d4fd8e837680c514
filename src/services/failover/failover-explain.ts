/**
 * The failover service's answer to "where would this request go": main while it is UP, the
 * fallback while main is DOWN, 503 with both DOWN, as the handler decides (`/api/explain`).
 */
import type { ExplainChild, ServiceExplanation } from '../../config/explain-view.ts';

/** What the failover decides by. */
export interface FailoverState {
  /** Names as written. */
  readonly main: string;
  readonly fallback: string;
  readonly mainUp: boolean;
  readonly fallbackUp: boolean;
  /** `errors.status` as written; empty: failover on health only. */
  readonly statuses: readonly string[];
}

/** Explains a failover service named `name`. */
export function explainFailover(name: string, state: FailoverState, explainChild: ExplainChild): ServiceExplanation {
  const base = { name, type: 'failover' as const };
  if (state.mainUp) {
    const child = explainChild(state.main);
    const onStatus = state.statuses.length === 0 ? ''
      : `; if it answers a status in errors.status (${state.statuses.join(', ')})${state.fallbackUp ? `, the request is sent again to the fallback ${state.fallback}` : ', the answer stays: the fallback is DOWN'}`;
    return { ...base, child, available: child.available, decision: `the main service ${state.main} is UP${onStatus}` };
  }
  if (state.fallbackUp) {
    const child = explainChild(state.fallback);
    return { ...base, via: 'fallback', child, available: child.available, decision: `the main service ${state.main} is DOWN: the fallback ${state.fallback} takes the request` };
  }
  return { ...base, available: false, decision: `the main service ${state.main} and the fallback ${state.fallback} are both DOWN: the client gets 503` };
}
