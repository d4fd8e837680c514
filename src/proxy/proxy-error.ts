/**
 * Failures on the request path are typed values turned into a response in exactly one place
 * (`sendProxyError`), with Traefik's status codes and bodies (reference §7.1).
 */
import { sendText, type Exchange } from '../lib/exchange.ts';

export type ProxyErrorCode =
  | 'NO_ROUTE'
  | 'NO_AVAILABLE_SERVER'
  | 'BAD_GATEWAY'
  | 'GATEWAY_TIMEOUT'
  | 'CLIENT_CLOSED'
  | 'BAD_REQUEST'
  | 'INTERNAL';

export class ProxyError extends Error {
  readonly code: ProxyErrorCode;
  readonly status: number;
  constructor(code: ProxyErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProxyError';
    this.code = code;
    this.status = status;
  }
}

const bodies: Record<ProxyErrorCode, { status: number; body: string }> = {
  NO_ROUTE: { status: 404, body: '404 page not found\n' },
  NO_AVAILABLE_SERVER: { status: 503, body: 'no available server\n' },
  BAD_GATEWAY: { status: 502, body: 'Bad Gateway' },
  GATEWAY_TIMEOUT: { status: 504, body: 'Gateway Timeout' },
  CLIENT_CLOSED: { status: 499, body: 'Client Closed Request' },
  BAD_REQUEST: { status: 400, body: 'Bad Request' },
  INTERNAL: { status: 500, body: 'Internal Server Error' },
};

/** Creates the ProxyError for a code with Traefik's status. */
export function proxyError(code: ProxyErrorCode, message?: string, cause?: unknown): ProxyError {
  return new ProxyError(code, bodies[code].status, message ?? bodies[code].body.trim(), { cause });
}

/**
 * Answers the client for a failure. When the response head is already out, the only honest
 * thing left is to cut the connection so the client sees a truncated body, never a wrong one.
 */
export function sendProxyError(exchange: Exchange, error: ProxyError): void {
  if (exchange.response.headSent) {
    exchange.response.destroy(error);
    return;
  }
  const { status, body } = bodies[error.code];
  if (error.code === 'CLIENT_CLOSED') {
    // Nobody is listening; record the status for the access log and release the response.
    exchange.log.downstreamStatus = status;
    exchange.response.destroy(error);
    return;
  }
  // Every generated error carries an explicit Content-Type. Traefik's 502/504 have none (it
  // disables content sniffing), which leaves clients guessing; the body is plain text either way.
  sendText(exchange, status, body);
}

/** Maps an upstream failure (undici error or socket error) to a ProxyError (reference §7.1). */
export function classifyUpstreamError(err: unknown, clientGone: boolean): ProxyError {
  if (clientGone) return proxyError('CLIENT_CLOSED', undefined, err);
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return proxyError('GATEWAY_TIMEOUT', undefined, err);
    default:
      return proxyError('BAD_GATEWAY', undefined, err);
  }
}
