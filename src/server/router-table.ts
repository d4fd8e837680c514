/**
 * The live routing state and its atomic swap. Each request reads the current state once, at
 * its start, and finishes on it even if a reload swaps in a new one meanwhile.
 */
import { sendText, type Exchange } from '../lib/exchange.ts';
import { proxyError, sendProxyError } from '../proxy/proxy-error.ts';
import type { BuiltState } from './build.ts';

export interface RouterTable {
  /** The dispatcher for one entry point (stable across swaps). */
  dispatcher(entryPoint: string): (exchange: Exchange) => void;
  /** Makes `next` current and returns the previous state (the caller disposes it). */
  swap(next: BuiltState): BuiltState | null;
  readonly current: BuiltState | null;
}

export function createRouterTable(): RouterTable {
  let current: BuiltState | null = null;
  return {
    get current() {
      return current;
    },
    swap(next) {
      const prev = current;
      current = next;
      return prev;
    },
    dispatcher(entryPoint) {
      return (exchange) => {
        const state = current;
        const tables = state?.entryPoints.get(entryPoint);
        const tls = exchange.request.tls;
        const table = tls === undefined ? tables?.plain : tables?.tls;
        if (tls !== undefined && state?.tlsMisdirected?.(entryPoint, exchange.request.host, tls.serverName) === true) {
          sendText(exchange, 421, 'Misdirected Request\n');
          return;
        }
        if (table === undefined) {
          notFound(exchange);
          return;
        }
        const route = table.find(exchange.request);
        if (route === null) {
          sendProxyError(exchange, proxyError('BAD_REQUEST'));
          return;
        }
        if (route === undefined) {
          notFound(exchange);
          return;
        }
        const result = route(exchange);
        if (result !== undefined) {
          result.catch((err: unknown) => sendProxyError(exchange, proxyError('INTERNAL', undefined, err)));
        }
      };
    },
  };
}

/** Traefik's 404: `404 page not found\n`, text/plain, nosniff. */
function notFound(exchange: Exchange): void {
  exchange.responseHeadHooks.push(nosniff);
  sendText(exchange, 404, '404 page not found\n');
}

function nosniff(status: number, headers: string[]): number {
  headers.push('X-Content-Type-Options', 'nosniff');
  return status;
}
