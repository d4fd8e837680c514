/**
 * A worker's side of the internal services its control plane answers (api@internal,
 * prometheus@internal, ACME HTTP-01): the request head and body go over the IPC channel, the
 * response comes back in parts and is written here, through this exchange's response hooks
 * (middlewares on the worker's router still apply). The API reads the control plane's view:
 * the RuntimeConfig with its diagnostics' file:line, server health, every worker's statistics.
 *
 * Backpressure is not carried across the channel: these responses are small, and the one
 * stream (`/api/stats/stream`) writes one document a second.
 */
import { sendText, writeHeadThroughHooks, type Exchange, type Handler } from '../../lib/exchange.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import { asBuffer, type ForwardedHead, type FromWorker, type ResponsePart } from './worker-messages.ts';

/** The largest request body forwarded (the API takes none; metrics scrapes neither). */
export const maxForwardedBodyBytes = 1 << 20;

export interface InternalForwarder {
  /** The handler that forwards requests for `service` (a name the control plane serves). */
  handler(service: string): Handler;
  /** Writes one part of the response to request `id`. */
  receive(id: number, part: ResponsePart): void;
  /** Ends every forwarded response still open (the control plane is gone). */
  abortAll(reason: string): void;
}

/** Creates the forwarder; `send` posts a message to the control plane. */
export function createInternalForwarder(send: (message: FromWorker) => void): InternalForwarder {
  const open = new Map<number, Exchange>();
  let nextId = 1;

  const forward = async (service: string, exchange: Exchange): Promise<void> => {
    const body = await readBody(exchange);
    if (body === 'too-large') {
      sendText(exchange, 413, 'Request Entity Too Large\n');
      return;
    }
    if (exchange.clientGone) return;
    const id = nextId++;
    open.set(id, exchange);
    exchange.signal.addEventListener('abort', () => {
      if (open.delete(id)) send({ type: 'internal-cancel', id });
    }, { once: true });
    send({ type: 'internal-request', id, service, head: headOf(exchange), body });
  };

  return {
    handler: (service) => (exchange) => forward(service, exchange),
    receive(id, part) {
      const exchange = open.get(id);
      if (exchange === undefined) return;
      switch (part.kind) {
        case 'head':
          writeHeadThroughHooks(exchange, part.status, [...part.headers]);
          return;
        case 'data':
          exchange.response.write(asBuffer(part.chunk));
          return;
        case 'flush':
          exchange.response.flush();
          return;
        case 'end':
          open.delete(id);
          if (part.trailers === null) exchange.response.end();
          else exchange.response.end([...part.trailers]);
          return;
        case 'error':
          open.delete(id);
          fail(exchange, part.message);
          return;
        default: {
          const never: never = part;
          throw new Error(`unknown response part ${String(never)}`);
        }
      }
    },
    abortAll(reason) {
      for (const exchange of open.values()) fail(exchange, reason);
      open.clear();
    },
  };
}

/** A 502 when nothing was sent yet, else a cut response. */
function fail(exchange: Exchange, reason: string): void {
  if (exchange.response.headSent) exchange.response.destroy(new Error(reason));
  else sendProxyError(exchange, proxyError('BAD_GATEWAY'));
}

function headOf(exchange: Exchange): ForwardedHead {
  const r = exchange.request;
  const tls = r.tls === undefined ? null : {
    version: r.tls.version, cipher: r.tls.cipher, serverName: r.tls.serverName, alpn: r.tls.alpn,
    ...(r.tls.options !== undefined ? { options: r.tls.options } : {}),
  };
  return {
    method: r.method, path: r.path, query: r.query, headers: r.headers, httpVersion: r.httpVersion, host: r.host,
    remoteAddress: r.remoteAddress, remotePort: r.remotePort, clientIp: r.clientIp, localPort: r.localPort,
    entryPoint: r.entryPoint, tls,
  };
}

async function readBody(exchange: Exchange): Promise<Uint8Array | null | 'too-large'> {
  if (exchange.body === null) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of exchange.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxForwardedBodyBytes) {
      exchange.body.destroy();
      return 'too-large';
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
