/**
 * Durations as Go's `time.Duration.String()` writes them (`30s`, `1m30s`, `1h0m0s`, `100ms`,
 * `1.5µs`): the text Traefik users read in its API and wrote in their configuration.
 */

/** `ns` as a decimal number of `unit` with trailing fractional zeros removed. */
function scaled(ns: number, unit: number, digits: number): string {
  const whole = Math.floor(ns / unit);
  const rest = ns % unit;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** Formats a duration given in milliseconds (fractions allowed) as Go prints it. */
export function formatGoDuration(ms: number): string {
  let ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${scaled(ns, 1e3, 3)}µs`;
  if (ns < 1e9) return `${sign}${scaled(ns, 1e6, 6)}ms`;
  const totalSeconds = Math.floor(ns / 1e9);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = scaled((totalSeconds % 60) * 1e9 + (ns % 1e9), 1e9, 9);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}
