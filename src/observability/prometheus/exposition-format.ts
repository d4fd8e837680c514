/**
 * The pieces of Prometheus' text exposition format 0.0.4 that need care: numbers written as
 * the Go client writes them (so `/metrics` reads exactly like Traefik's), and escaping.
 *
 * Format reference: https://prometheus.io/docs/instrumenting/exposition_formats/ (text format
 * 0.0.4): `# HELP` escapes `\` and newline; label values escape `\`, `"` and newline.
 */

/** The Content-Type of the text format, as Prometheus' own clients send it. */
export const expositionContentType = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Formats a sample value or a bucket bound as Go's `strconv.FormatFloat(v, 'g', -1, 64)`,
 * which client_golang (and so Traefik) uses: the shortest digits that read back as `v`,
 * in exponent form (`1.234567e+06`, `1e-05`) when the decimal exponent is below -4 or at
 * least 6, plain otherwise; `+Inf`, `-Inf`, `NaN`.
 */
export function formatSampleValue(v: number): string {
  if (v === 0) return '0'; // -0 too, as client_golang writes it
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  // toExponential() with no argument gives the shortest round-trip digits, as Go's -1 does.
  const exp = v.toExponential();
  const e = exp.indexOf('e');
  const exponent = Number(exp.slice(e + 1));
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent));
    return `${exp.slice(0, e)}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
  }
  // Between 1e-4 and 1e6 JavaScript's own String() is already plain decimal with the same
  // shortest digits.
  return String(v);
}

/** Escapes a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  if (!needsLabelEscape.test(value)) return value;
  return value.replace(labelEscapes, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Escapes a `# HELP` text: backslash and line feed. */
export function escapeHelp(text: string): string {
  return text.replace(helpEscapes, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

const needsLabelEscape = /[\\"\n]/;
const labelEscapes = /[\\"\n]/g;
const helpEscapes = /[\\\n]/g;
