/**
 * Which router of an entry point would take a request, and why the ones before it did not:
 * the same order as the route table (compareRoutes: priority, then provider precedence, then
 * name) and the same split between TLS and plain connections as the built entry point, walked
 * router by router with each rule explained. Used by `/api/explain`, never on the request path.
 */
import type { RequestHead } from '../lib/exchange.ts';
import type { HttpRequestMatcher, RuleExplanation, RuleLeafResult } from '../lib/matcher.ts';
import { splitQualifiedName } from '../lib/qualified-name.ts';
import { compareRoutes } from './priority.ts';
import type { Priority } from './priority.ts';
import { routingPath } from './routing-path.ts';

/** A router of the entry point, as explaining needs it. */
export interface ExplainableRoute {
  /** Qualified name (`name@provider`). */
  readonly name: string;
  readonly priority: Priority;
  /** Rank of the provider in `providers.precedence`: lower wins. */
  readonly precedence: number;
  /** Null when the rule did not compile. */
  readonly matcher: HttpRequestMatcher | null;
  /** False for a disabled router: listed with its errors, never tried. */
  readonly serving: boolean;
  /** The router has `tls`: it answers TLS connections only (and one without, plain ones only). */
  readonly tls: boolean;
  /** Why a disabled router is disabled. */
  readonly errors: readonly string[];
}

/** What happened to one router. */
export type RouteResult = 'matched' | 'not-matched' | 'disabled' | 'tls-only' | 'plain-only';

export interface RouteVerdict {
  readonly route: ExplainableRoute;
  readonly result: RouteResult;
  /** One line: 'matched', the rule's reason for a miss, why it was skipped. */
  readonly reason: string;
  /** The rule's leaves against this request; absent when the rule did not compile. */
  readonly leaves?: readonly RuleLeafResult[];
  /**
   * When this router has the same priority as the one listed before it in the full order: why
   * it comes after that one (provider precedence or name).
   */
  readonly order?: string;
}

export interface RoutesExplanation {
  /** The router that would take the request; null: none (404), or a bad path (see badPath). */
  readonly winner: ExplainableRoute | null;
  /**
   * Routers in evaluation order up to and including the winner (every one when none wins),
   * plus every disabled one wherever it falls.
   */
  readonly verdicts: readonly RouteVerdict[];
  /** The path has an invalid percent-encoding: the entry point answers 400 before any router. */
  readonly badPath: boolean;
  /** Routers after the winner with its priority whose rule matches too, and why the winner goes first. */
  readonly alsoMatched: readonly { readonly route: ExplainableRoute; readonly why: string }[];
}

/**
 * Explains routing `request` (canonical host, escaped path, as the entry point prepares it)
 * among `routes` on a connection that is TLS or not. The winner is exactly what the entry
 * point's route table for that kind of connection returns.
 */
export function explainHttpRoutes(routes: readonly ExplainableRoute[], request: RequestHead, tls: boolean): RoutesExplanation {
  const path = routingPath(request.path);
  const sorted = [...routes].sort(compareRoutes);
  if (path === null) {
    return {
      winner: null,
      badPath: true,
      alsoMatched: [],
      verdicts: sorted.filter((r) => !r.serving).map((r) => ({ route: r, result: 'disabled', reason: disabledReason(r, null) })),
    };
  }
  const explained = new Map<ExplainableRoute, RuleExplanation | null>();
  const explainOf = (route: ExplainableRoute): RuleExplanation | null => {
    let e = explained.get(route);
    if (e === undefined) {
      e = route.matcher === null ? null : ruleExplanation(route.matcher, request, path);
      explained.set(route, e);
    }
    return e;
  };

  const verdicts: RouteVerdict[] = [];
  let winner: ExplainableRoute | null = null;
  let winnerIndex = -1;
  for (let i = 0; i < sorted.length; i++) {
    const route = sorted[i]!;
    const previous = i > 0 ? sorted[i - 1]! : undefined;
    const order = previous !== undefined && samePriority(previous, route) ? tieOrder(previous, route) : undefined;
    const rule = explainOf(route);
    const details = { ...(rule !== null ? { leaves: rule.leaves } : {}), ...(order !== undefined ? { order } : {}) };
    if (!route.serving) {
      verdicts.push({ route, result: 'disabled', reason: disabledReason(route, rule), ...details });
      continue;
    }
    if (winner !== null) continue;
    if (route.tls !== tls) {
      const matches = rule?.matched === true ? '; its rule matches this request' : '';
      verdicts.push({
        route,
        result: route.tls ? 'tls-only' : 'plain-only',
        reason: route.tls
          ? `has tls: it answers TLS (https) connections only${matches}`
          : `has no tls: it answers plain (http) connections only${matches}`,
        ...details,
      });
      continue;
    }
    // The route table calls match(); the explanation must agree with it exactly.
    const matched = route.matcher !== null && route.matcher.match(request, path);
    if (matched) {
      winner = route;
      winnerIndex = i;
    }
    verdicts.push({ route, result: matched ? 'matched' : 'not-matched', reason: matched ? 'matched' : rule?.reason ?? 'did not match', ...details });
  }

  const alsoMatched: { route: ExplainableRoute; why: string }[] = [];
  if (winner !== null) {
    const first: ExplainableRoute = winner;
    for (const route of sorted.slice(winnerIndex + 1)) {
      if (!samePriority(route, first)) break;
      if (!route.serving || route.tls !== tls || route.matcher === null || !route.matcher.match(request, path)) continue;
      alsoMatched.push({ route, why: `${tieOrder(first, route)}, so ${first.name} takes the request` });
    }
    if (alsoMatched.length > 0) {
      const at = verdicts.findIndex((v) => v.route === first);
      const names = alsoMatched.map((a) => a.route.name).join(', ');
      verdicts[at] = { ...verdicts[at]!, reason: `matched; ${names} also match${alsoMatched.length === 1 ? 'es' : ''} with the same priority ${String(first.priority)} but come${alsoMatched.length === 1 ? 's' : ''} later (${alsoMatched.map((a) => a.why).join('; ')})` };
    }
  }
  return { winner, verdicts, badPath: false, alsoMatched };
}

/** The rule's own explanation, or one made from `match` for a matcher that cannot explain itself. */
function ruleExplanation(matcher: HttpRequestMatcher, request: RequestHead, path: string): RuleExplanation {
  if (matcher.explain !== undefined) return matcher.explain(request, path);
  const matched = matcher.match(request, path);
  return { matched, leaves: [], reason: matched ? 'matched' : 'did not match' };
}

function disabledReason(route: ExplainableRoute, rule: RuleExplanation | null): string {
  const errors = route.errors.length > 0 ? route.errors.join('; ') : 'disabled';
  if (rule === null) return errors;
  return `${errors} (its rule ${rule.matched ? 'matches' : 'does not match'} this request)`;
}

/** Equal priorities (a number and a bigint compare by value). */
function samePriority(a: ExplainableRoute, b: ExplainableRoute): boolean {
  return !(a.priority < b.priority) && !(a.priority > b.priority);
}

/** Why `first` comes before `second`, which has the same priority. */
function tieOrder(first: ExplainableRoute, second: ExplainableRoute): string {
  const priority = String(first.priority);
  if (first.precedence !== second.precedence) {
    const a = splitQualifiedName(first.name).provider;
    const b = splitQualifiedName(second.name).provider;
    return `same priority ${priority} as ${first.name}; provider ${a} comes before ${b} in providers.precedence`;
  }
  return `same priority ${priority} and provider precedence as ${first.name}; ${first.name} sorts first by name`;
}
