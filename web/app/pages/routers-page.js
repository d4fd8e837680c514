/**
 * Routers: every HTTP, TCP or UDP router with its rule, priority, entry points, service (and
 * that service's real health), middlewares, status, live rate and diagnostics; sortable and
 * filtered by text and status.
 */
import { useState } from 'preact/hooks';
import { getList } from '../api.js';
import { HealthBadge, StatusBadge } from '../components/badge.js';
import { DataTable } from '../components/data-table.js';
import { FilterBox, PageFrame } from '../components/page-frame.js';
import { formatPercent, formatRate } from '../format.js';
import { html } from '../html.js';
import { diagnosticLocation, diagnosticsOf } from '../item-diagnostics.js';
import { errorShare, useLiveStats } from '../live-stats.js';
import { pageHref, replaceParams } from '../route.js';
import { indexByName, qualifyName, serviceHealth } from '../service-health.js';
import { useResource } from '../use-resource.js';

/**
 * @typedef {import('../api-types').Router} Router
 * @typedef {import('../api-types').Service} Service
 * @typedef {import('../api-types').Diagnostic} Diagnostic
 * @typedef {import('../api-types').ItemStatus} ItemStatus
 * @typedef {'http' | 'tcp' | 'udp'} Protocol
 */

/** @type {readonly Protocol[]} */
const PROTOCOLS = ['http', 'tcp', 'udp'];

/**
 * @param {Router} router
 * @param {string} text lower-case
 */
function matchesText(router, text) {
  if (text === '') return true;
  return [router.name, router.rule ?? '', router.service ?? '', ...(router.entryPoints ?? []), ...(router.middlewares ?? [])]
    .some((field) => field.toLowerCase().includes(text));
}

