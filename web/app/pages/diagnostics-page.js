/**
 * Diagnostics: every item that is disabled or has warnings, with what is wrong and where
 * (file:line:column, or the Kubernetes object), then every diagnostic of the running
 * configuration.
 */
import { getList } from '../api.js';
import { Badge, StatusBadge } from '../components/badge.js';
import { DataTable } from '../components/data-table.js';
import { PageFrame } from '../components/page-frame.js';
import { html } from '../html.js';
import { diagnosticLocation, diagnosticsOf } from '../item-diagnostics.js';
import { pageHref } from '../route.js';
import { useResource } from '../use-resource.js';

/**
 * @typedef {import('../api-types').Item} Item
 * @typedef {import('../api-types').Diagnostic} Diagnostic
 * @typedef {import('../item-diagnostics.js').Section} Section
 * @typedef {{section: Section, item: Item}} Flagged
 */

/** @type {readonly Section[]} */
const SECTIONS = ['http.routers', 'http.services', 'http.middlewares', 'tcp.routers', 'tcp.services', 'tcp.middlewares', 'udp.routers', 'udp.services'];

/**
 * The page of the dashboard that shows an item of a section.
 * @param {Section} section
 * @param {string} name
 */
function itemHref(section, name) {
  const [protocol = 'http', kind = ''] = section.split('.');
  if (kind === 'routers') return pageHref('routers', { protocol, q: name });
  if (kind === 'middlewares') return pageHref('middlewares', { protocol, q: name });
  return pageHref('services', { q: name });
}

/**
 * @param {AbortSignal} signal
 * @returns {Promise<Flagged[]>}
 */
async function loadFlagged(signal) {
  const lists = await Promise.all(SECTIONS.map(async (section) => {
    const items = /** @type {Item[]} */ (await getList(section.replace('.', '/'), signal));
    return items.filter((item) => item.status !== 'enabled').map((item) => ({ section, item }));
  }));
  return lists.flat();
}

export function DiagnosticsPage() {
  const flagged = useResource('flagged', loadFlagged, 5000);
  const diagnostics = useResource('diagnostics', (signal) => /** @type {Promise<Diagnostic[]>} */ (getList('diagnostics', signal)), 5000);
  const all = diagnostics.data ?? [];
  const items = flagged.data ?? [];
  const errors = all.filter((d) => d.severity === 'error').length;

  /** @type {import('../components/data-table.js').Column<Flagged>[]} */
  const itemColumns = [
    { key: 'status', label: 'Status', sortValue: (f) => f.item.status, render: (f) => html`<${StatusBadge} status=${f.item.status} />` },
    { key: 'kind', label: 'Kind', sortValue: (f) => f.section, render: (f) => f.section.replace('.', ' ').replace(/s$/, '') },
    { key: 'name', label: 'Name', sortValue: (f) => f.item.name, render: (f) => html`<a class="mono strong" href=${itemHref(f.section, f.item.name)}>${f.item.name}</a>` },
    { key: 'problem', label: 'What is wrong', render: (f) => {
      const found = diagnosticsOf(all, f.section, f.item.name);
      const messages = found.length > 0 ? found.map((d) => ({ text: d.message, where: diagnosticLocation(d, f.item.name) }))
        : (f.item.error ?? []).map((e) => ({ text: e, where: '' }));
      return html`<ul class="diagnostics">${messages.map((m) => html`<li>
        ${m.text}${m.where === '' ? null : html`<div class="where mono" data-testid="diagnostic-where">${m.where}</div>`}</li>`)}</ul>`;
    } },
  ];

  /** @type {import('../components/data-table.js').Column<Diagnostic>[]} */
  const diagnosticColumns = [
    { key: 'severity', label: 'Severity', sortValue: (d) => d.severity,
      render: (d) => html`<${Badge} label=${d.severity === 'error' ? 'ERROR' : 'WARNING'} tone=${d.severity === 'error' ? 'down' : 'warn'} />` },
    { key: 'code', label: 'Code', sortValue: (d) => d.code, render: (d) => html`<code>${d.code}</code>` },
    { key: 'where', label: 'Where', sortValue: (d) => diagnosticLocation(d), render: (d) => html`<span class="mono" data-testid="diagnostic-where">${diagnosticLocation(d, d.resource)}</span>` },
    { key: 'resource', label: 'Resource', sortValue: (d) => d.resource, render: (d) => html`<span class="mono">${d.resource}</span>` },
    { key: 'message', label: 'Message', render: (d) => html`${d.message}${d.path === '' || d.source === undefined ? null : html`<div class="where mono">${d.path}</div>`}` },
  ];

  return html`
    <${PageFrame} title="Diagnostics" testid="page-diagnostics" error=${flagged.error ?? diagnostics.error} loading=${flagged.loading || diagnostics.loading}
      summary=${`${items.length} items disabled or with warnings; ${all.length} diagnostics (${errors} errors, ${all.length - errors} warnings).`}>
      <h2>Items not fully in service</h2>
      <${DataTable} testid="flagged-items" columns=${itemColumns} rows=${items} rowKey=${(/** @type {Flagged} */ f) => `${f.section}/${f.item.name}`}
        initialSort=${{ key: 'status', descending: false }} empty="Every router, service and middleware is enabled." />
      <h2>All diagnostics</h2>
      <${DataTable} testid="diagnostics-table" columns=${diagnosticColumns} rows=${all}
        rowKey=${(/** @type {Diagnostic} */ d) => `${d.code} ${d.resource} ${d.path} ${d.message}`}
        initialSort=${{ key: 'severity', descending: false }} empty="No diagnostics: the configuration is clean." />
    <//>`;
}
