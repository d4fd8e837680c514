/**
 * Go's `time.Duration.String()`, for the `X-Retry-In` header Traefik's rateLimit sends: `500ms`,
 * `1.5s`, `1m0s`, `2h0m0s`, `1.234µs`; the fraction keeps up to nine digits without trailing
 * zeros.
 */

/** Formats a whole number of nanoseconds the way Go prints a Duration. */
export function formatGoDuration(nanoseconds: number): string {
  const ns = Math.trunc(nanoseconds);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const u = Math.abs(ns);
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${decimal(u, 3)}µs`;
  if (u < 1e9) return `${sign}${decimal(u, 6)}ms`;
  const seconds = `${decimal(u % 60e9, 9)}s`;
  const minutes = Math.floor(u / 60e9);
  if (minutes === 0) return `${sign}${seconds}`;
  const hours = Math.floor(minutes / 60);
  return `${sign}${hours > 0 ? `${hours}h` : ''}${minutes % 60}m${seconds}`;
}

/** `value / 10^digits` written exactly, without trailing zeros in the fraction. */
function decimal(value: number, digits: number): string {
  const scale = 10 ** digits;
  const whole = Math.floor(value / scale);
  const fraction = String(value % scale).padStart(digits, '0').replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}
