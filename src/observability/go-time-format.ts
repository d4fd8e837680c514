/**
 * Timestamps formatted exactly as Traefik's Go code prints them, so log parsers written for
 * Traefik keep working. Offsets are minutes east of UTC (Go's convention; the opposite sign of
 * `Date#getTimezoneOffset`).
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

/** The local time zone's offset at `ms`, in minutes east of UTC. */
export function localOffsetMinutes(ms: number): number {
  // `|| 0` turns the -0 of UTC into 0.
  return -new Date(ms).getTimezoneOffset() || 0;
}

/** Shifts an epoch time so that its UTC fields read as the wall clock at `offsetMinutes`. */
function shifted(ms: number, offsetMinutes: number): Date {
  return new Date(ms + offsetMinutes * 60_000);
}

function offsetDigits(offsetMinutes: number, separator: string): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return sign + pad2(Math.floor(abs / 60)) + separator + pad2(abs % 60);
}

/** Go layout `02/Jan/2006:15:04:05 -0700` (the access log's common format). */
export function formatCommonLogTime(ms: number, offsetMinutes: number): string {
  const d = shifted(ms, offsetMinutes);
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]!}/${d.getUTCFullYear()}:` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ` +
    offsetDigits(offsetMinutes, '');
}

/**
 * RFC 3339 as Go writes it: `2006-01-02T15:04:05Z07:00` (`Z` for UTC). With `fraction`, the
 * sub-second part is added with trailing zeros removed, as Go's `RFC3339Nano` (and
 * `time.Time`'s JSON encoding) does.
 */
export function formatRfc3339(ms: number, offsetMinutes: number, fraction: boolean): string {
  const d = shifted(ms, offsetMinutes);
  let out = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  if (fraction) {
    const millis = d.getUTCMilliseconds();
    if (millis !== 0) out += `.${pad3(millis).replace(/0+$/, '')}`;
  }
  return out + (offsetMinutes === 0 ? 'Z' : offsetDigits(offsetMinutes, ':'));
}
