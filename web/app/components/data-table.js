/**
 * A table whose columns sort on click (again: the other way). Filtering is the page's job:
 * it hands in the rows to show.
 */
import { useState } from 'preact/hooks';
import { html } from '../html.js';

/**
 * @template R
 * @typedef {object} Column
 * @property {string} key
 * @property {string} label
 * @property {(row: R) => import('preact').ComponentChildren} render
 * @property {(row: R) => string | number} [sortValue] absent: the column does not sort
 * @property {string} [className]
 */

/**
 * @typedef {{key: string, descending: boolean}} SortOrder
 */

/**
 * @param {string | number} a
 * @param {string | number} b
 */
function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/**
 * @template R
 * @param {{columns: readonly Column<R>[], rows: readonly R[], rowKey: (row: R) => string,
 *   initialSort?: SortOrder, empty?: string, testid?: string, rowClass?: (row: R) => string}} props
 */
export function DataTable({ columns, rows, rowKey, initialSort, empty = 'Nothing to show.', testid, rowClass }) {
  const [order, setOrder] = useState(/** @type {SortOrder | undefined} */ (initialSort));
  const column = columns.find((c) => c.key === order?.key);
  const sorted = column?.sortValue === undefined ? rows : [...rows].sort((a, b) => {
    const sortValue = /** @type {(row: R) => string | number} */ (column.sortValue);
    const result = compare(sortValue(a), sortValue(b)) || compare(rowKey(a), rowKey(b));
    return order?.descending === true ? -result : result;
  });
  /** @param {Column<R>} c */
  const toggle = (c) => setOrder({ key: c.key, descending: order?.key === c.key ? !order.descending : false });
  return html`
    <div class="table-wrap">
      <table class="data" data-testid=${testid}>
        <thead><tr>
          ${columns.map((c) => {
            const sortedHere = order?.key === c.key;
            const ariaSort = sortedHere ? (order.descending ? 'descending' : 'ascending') : undefined;
            return html`<th class=${c.className} aria-sort=${ariaSort} data-column=${c.key}>
              ${c.sortValue === undefined ? c.label : html`<button type="button" class="sort" onClick=${() => toggle(c)}>
                ${c.label}<span class="sort-mark" aria-hidden="true">${sortedHere ? (order.descending ? ' ▼' : ' ▲') : ''}</span>
              </button>`}
            </th>`;
          })}
        </tr></thead>
        <tbody>
          ${sorted.length === 0
            ? html`<tr><td class="empty" colspan=${columns.length}>${empty}</td></tr>`
            : sorted.map((row) => html`<tr key=${rowKey(row)} data-name=${rowKey(row)} class=${rowClass?.(row)}>
                ${columns.map((c) => html`<td class=${c.className} data-column=${c.key}>${c.render(row)}</td>`)}
              </tr>`)}
        </tbody>
      </table>
    </div>`;
}
