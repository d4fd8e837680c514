/**
 * The mirroring service's answer to "where would this request go": always to the main service
 * (which explains itself below), and to each mirror whose share the request would fall in,
 * computed from the counters as they stand without moving them (`/api/explain`).
 */
import type { ExplainChild, ServiceExplanation } from '../../config/explain-view.ts';
import { getHeader, type RequestHead } from '../../lib/exchange.ts';

/** What the mirroring service's selection stands at. */
export interface MirrorSelectionState {
  /** The main service's name as written. */
  readonly main: string;
  readonly mirrors: readonly { readonly name: string; readonly percent: number }[];
  /** Requests counted so far, and per mirror how many it took. */
  readonly total: number;
  readonly counts: readonly number[];
  readonly mirrorBody: boolean;
  /** -1: no limit. */
  readonly maxBodySize: number;
}

/** Explains a mirroring service named `name` for `request`. */
export function explainMirroring(name: string, state: MirrorSelectionState, request: RequestHead, explainChild: ExplainChild): ServiceExplanation {
  const child = explainChild(state.main);
  const upgrade = isUpgrade(request.headers);
  const length = Number(getHeader(request.headers, 'content-length') ?? '-1');
  const tooLarge = state.mirrorBody && state.maxBodySize >= 0 && Number.isFinite(length) && length > state.maxBodySize;
  // The handler counts the request (total + 1), then mirror i takes it while below its share.
  const next = state.total + 1;
  const mirrors = state.mirrors.map((m, i) => ({
    name: m.name,
    percent: m.percent,
    mirrored: !upgrade && !tooLarge && (state.counts[i] ?? 0) * 100 < next * m.percent,
  }));
  const copied = mirrors.filter((m) => m.mirrored).map((m) => m.name);
  let copies: string;
  if (state.mirrors.length === 0) copies = 'it has no mirrors';
  else if (upgrade) copies = 'an upgrade (WebSocket) request is never mirrored';
  else if (tooLarge) copies = `the body is larger than maxBodySize (${state.maxBodySize} bytes), so no mirror gets a copy`;
  else if (copied.length === 0) copies = 'no mirror is due a copy of this request (each takes its percent of the requests)';
  else copies = `a copy goes to ${copied.join(', ')}, whose responses are discarded`;
  return {
    name,
    type: 'mirroring',
    decision: `every request goes to the main service ${state.main}; ${copies}`,
    mirrors,
    child,
    available: child.available,
  };
}

function isUpgrade(headers: readonly string[]): boolean {
  const connection = getHeader(headers, 'connection');
  return connection !== undefined && connection.toLowerCase().split(',').some((t) => t.trim() === 'upgrade') && getHeader(headers, 'upgrade') !== undefined;
}
