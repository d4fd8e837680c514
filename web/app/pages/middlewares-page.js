/**
 * Middlewares: HTTP and TCP middlewares with their type, configuration, status, the routers
 * using them and their diagnostics.
 */
import { useState } from 'preact/hooks';
import { getList } from '../api.js';
import { StatusBadge } from '../components/badge.js';
import { DataTable } from '../components/data-table.js';
import { FilterBox, PageFrame } from '../components/page-frame.js';
import { html } from '../html.js';
import { diagnosticLocation, diagnosticsOf } from '../item-diagnostics.js';
import { pageHref, replaceParams } from '../route.js';
import { useResource } from '../use-resource.js';

/**
 * @typedef {import('../api-types').Middleware} Middleware
 * @typedef {import('../api-types').Diagnostic} Diagnostic
 */

/** Keys of a middleware that are the API's facts rather than its configuration. */
const FACT_KEYS = new Set(['name', 'provider', 'status', 'type', 'error', 'usedBy']);

/**
 * The configuration of a middleware as compact JSON (`{"prefixes":["/api"]}`).
 * @param {Middleware} middleware
 */
function configText(middleware) {
  const entries = Object.entries(middleware).filter(([key]) => !FACT_KEYS.has(key));
  const value = entries.length === 1 ? entries[0]?.[1] : Object.fromEntries(entries);
  const text = JSON.stringify(value) ?? '';
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** @param {{params: URLSearchParams}} props */
export function MiddlewaresPage({ params }) {
  const protocol = params.get('protocol') === 'tcp' ? 'tcp' : 'http';
  const [text, setText] = useState(params.get('q') ?? '');
  const middlewares = useResource(`${protocol}/middlewares`, (signal) => /** @type {Promise<Middleware[]>} */ (getList(`${protocol}/middlewares`, signal)));
  const diagnostics = useResource('diagnostics', (signal) => /** @type {Promise<Diagnostic[]>} */ (getList('diagnostics', signal)));
  const all = middlewares.data ?? [];
  const needle = text.trim().toLowerCase();
  const rows = all.filter((m) => needle === '' || m.name.toLowerCase().includes(needle) || (m.type ?? '').toLowerCase().includes(needle));

  /** @type {import('../components/data-table.js').Column<Middleware>[]} */
  const columns = [
    { key: 'name', label: 'Name', sortValue: (m) => m.name, render: (m) => html`<span class="mono strong">${m.name}</span>` },
    { key: 'type', label: 'Type', sortValue: (m) => m.type ?? '', render: (m) => html`<span class="chip">${m.type ?? ''}</span>` },
    { key: 'config', label: 'Configuration', render: (m) => html`<code class="config">${configText(m)}</code>` },
    { key: 'usedBy', label: 'Used by', sortValue: (m) => (m.usedBy ?? []).length,
      render: (m) => (m.usedBy ?? []).length === 0 ? html`<span class="muted">no router</span>`
        : (m.usedBy ?? []).map((r) => html`<a class="chip mono" key=${r} href=${pageHref('routers', { protocol, q: r })}>${r}</a>`) },
    { key: 'status', label: 'Status', sortValue: (m) => m.status, render: (m) => html`<${StatusBadge} status=${m.status} testid="middleware-status" />` },
    { key: 'diagnostics', label: 'Diagnostics', sortValue: (m) => (m.error ?? []).length, render: (m) => {
      const found = diagnosticsOf(diagnostics.data ?? [], protocol === 'tcp' ? 'tcp.middlewares' : 'http.middlewares', m.name);
      const lines = found.length > 0 ? found.map((d) => `${d.message} (${diagnosticLocation(d, m.name)})`) : [...(m.error ?? [])];
      return html`<ul class="diagnostics">${lines.map((l) => html`<li class=${m.status === 'warning' ? 'text-warn' : 'text-down'}>${l}</li>`)}</ul>`;
    } },
  ];

  return html`
    <${PageFrame} title="Middlewares" testid="page-middlewares" error=${middlewares.error} loading=${middlewares.loading}
      summary=${`${all.length} ${protocol.toUpperCase()} middlewares, ${all.filter((m) => m.status !== 'enabled').length} with errors or warnings.`}>
      <div class="toolbar">
        <nav class="tabs" aria-label="Protocol">
          ${['http', 'tcp'].map((p) => html`<a key=${p} href=${pageHref('middlewares', { protocol: p })} class=${p === protocol ? 'active' : ''}
            aria-current=${p === protocol ? 'page' : undefined}>${p.toUpperCase()}</a>`)}
        </nav>
        <${FilterBox} value=${text} placeholder="Filter by name or type…" testid="middlewares-filter"
          onInput=${(/** @type {string} */ q) => { setText(q); replaceParams('middlewares', { protocol, q }); }} />
      </div>
      <${DataTable} columns=${columns} rows=${rows} rowKey=${(/** @type {Middleware} */ m) => m.name} testid="middlewares-table"
        initialSort=${{ key: 'name', descending: false }} empty="No middleware matches." />
    <//>`;
}
