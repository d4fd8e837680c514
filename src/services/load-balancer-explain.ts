/**
 * A loadBalancer's answer to "which server would this request get, and why", following the
 * handler's order exactly (sticky cookie, client-IP affinity entry, then the selection policy
 * over the UP servers that take new traffic) but reading only: the policy is asked to peek, the
 * affinity table to peek, and nothing is recorded (`/api/explain`).
 */
import type { ExplainVia, ServiceExplanation } from '../config/explain-view.ts';
import type { ServerStatus } from '../config/runtime.ts';
import type { RequestHead } from '../lib/exchange.ts';
import type { PickRequest, PickVia, PolicyServer, SelectionPolicy } from './policies/policy.ts';
import type { AffinityTable } from './sticky/client-ip-affinity.ts';
import { readRequestCookie } from './sticky/request-cookie.ts';
import type { StickyCookie } from './sticky/sticky-cookie.ts';

/** A server as explaining needs it. */
export interface ExplainableServer extends PolicyServer {
  /** Weight ≤ 0 or fenced: keeps its sticky and affinity clients, gets no new ones. */
  readonly draining: boolean;
  readonly health: { readonly status: 'UP' | 'DOWN' };
}

/** The parts of a built loadBalancer its explanation reads. */
export interface LoadBalancerParts<S extends ExplainableServer> {
  readonly name: string;
  readonly strategy: string;
  /** In configuration order. */
  readonly servers: readonly S[];
  readonly byKey: ReadonlyMap<string, S>;
  readonly sticky: StickyCookie<S> | null;
  /** Signed cookies: unsigned values are ignored. */
  readonly signed: boolean;
  readonly affinity: AffinityTable | null;
  /** The policy of a first pick (rendezvous hashing of the client IP when affinity is on). */
  readonly firstPick: SelectionPolicy<S>;
  /** The request's hash key (`strategy: hash`), or undefined. */
  hashKey(request: RequestHead): string | undefined;
}

/** The API status of a server: DOWN, else DRAINING when it takes no new clients, else UP. */
export function explainedStatus(s: ExplainableServer): ServerStatus {
  return s.health.status === 'DOWN' ? 'DOWN' : s.draining ? 'DRAINING' : 'UP';
}

/** Explains where `parts`' handler would send `request` now. */
export function explainLoadBalancer<S extends ExplainableServer>(parts: LoadBalancerParts<S>, request: RequestHead): ServiceExplanation {
  const isUp = (s: S): boolean => s.health.status === 'UP';
  const base = {
    name: parts.name,
    type: 'loadbalancer' as const,
    strategy: parts.strategy,
    servers: parts.servers.map((s) => ({ url: s.key, status: explainedStatus(s), weight: s.weight })),
  };
  const notes: string[] = [];
  let stickyCookie: ServiceExplanation['stickyCookie'];

  if (parts.sticky !== null) {
    const name = parts.sticky.name;
    const sent = readRequestCookie(request.headers, name) !== undefined;
    const hit = parts.sticky.lookup(request.headers);
    if (hit !== undefined && isUp(hit.target)) {
      const server = hit.target;
      return {
        ...base,
        via: 'sticky-cookie',
        server: server.key,
        available: true,
        stickyCookie: { name, sent, names: server.key, set: hit.rewrite },
        decision: `the sticky cookie ${name} names ${server.key}${server.draining ? ', which is draining but keeps its sticky clients' : ''}`
          + `${hit.rewrite ? '; its legacy value would be rewritten' : ''}`,
      };
    }
    stickyCookie = { name, sent, ...(hit !== undefined ? { names: hit.target.key } : {}), set: true };
    if (hit !== undefined) notes.push(`the sticky cookie ${name} names ${hit.target.key}, which is DOWN`);
    else if (sent) notes.push(`the sticky cookie ${name} names no server of this service${parts.signed ? ' (or is not signed with its secret)' : ''}`);
    else notes.push(`no sticky cookie ${name} was sent`);
  }

  if (parts.affinity !== null) {
    const key = parts.affinity.peek(request.clientIp);
    const bound = key === undefined ? undefined : parts.byKey.get(key);
    if (bound !== undefined && isUp(bound)) {
      return {
        ...base,
        via: 'client-ip-affinity',
        server: bound.key,
        available: true,
        ...(stickyCookie !== undefined ? { stickyCookie } : {}),
        decision: withNotes(notes, `client IP ${request.clientIp} is bound to ${bound.key} by client-IP affinity`),
      };
    }
    notes.push(bound !== undefined
      ? `client IP ${request.clientIp} is bound to ${bound.key}, which is DOWN`
      : `client IP ${request.clientIp} has no client-IP affinity entry`);
  }

  const pickRequest: PickRequest = { clientIp: request.clientIp, hashKey: parts.hashKey(request) };
  const peek = parts.firstPick.peek(pickRequest, isUp);
  if (peek === undefined) {
    const taking = parts.servers.filter((s) => !s.draining);
    const why = taking.length === 0 ? 'no server takes new clients (every server is draining)' : 'no server that takes new clients is UP';
    return {
      ...base,
      available: false,
      ...(stickyCookie !== undefined ? { stickyCookie } : {}),
      decision: withNotes(notes, `${why}: the client gets 503`),
    };
  }
  const via: ExplainVia = peek.via;
  const chosen = peek.server;
  const sentence = pickSentence(peek.via, parts, pickRequest, chosen?.key, peek.candidates.map((s) => s.key));
  return {
    ...base,
    via,
    ...(chosen !== undefined ? { server: chosen.key } : {}),
    ...(peek.via === 'random' ? { candidates: peek.candidates.map((s) => s.key) } : {}),
    available: true,
    ...(stickyCookie !== undefined ? { stickyCookie } : {}),
    decision: withNotes(notes, sentence),
  };
}

function pickSentence<S extends ExplainableServer>(via: PickVia, parts: LoadBalancerParts<S>, request: PickRequest,
  chosen: string | undefined, candidates: readonly string[]): string {
  switch (via) {
    case 'rotation':
      return `${chosen!} is next in the ${parts.strategy === 'drr' ? 'drr' : 'weighted round robin'} rotation`
        + `${parts.strategy === 'hash' ? ' (the request has no hash key)' : ''}`;
    case 'hash':
      if (parts.affinity !== null && parts.strategy !== 'hrw') {
        return `first visit of client IP ${request.clientIp}: rendezvous hashing of the client IP picks ${chosen!}`;
      }
      return parts.strategy === 'hash'
        ? `the hash key ${JSON.stringify(request.hashKey)} maps to ${chosen!} on the consistent-hash ring`
        : `rendezvous hashing of client IP ${request.clientIp} picks ${chosen!}`;
    case 'least-time':
      return `${chosen!} has the lowest least-time score (average time to first byte × requests in flight / weight)`;
    case 'random':
      return `p2c draws two of ${candidates.join(', ')} at random and takes the one with fewer requests in flight`;
    case 'only-choice':
      return `${chosen!} is the only UP server that takes new clients`;
    default: {
      const never: never = via;
      throw new Error(`unknown pick ${String(never)}`);
    }
  }
}

function withNotes(notes: readonly string[], sentence: string): string {
  return notes.length === 0 ? sentence : `${notes.join('; ')}; ${sentence}`;
}
