/**
 * The `Date` header value (RFC 9110 §6.6.1, IMF-fixdate), formatted once per second: a busy
 * connection writes it on every response.
 */

let cachedSecond = -1;
let cachedValue = '';

/** The HTTP-date of `nowMs` (wall-clock milliseconds; default now). */
export function httpDate(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedValue = new Date(second * 1000).toUTCString();
  }
  return cachedValue;
}
