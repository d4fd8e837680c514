/**
 * The weighted and highestRandomWeight services' answer to "which child would this request
 * get, and why", in the handlers' order (sticky cookie, client-IP affinity entry, first pick,
 * weighted round robin), reading only: the rotation and the hash are peeked, the affinity
 * table is peeked, nothing is recorded (`/api/explain`). The chosen child explains itself below.
 */
import type { ExplainChild, ExplainVia, ServiceExplanation } from '../config/explain-view.ts';
import type { ServerStatus } from '../config/runtime.ts';
import type { RequestHead } from '../lib/exchange.ts';
import type { PolicyServer, SelectionPolicy } from './policies/policy.ts';
import type { AffinityTable } from './sticky/client-ip-affinity.ts';
import { readRequestCookie } from './sticky/request-cookie.ts';
import type { StickyCookie } from './sticky/sticky-cookie.ts';
import type { WeightedRoundRobin } from './weighted-round-robin.ts';

/** A child as its parent sees it. */
export interface ExplainableChild extends PolicyServer {
  /** The name as written in the parent's configuration. */
  readonly name: string;
  readonly draining: boolean;
  /** Up as far as the parent knows (always true without `healthCheck: {}`). */
  up(): boolean;
}

/** The parts of a built weighted service its explanation reads. */
export interface WeightedParts<C extends ExplainableChild> {
  readonly name: string;
  /** In configuration order. */
  readonly children: readonly C[];
  readonly byName: ReadonlyMap<string, C>;
  readonly sticky: StickyCookie<C> | null;
  readonly signed: boolean;
  readonly affinity: AffinityTable | null;
  /** Rendezvous hashing of the client IP over the children taking new clients (with affinity). */
  readonly firstPick: SelectionPolicy<C> | null;
  readonly rotation: WeightedRoundRobin<C>;
}

function childStatus(c: ExplainableChild): ServerStatus {
  return !c.up() ? 'DOWN' : c.draining ? 'DRAINING' : 'UP';
}

function childList(children: readonly ExplainableChild[], chosen: ExplainableChild | undefined): NonNullable<ServiceExplanation['children']> {
  return children.map((c) => ({ name: c.name, weight: c.weight, chosen: c === chosen, status: childStatus(c) }));
}

/** The explanation of a parent that chose `chosen` (or nothing). */
function withChild(base: Omit<ServiceExplanation, 'available' | 'child' | 'children' | 'decision'>, children: readonly ExplainableChild[],
  chosen: ExplainableChild | undefined, decision: string, explainChild: ExplainChild): ServiceExplanation {
  if (chosen === undefined) {
    return { ...base, children: childList(children, undefined), available: false, decision: `${decision}: the client gets 503` };
  }
  const child = explainChild(chosen.name);
  return { ...base, children: childList(children, chosen), child, available: child.available, decision };
}

/** Explains where a weighted service would send `request` now. */
export function explainWeighted<C extends ExplainableChild>(parts: WeightedParts<C>, request: RequestHead, explainChild: ExplainChild): ServiceExplanation {
  const isUp = (c: C): boolean => c.up();
  const notes: string[] = [];
  let stickyCookie: ServiceExplanation['stickyCookie'];
  const base = { name: parts.name, type: 'weighted' as const };

  if (parts.sticky !== null) {
    const name = parts.sticky.name;
    const sent = readRequestCookie(request.headers, name) !== undefined;
    const hit = parts.sticky.lookup(request.headers);
    if (hit !== undefined && hit.target.up()) {
      const c = hit.target;
      return withChild({ ...base, via: 'sticky-cookie', stickyCookie: { name, sent, names: c.name, set: hit.rewrite } }, parts.children, c,
        `the sticky cookie ${name} names child ${c.name}${c.draining ? ', which is draining but keeps its sticky clients' : ''}`
        + `${hit.rewrite ? '; its legacy value would be rewritten' : ''}`, explainChild);
    }
    stickyCookie = { name, sent, ...(hit !== undefined ? { names: hit.target.name } : {}), set: true };
    if (hit !== undefined) notes.push(`the sticky cookie ${name} names child ${hit.target.name}, which is DOWN`);
    else if (sent) notes.push(`the sticky cookie ${name} names no child of this service${parts.signed ? ' (or is not signed with its secret)' : ''}`);
    else notes.push(`no sticky cookie ${name} was sent`);
  }
  const cookie = stickyCookie !== undefined ? { stickyCookie } : {};

  if (parts.affinity !== null) {
    const key = parts.affinity.peek(request.clientIp);
    const bound = key === undefined ? undefined : parts.byName.get(key);
    if (bound !== undefined && bound.up()) {
      return withChild({ ...base, via: 'client-ip-affinity', ...cookie }, parts.children, bound,
        joined(notes, `client IP ${request.clientIp} is bound to child ${bound.name} by client-IP affinity`), explainChild);
    }
    notes.push(bound !== undefined
      ? `client IP ${request.clientIp} is bound to child ${bound.name}, which is DOWN`
      : `client IP ${request.clientIp} has no client-IP affinity entry`);
    const first = parts.firstPick!.peek({ clientIp: request.clientIp, hashKey: undefined }, isUp);
    if (first !== undefined) {
      const c = first.server!;
      return withChild({ ...base, via: first.via === 'only-choice' ? 'only-choice' : 'hash', ...cookie }, parts.children, c,
        joined(notes, `first visit of client IP ${request.clientIp}: rendezvous hashing of the client IP picks child ${c.name}`), explainChild);
    }
  }

  const next = parts.rotation.peek(isUp);
  const usable = parts.children.filter((c) => !c.draining && c.up());
  const via: ExplainVia = usable.length === 1 ? 'only-choice' : 'rotation';
  const decision = next === undefined
    ? 'no child that takes new clients is UP'
    : via === 'only-choice' ? `child ${next.name} is the only UP child that takes new clients` : `child ${next.name} is next in the weighted round robin rotation`;
  return withChild({ ...base, ...(next !== undefined ? { via } : {}), ...cookie }, parts.children, next, joined(notes, decision), explainChild);
}

/** Explains where a highestRandomWeight service would send `request` now. */
export function explainHighestRandomWeight<C extends ExplainableChild>(name: string, children: readonly C[], policy: SelectionPolicy<C>,
  request: RequestHead, explainChild: ExplainChild): ServiceExplanation {
  const peek = policy.peek({ clientIp: request.clientIp, hashKey: undefined }, (c) => c.up());
  const base = { name, type: 'highestrandomweight' as const, ...(peek !== undefined ? { via: peek.via } : {}) };
  const decision = peek === undefined
    ? 'no child that takes new clients is UP'
    : peek.via === 'only-choice'
      ? `child ${peek.server!.name} is the only UP child that takes new clients`
      : `rendezvous hashing of client IP ${request.clientIp} picks child ${peek.server!.name}`;
  return withChild(base, children, peek?.server, decision, explainChild);
}

function joined(notes: readonly string[], sentence: string): string {
  return notes.length === 0 ? sentence : `${notes.join('; ')}; ${sentence}`;
}
