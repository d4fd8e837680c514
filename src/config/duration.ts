/**
 * Go duration strings as Traefik reads them (paerser `types.Duration`): an integer without a
 * unit is a number of seconds; otherwise Go's `time.ParseDuration` syntax (`1h2m3.5s`, `100ms`,
 * `-1s`, `0`). Switchyard keeps durations as milliseconds.
 */

const unitMs: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const segment = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;

/**
 * Parses a Go duration (or an integer number of seconds) into milliseconds; null when the text
 * is not a valid duration.
 */
export function parseGoDuration(text: string): number | null {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  let rest = trimmed;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return null;
  let total = 0;
  while (rest !== '') {
    const match = segment.exec(rest);
    if (match === null) return null;
    const whole = match[1] ?? '';
    const fraction = match[2] ?? '';
    if (whole === '' && fraction === '') return null;
    const value = Number(`${whole === '' ? '0' : whole}.${fraction === '' ? '0' : fraction}`);
    total += value * unitMs[match[3]!]!;
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}

/** Formats milliseconds as a short Go-style duration (`1m30s`, `100ms`), for messages and the API. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const parts: string[] = [];
  const hours = Math.floor(rest / 3_600_000);
  if (hours > 0) parts.push(`${hours}h`);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  if (minutes > 0) parts.push(`${minutes}m`);
  rest -= minutes * 60_000;
  if (rest > 0) parts.push(`${rest / 1000}s`);
  return sign + parts.join('');
}
