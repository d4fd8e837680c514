/**
 * The frame of every page: its title, a one-line summary, and the error of the last load
 * (the data shown stays the last good one).
 */
import { html } from '../html.js';

/**
 * @param {{title: string, summary?: import('preact').ComponentChildren, error?: string | undefined,
 *   loading?: boolean, children?: import('preact').ComponentChildren, testid: string}} props
 */
export function PageFrame({ title, summary, error, loading = false, children, testid }) {
  return html`
    <section class="page" data-testid=${testid} aria-busy=${loading ? 'true' : 'false'}>
      <header class="page-head">
        <h1>${title}</h1>
        ${summary === undefined ? null : html`<p class="summary">${summary}</p>`}
      </header>
      ${error === undefined ? null : html`<p class="alert" role="alert">Could not load: ${error}</p>`}
      ${loading ? html`<p class="muted">Loading…</p>` : children}
    </section>`;
}

/**
 * A text box that filters the rows of a page.
 * @param {{value: string, onInput: (value: string) => void, placeholder: string, testid?: string}} props
 */
export function FilterBox({ value, onInput, placeholder, testid }) {
  return html`<input type="search" class="filter" value=${value} placeholder=${placeholder} aria-label=${placeholder}
    data-testid=${testid} onInput=${(/** @type {Event} */ e) => onInput(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`;
}
