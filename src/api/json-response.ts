/**
 * JSON responses of the API, encoded as Go's `json.Encoder` writes them: `<`, `>`, `&`,
 * U+2028 and U+2029 escaped, and a trailing newline.
 */
import { writeHeadThroughHooks, type Exchange } from '../lib/exchange.ts';

const HTML_CHARS = /[<>&\u2028\u2029]/g;

/** Go's encoding of a JSON value (these characters only ever occur inside strings). */
export function encodeJson(value: unknown): string {
  return `${JSON.stringify(value).replace(HTML_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Sends `value` as `application/json` with optional extra header pairs. */
export function sendJson(exchange: Exchange, status: number, value: unknown, extraHeaders: readonly string[] = []): void {
  const body = Buffer.from(encodeJson(value));
  const headers = ['Content-Type', 'application/json', 'Content-Length', String(body.length), ...extraHeaders];
  writeHeadThroughHooks(exchange, status, headers);
  if (exchange.request.method !== 'HEAD') exchange.response.write(body);
  exchange.response.end();
}

/** Sends Traefik's error document `{"message": "…"}`. */
export function sendJsonError(exchange: Exchange, status: number, message: string): void {
  sendJson(exchange, status, { message });
}
