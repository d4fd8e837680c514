/**
 * A small line chart drawn as SVG: the last HISTORY_LENGTH values of one or more series, the
 * newest on the right, scaled to a round maximum that is printed with its unit.
 */
import { html } from '../html.js';
import { HISTORY_LENGTH } from '../live-stats.js';

const WIDTH = 300;
const HEIGHT = 60;

/**
 * The smallest of 1, 2, 5 × 10^k at or above `value` (at least `floor`).
 * @param {number} value
 * @param {number} floor
 */
export function niceCeiling(value, floor) {
  const target = Math.max(value, floor);
  const power = 10 ** Math.floor(Math.log10(target));
  for (const step of [1, 2, 5, 10]) if (step * power >= target) return step * power;
  return 10 * power;
}

/**
 * @typedef {object} Series
 * @property {string} label
 * @property {readonly number[]} values oldest first
 * @property {string} tone CSS class of the line (`line-1` … `line-3`, `tone-down`, …)
 */

/** The time axis spans at least this many points, so the first seconds do not fill the chart. */
const MIN_SLOTS = 30;

/**
 * `points` of a polyline for `values`, the newest at the right edge. The axis grows with the
 * history up to HISTORY_LENGTH points, so every chart of a page has the same time scale.
 * @param {readonly number[]} values
 * @param {number} max
 */
function points(values, max) {
  const slots = Math.min(HISTORY_LENGTH, Math.max(MIN_SLOTS, values.length));
  const step = WIDTH / (slots - 1);
  const start = slots - values.length;
  return values.map((v, i) => `${((start + i) * step).toFixed(1)},${(HEIGHT - (Math.min(v, max) / max) * HEIGHT).toFixed(1)}`).join(' ');
}

/**
 * @param {{title: string, series: readonly Series[], format: (n: number) => string, floor?: number, testid?: string}} props
 *   `floor`: the smallest maximum of the scale (so that a trickle does not fill the chart)
 */
export function LineChart({ title, series, format, floor = 1, testid }) {
  const max = niceCeiling(Math.max(0, ...series.flatMap((s) => s.values)), floor);
  return html`
    <figure class="chart" data-testid=${testid}>
      <figcaption>
        <span class="chart-title">${title}</span>
        ${series.map((s) => html`<span class=${`legend ${s.tone}`}>${s.label} <b>${format(s.values[s.values.length - 1] ?? 0)}</b></span>`)}
      </figcaption>
      <div class="chart-plot">
        <span class="chart-max">${format(max)}</span>
        <svg viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label=${title}>
          <line class="grid" x1="0" y1=${HEIGHT / 2} x2=${WIDTH} y2=${HEIGHT / 2} />
          <line class="axis" x1="0" y1=${HEIGHT} x2=${WIDTH} y2=${HEIGHT} />
          ${series.map((s) => html`<polyline class=${`series ${s.tone}`} points=${points(s.values, max)} />`)}
        </svg>
      </div>
    </figure>`;
}

/**
 * A one-line trend without scale or legend, for table cells.
 * @param {{values: readonly number[], tone?: string}} props
 */
export function Sparkline({ values, tone = 'line-1' }) {
  const max = niceCeiling(Math.max(0, ...values), 1);
  return html`
    <svg class="sparkline" viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true">
      <polyline class=${`series ${tone}`} points=${points(values, max)} />
    </svg>`;
}