/** @param {{params: URLSearchParams}} props */
export function RoutersPage({ params }) {
  const protocolParam = params.get('protocol') ?? 'http';
  /** @type {Protocol} */
  const protocol = PROTOCOLS.find((p) => p === protocolParam) ?? 'http';
  const [text, setText] = useState(params.get('q') ?? '');
  const [status, setStatus] = useState(params.get('status') ?? '');
  const routers = useResource(`${protocol}/routers`, (signal) => /** @type {Promise<Router[]>} */ (getList(`${protocol}/routers`, signal)));
  const services = useResource(`${protocol}/services`, (signal) => /** @type {Promise<Service[]>} */ (getList(`${protocol}/services`, signal)));
  const diagnostics = useResource('diagnostics', (signal) => /** @type {Promise<Diagnostic[]>} */ (getList('diagnostics', signal)));
  const live = useLiveStats();
  const byName = indexByName(services.data ?? []);

  /** @param {{q?: string, status?: string}} change */
  const update = (change) => {
    if (change.q !== undefined) setText(change.q);
    if (change.status !== undefined) setStatus(change.status);
    replaceParams('routers', { protocol, q: text, status, ...change });
  };
  const all = routers.data ?? [];
  const rows = all.filter((r) => matchesText(r, text.toLowerCase()) && (status === '' || r.status === status));
  const counts = { enabled: 0, warning: 0, disabled: 0 };
  for (const r of all) counts[r.status]++;

  /** @type {import('../components/data-table.js').Column<Router>[]} */
  const columns = [
    { key: 'name', label: 'Name', sortValue: (r) => r.name, render: (r) => html`<span class="mono strong">${r.name}</span>` },
    ...(protocol === 'udp' ? [] : [{
      key: 'rule', label: 'Rule', sortValue: (/** @type {Router} */ r) => r.rule ?? '',
      render: (/** @type {Router} */ r) => html`<code class="rule">${r.rule ?? ''}</code>`,
    }, {
      key: 'priority', label: 'Priority', className: 'num', sortValue: (/** @type {Router} */ r) => r.priority ?? 0,
      render: (/** @type {Router} */ r) => String(r.priority ?? ''),
    }]),
    { key: 'entryPoints', label: 'Entry points', sortValue: (r) => (r.entryPoints ?? r.using ?? []).join(','),
      render: (r) => (r.entryPoints ?? r.using ?? []).map((ep) => html`<span class="chip" key=${ep}>${ep}</span>`) },
    { key: 'service', label: 'Service', sortValue: (r) => r.service ?? '', render: (r) => {
      if (r.service === undefined) return '';
      const name = qualifyName(r.service, r.provider);
      const known = byName.has(name);
      return html`<span class="service-cell">
        ${protocol === 'http' && known ? html`<${HealthBadge} health=${serviceHealth(name, byName)} testid="router-service-health" />` : null}
        <a class="mono" href=${pageHref('services', { q: name })}>${r.service}</a>
      </span>`;
    } },
    ...(protocol === 'udp' ? [] : [{
      key: 'middlewares', label: 'Middlewares', sortValue: (/** @type {Router} */ r) => (r.middlewares ?? []).length,
      render: (/** @type {Router} */ r) => (r.middlewares ?? []).map((m) => html`<a class="chip mono" key=${m} href=${pageHref('middlewares', { q: qualifyName(m, r.provider) })}>${m}</a>`),
    }]),
    { key: 'status', label: 'Status', sortValue: (r) => r.status, render: (r) => html`<${StatusBadge} status=${r.status} testid="router-status" />` },
    ...(protocol === 'http' ? [{
      key: 'rate', label: 'Rate', className: 'num', sortValue: (/** @type {Router} */ r) => live.latest?.routers[r.name]?.rate ?? 0,
      render: (/** @type {Router} */ r) => formatRate(live.latest?.routers[r.name]?.rate ?? 0),
    }, {
      key: 'errors', label: '5xx', className: 'num', sortValue: (/** @type {Router} */ r) => errorShare(live.latest?.routers[r.name], '5xx'),
      render: (/** @type {Router} */ r) => {
        const share = errorShare(live.latest?.routers[r.name], '5xx');
        return html`<span class=${share > 0 ? 'text-down' : ''}>${formatPercent(share)}</span>`;
      },
    }] : []),
    { key: 'diagnostics', label: 'Diagnostics', sortValue: (r) => (r.error ?? []).length, render: (r) => {
      const found = diagnosticsOf(diagnostics.data ?? [], /** @type {'http.routers'} */ (`${protocol}.routers`), r.name);
      const messages = found.length > 0 ? found.map((d) => ({ text: d.message, where: diagnosticLocation(d, r.name), severity: d.severity }))
        : (r.error ?? []).map((e) => ({ text: e, where: '', severity: r.status === 'warning' ? 'warning' : 'error' }));
      return html`<ul class="diagnostics">${messages.map((m) => html`<li class=${m.severity === 'warning' ? 'text-warn' : 'text-down'}>
        ${m.text}${m.where === '' ? null : html` <span class="where mono">${m.where}</span>`}</li>`)}</ul>`;
    } },
  ];

  return html`
    <${PageFrame} title="Routers" testid="page-routers" error=${routers.error} loading=${routers.loading}
      summary=${`${all.length} ${protocol.toUpperCase()} routers: ${counts.enabled} enabled, ${counts.warning} with warnings, ${counts.disabled} disabled.`}>
      <div class="toolbar">
        <nav class="tabs" aria-label="Protocol">
          ${PROTOCOLS.map((p) => html`<a key=${p} href=${pageHref('routers', { protocol: p })} class=${p === protocol ? 'active' : ''}
            aria-current=${p === protocol ? 'page' : undefined}>${p.toUpperCase()}</a>`)}
        </nav>
        <${FilterBox} value=${text} placeholder="Filter by name, rule, service…" testid="routers-filter" onInput=${(/** @type {string} */ q) => update({ q })} />
        <select aria-label="Status" data-testid="routers-status" value=${status}
          onChange=${(/** @type {Event} */ e) => update({ status: /** @type {HTMLSelectElement} */ (e.currentTarget).value })}>
          <option value="">every status</option>
          <option value="enabled">enabled</option>
          <option value="warning">warning</option>
          <option value="disabled">disabled</option>
        </select>
      </div>
      <${DataTable} columns=${columns} rows=${rows} rowKey=${(/** @type {Router} */ r) => r.name} testid="routers-table"
        initialSort=${{ key: 'priority', descending: true }} empty="No router matches." />
    <//>`;
}
