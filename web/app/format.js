/**
 * Numbers with their units, as every page shows them: the same value always reads the same way.
 */

/**
 * Drops trailing zeros of a fixed-point number (`2.50` → `2.5`, `3.00` → `3`).
 * @param {number} value
 * @param {number} digits
 */
function fixed(value, digits) {
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

/**
 * Requests per second: `0 req/s`, `0.25 req/s`, `12.3 req/s`, `1.2k req/s`.
 * @param {number} rate
 */
export function formatRate(rate) {
  if (!Number.isFinite(rate) || rate <= 0) return '0 req/s';
  if (rate < 10) return `${fixed(rate, 2)} req/s`;
  if (rate < 1000) return `${fixed(rate, 1)} req/s`;
  return `${fixed(rate / 1000, 1)}k req/s`;
}

/**
 * A latency in milliseconds: `0.42 ms`, `8.5 ms`, `120 ms`, `1.25 s`; `—` when unknown.
 * @param {number | null | undefined} ms
 */
export function formatMs(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${fixed(ms, 2)} ms`;
  if (ms < 10) return `${fixed(ms, 1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${fixed(ms / 1000, 2)} s`;
}

/**
 * A share (0..1) as a percentage: `0%`, `<0.1%`, `2.5%`, `75%`.
 * @param {number} ratio
 */
export function formatPercent(ratio) {
  if (!Number.isFinite(ratio) || ratio <= 0) return '0%';
  const percent = ratio * 100;
  if (percent < 0.1) return '<0.1%';
  if (percent < 10) return `${fixed(percent, 1)}%`;
  return `${Math.round(percent)}%`;
}

const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * A size in bytes with binary units: `512 B`, `1.5 KiB`, `2.3 MiB`.
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value < 10 ? fixed(value, 1) : Math.round(value)} ${byteUnits[unit]}`;
}

/**
 * A count with thousands separators: `1,234`.
 * @param {number} count
 */
export function formatCount(count) {
  return Math.round(count).toLocaleString('en-US');
}

/**
 * How long ago an ISO time was, relative to `now` (ms): `just now`, `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`.
 * @param {string} iso
 * @param {number} now
 */
export function formatAgo(iso, now) {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 2) return 'just now';
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

/**
 * A wall-clock time in the viewer's zone, to the second: `14:03:22` (with the date when not today).
 * @param {string} iso
 * @param {number} now
 */
export function formatTime(iso, now) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = date.toLocaleTimeString('en-GB', { hour12: false });
  return date.toDateString() === new Date(now).toDateString() ? time : `${date.toISOString().slice(0, 10)} ${time}`;
}
