/**
 * The 401 answer both auth middlewares send (go-http-auth's): `text/plain`, the challenge in
 * WWW-Authenticate, body `401 Unauthorized` and a newline.
 */
import { writeHeadThroughHooks, type Exchange } from '../../lib/exchange.ts';

/** Traefik's realm when none, or an empty one, is configured. */
export const defaultRealm = 'traefik';

/** The realm to announce and to look users up in. */
export function effectiveRealm(configured: string): string {
  return configured === '' ? defaultRealm : configured;
}

const body = Buffer.from('401 Unauthorized\n');
const contentLength = String(body.length);

/** Answers 401 with `challenge` as WWW-Authenticate. */
export function sendUnauthorized(exchange: Exchange, challenge: string): void {
  writeHeadThroughHooks(exchange, 401, ['Content-Type', 'text/plain', 'WWW-Authenticate', challenge, 'Content-Length', contentLength]);
  if (exchange.request.method !== 'HEAD') exchange.response.write(body);
  exchange.response.end();
}
