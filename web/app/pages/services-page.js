/**
 * Services as a tree: each service that no other service uses is a root, with its children
 * (weighted, mirroring, failover) and servers below it. The filter keeps the trees in which
 * some service's name contains the text.
 */
import { useState } from 'preact/hooks';
import { getList } from '../api.js';
import { HealthBadge, StatusBadge } from '../components/badge.js';
import { DataTable } from '../components/data-table.js';
import { FilterBox, PageFrame } from '../components/page-frame.js';
import { ServiceNode } from '../components/service-node.js';
import { html } from '../html.js';
import { useLiveStats } from '../live-stats.js';
import { replaceParams } from '../route.js';
import { childServiceNames, indexByName, serviceHealth } from '../service-health.js';
import { useResource } from '../use-resource.js';

/**
 * @typedef {import('../api-types').Service} Service
 * @typedef {import('../service-health.js').ServiceHealth} ServiceHealth
 */

/**
 * The names of a service and of every service below it.
 * @param {string} name
 * @param {ReadonlyMap<string, Service>} byName
 * @param {Set<string>} [out]
 * @returns {Set<string>}
 */
function subtree(name, byName, out = new Set()) {
  if (out.has(name)) return out;
  out.add(name);
  const service = byName.get(name);
  if (service !== undefined) for (const child of childServiceNames(service)) subtree(child, byName, out);
  return out;
}

/** @param {{params: URLSearchParams}} props */
export function ServicesPage({ params }) {
  const [text, setText] = useState(params.get('q') ?? '');
  const services = useResource('http/services', (signal) => /** @type {Promise<Service[]>} */ (getList('http/services', signal)));
  const tcp = useResource('tcp/services', (signal) => /** @type {Promise<Service[]>} */ (getList('tcp/services', signal)));
  const udp = useResource('udp/services', (signal) => /** @type {Promise<Service[]>} */ (getList('udp/services', signal)));
  const live = useLiveStats();
  const all = services.data ?? [];
  const byName = indexByName(all);
  /** @type {Map<string, Set<string>>} child → the services that send it requests */
  const parents = new Map();
  for (const s of all) for (const child of childServiceNames(s)) parents.set(child, (parents.get(child) ?? new Set()).add(s.name));
  // A root is used by a router (or by nothing); a service used by a router and by a parent
  // service shows in both places. `usedBy` mixes routers and services, and a router may have
  // the same name as a service, so parents are told apart by the services' own references.
  const roots = all
    .filter((s) => (s.usedBy ?? []).length === 0 || (s.usedBy ?? []).some((user) => !(parents.get(s.name)?.has(user) ?? false)))
    .map((s) => s.name)
    .sort();
  const needle = text.trim().toLowerCase();
  const shown = needle === '' ? roots : roots.filter((root) => [...subtree(root, byName)].some((n) => n.toLowerCase().includes(needle)));
  /** @type {Map<ServiceHealth, number>} */
  const counts = new Map();
  for (const s of all) {
    const h = serviceHealth(s.name, byName);
    counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  const ctx = { byName, latest: live.latest, history: live.history, now: Date.now() };
  const layer4 = [...(tcp.data ?? []).map((s) => ({ ...s, protocol: 'TCP' })), ...(udp.data ?? []).map((s) => ({ ...s, protocol: 'UDP' }))];

  return html`
    <${PageFrame} title="Services" testid="page-services" error=${services.error} loading=${services.loading}
      summary=${html`<span>${all.length} HTTP services:</span> ${[...counts.entries()].map(([h, n]) => html`<span class="health-count" key=${h}><${HealthBadge} health=${h} /> ${n}</span>`)}`}>
      <div class="toolbar">
        <${FilterBox} value=${text} placeholder="Filter by service name…" testid="services-filter"
          onInput=${(/** @type {string} */ q) => { setText(q); replaceParams('services', { q }); }} />
        <span class="muted">Actual shares count the requests each parent handed its children since they appeared.</span>
      </div>
      ${shown.length === 0 ? html`<p class="muted">No service matches.</p>` : null}
      <div class="tree" data-testid="service-tree">
        ${shown.map((root) => html`<div class="tree-root" key=${root}><${ServiceNode} name=${root} ctx=${ctx} /></div>`)}
      </div>
      ${layer4.length === 0 ? null : html`
        <h2>TCP and UDP services</h2>
        <${DataTable} testid="l4-services" rows=${layer4} rowKey=${(/** @type {Service} */ s) => s.name}
          initialSort=${{ key: 'name', descending: false }}
          columns=${[
            { key: 'name', label: 'Name', sortValue: (/** @type {Service} */ s) => s.name, render: (/** @type {Service} */ s) => html`<span class="mono strong">${s.name}</span>` },
            { key: 'protocol', label: 'Protocol', sortValue: (/** @type {{protocol: string}} */ s) => s.protocol, render: (/** @type {{protocol: string}} */ s) => s.protocol },
            { key: 'type', label: 'Type', sortValue: (/** @type {Service} */ s) => s.type ?? '', render: (/** @type {Service} */ s) => s.type ?? '' },
            { key: 'servers', label: 'Servers', render: (/** @type {Service} */ s) => (s.loadBalancer?.servers ?? []).map((srv) => html`<span class="chip mono">${srv.address ?? srv.url ?? ''}</span>`) },
            { key: 'status', label: 'Status', sortValue: (/** @type {Service} */ s) => s.status, render: (/** @type {Service} */ s) => html`<${StatusBadge} status=${s.status} />` },
          ]} />`}
    <//>`;
}
