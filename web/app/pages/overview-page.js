/**
 * Overview: the entry points with their live traffic, the counts of routers, services and
 * middlewares with their errors and warnings, the health of the services, and the providers.
 */
import { getJson, getList } from '../api.js';
import { HealthBadge } from '../components/badge.js';
import { Sparkline } from '../components/line-chart.js';
import { PageFrame } from '../components/page-frame.js';
import { formatMs, formatPercent, formatRate } from '../format.js';
import { html } from '../html.js';
import { errorShare, seriesOf, useLiveStats } from '../live-stats.js';
import { pageHref } from '../route.js';
import { indexByName, serviceHealth } from '../service-health.js';
import { useResource } from '../use-resource.js';

/**
 * @typedef {import('../api-types').Overview} Overview
 * @typedef {import('../api-types').EntryPoint} EntryPoint
 * @typedef {import('../api-types').Service} Service
 * @typedef {import('../api-types').SectionCounts} SectionCounts
 * @typedef {import('../service-health.js').ServiceHealth} ServiceHealth
 */

/**
 * One section's counts: total, and the disabled and warning items when there are any.
 * @param {{label: string, counts: SectionCounts, href: string, testid: string}} props
 */
function CountTile({ label, counts, href, testid }) {
  return html`
    <a class="tile" href=${href} data-testid=${testid}>
      <span class="tile-value">${counts.total}</span>
      <span class="tile-label">${label}</span>
      <span class="tile-notes">
        ${counts.errors > 0 ? html`<span class="note tone-down">${counts.errors} disabled</span>` : null}
        ${counts.warnings > 0 ? html`<span class="note tone-warn">${counts.warnings} with warnings</span>` : null}
        ${counts.errors === 0 && counts.warnings === 0 ? html`<span class="note tone-ok">no errors</span>` : null}
      </span>
    </a>`;
}

/** How many services the busiest list shows. */
const BUSIEST_SHOWN = 8;

/** @type {readonly ServiceHealth[]} */
const HEALTH_ORDER = ['DOWN', 'FALLBACK', 'DEGRADED', 'DRAINING', 'UP', 'DISABLED', 'UNUSED'];

export function OverviewPage() {
  const overview = useResource('overview', (signal) => /** @type {Promise<Overview>} */ (getJson('overview', signal)));
  const entryPoints = useResource('entrypoints', (signal) => /** @type {Promise<EntryPoint[]>} */ (getList('entrypoints', signal)));
  const services = useResource('http/services', (signal) => /** @type {Promise<Service[]>} */ (getList('http/services', signal)));
  const live = useLiveStats();
  const error = overview.error ?? entryPoints.error ?? services.error;
  const o = overview.data;
  const stats = live.latest;

  const eps = entryPoints.data ?? [];
  const totalRate = eps.reduce((sum, ep) => sum + (stats?.entryPoints[ep.name]?.rate ?? 0), 0);
  const totalInFlight = eps.reduce((sum, ep) => sum + (stats?.entryPoints[ep.name]?.inFlight ?? 0), 0);
  const windowed = eps.map((ep) => stats?.entryPoints[ep.name]).filter((s) => s !== undefined);
  const windowTotal = windowed.reduce((sum, s) => sum + s.window['1xx'] + s.window['2xx'] + s.window['3xx'] + s.window['4xx'] + s.window['5xx'], 0);
  const window5xx = windowed.reduce((sum, s) => sum + s.window['5xx'], 0);
  const worstP95 = windowed.reduce((max, s) => Math.max(max, s.latencyMs?.p95 ?? 0), 0);

  const byName = indexByName(services.data ?? []);
  /** @type {Map<ServiceHealth, string[]>} */
  const byHealth = new Map();
  for (const name of byName.keys()) {
    const health = serviceHealth(name, byName);
    byHealth.set(health, [...(byHealth.get(health) ?? []), name]);
  }
  // Services with traffic in the window, busiest first (internal ones serve the dashboard itself).
  const busiest = Object.entries(stats?.services ?? {})
    .filter(([name, s]) => !name.endsWith('@internal') && (s.rate > 0 || s.inFlight > 0))
    .sort(([a, x], [b, y]) => y.rate - x.rate || a.localeCompare(b))
    .slice(0, BUSIEST_SHOWN)
    .map(([name]) => name);
  const troubled = [...(byHealth.get('DOWN') ?? []), ...(byHealth.get('FALLBACK') ?? []), ...(byHealth.get('DEGRADED') ?? [])];

  return html`
    <${PageFrame} title="Overview" testid="page-overview" error=${error} loading=${o === undefined && error === undefined}
      summary=${stats === undefined ? 'Waiting for live statistics…' : `Live over the last ${stats.windowSeconds} s, updated every second.`}>
      <div class="tiles hero">
        <div class="tile" data-testid="total-rate" data-value=${totalRate}>
          <span class="tile-value">${formatRate(totalRate)}</span><span class="tile-label">through all entry points</span>
        </div>
        <div class="tile"><span class="tile-value">${totalInFlight}</span><span class="tile-label">requests in flight</span></div>
        <div class="tile">
          <span class=${`tile-value ${window5xx > 0 ? 'text-down' : ''}`}>${formatPercent(windowTotal === 0 ? 0 : window5xx / windowTotal)}</span>
          <span class="tile-label">answered 5xx</span>
        </div>
        <div class="tile"><span class="tile-value">${formatMs(windowed.length === 0 || worstP95 === 0 ? null : worstP95)}</span><span class="tile-label">p95 latency (slowest entry point)</span></div>
      </div>

      <h2>Entry points</h2>
      <div class="table-wrap">
        <table class="data" data-testid="entrypoints">
          <thead><tr><th>Name</th><th>Address</th><th class="num">Rate</th><th>Last 2 min</th><th class="num">In flight</th><th class="num">4xx</th><th class="num">5xx</th><th class="num">p95</th></tr></thead>
          <tbody>
            ${eps.map((ep) => {
              const s = stats?.entryPoints[ep.name];
              return html`<tr key=${ep.name} data-name=${ep.name}>
                <td><b>${ep.name}</b></td>
                <td class="mono">${ep.address}</td>
                <td class="num" data-testid="entrypoint-rate" data-value=${s?.rate ?? 0}>${formatRate(s?.rate ?? 0)}</td>
                <td class="spark"><${Sparkline} values=${seriesOf(live.history, (snap) => snap.entryPoints[ep.name]?.rate)} /></td>
                <td class="num">${s?.inFlight ?? 0}</td>
                <td class="num">${formatPercent(s?.errorRatio['4xx'] ?? 0)}</td>
                <td class=${`num ${errorShare(s, '5xx') > 0 ? 'text-down' : ''}`}>${formatPercent(errorShare(s, '5xx'))}</td>
                <td class="num">${formatMs(s?.latencyMs?.p95)}</td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>

      <h2>Busiest services</h2>
      ${busiest.length === 0 ? html`<p class="muted">No service has had a request since the dashboard opened.</p>` : html`
        <div class="table-wrap">
          <table class="data" data-testid="busiest-services">
            <thead><tr><th>Service</th><th>Health</th><th class="num">Rate</th><th>Last 2 min</th><th class="num">5xx</th><th class="num">p50</th><th class="num">p95</th><th class="num">In flight</th></tr></thead>
            <tbody>
              ${busiest.map((name) => {
                const s = stats?.services[name];
                return html`<tr key=${name} data-name=${name}>
                  <td><a class="mono strong" href=${pageHref('services', { q: name })}>${name}</a></td>
                  <td>${byName.has(name) ? html`<${HealthBadge} health=${serviceHealth(name, byName)} />` : null}</td>
                  <td class="num">${formatRate(s?.rate ?? 0)}</td>
                  <td class="spark"><${Sparkline} values=${seriesOf(live.history, (snap) => snap.services[name]?.rate)} /></td>
                  <td class=${`num ${errorShare(s, '5xx') > 0 ? 'text-down' : ''}`}>${formatPercent(errorShare(s, '5xx'))}</td>
                  <td class="num">${formatMs(s?.latencyMs?.p50)}</td>
                  <td class="num">${formatMs(s?.latencyMs?.p95)}</td>
                  <td class="num">${s?.inFlight ?? 0}</td>
                </tr>`;
              })}
            </tbody>
          </table>
        </div>`}

      ${o === undefined ? null : html`
        <h2>Configuration</h2>
        <div class="tiles">
          <${CountTile} label="HTTP routers" counts=${o.http.routers} href=${pageHref('routers')} testid="count-http-routers" />
          <${CountTile} label="HTTP services" counts=${o.http.services} href=${pageHref('services')} testid="count-http-services" />
          <${CountTile} label="HTTP middlewares" counts=${o.http.middlewares} href=${pageHref('middlewares')} testid="count-http-middlewares" />
          ${o.tcp.routers.total + o.tcp.services.total > 0 ? html`
            <${CountTile} label="TCP routers" counts=${o.tcp.routers} href=${pageHref('routers', { protocol: 'tcp' })} testid="count-tcp-routers" />
            <${CountTile} label="TCP services" counts=${o.tcp.services} href=${pageHref('services')} testid="count-tcp-services" />` : null}
          ${o.udp.routers.total + o.udp.services.total > 0 ? html`
            <${CountTile} label="UDP routers" counts=${o.udp.routers} href=${pageHref('routers', { protocol: 'udp' })} testid="count-udp-routers" />` : null}
        </div>`}

      <h2>Service health</h2>
      <div class="health-summary" data-testid="health-summary">
        ${HEALTH_ORDER.filter((h) => (byHealth.get(h)?.length ?? 0) > 0).map((h) => html`
          <span class="health-count"><${HealthBadge} health=${h} /> ${byHealth.get(h)?.length ?? 0}</span>`)}
      </div>
      ${troubled.length === 0 ? html`<p class="muted">Every service in use has a server to send requests to.</p>` : html`
        <ul class="troubled" data-testid="troubled-services">
          ${troubled.map((name) => html`<li key=${name}>
            <${HealthBadge} health=${serviceHealth(name, byName)} />
            <a href=${pageHref('services', { q: name })} class="mono">${name}</a>
          </li>`)}
        </ul>`}

      ${o === undefined ? null : html`
        <h2>Providers and features</h2>
        <p data-testid="providers">
          ${(o.providers ?? []).length === 0 ? html`<span class="muted">No provider configured.</span>` : (o.providers ?? []).map((p) => html`<span class="chip" key=${p}>${p}</span>`)}
          ${o.features.metrics !== '' ? html`<span class="chip">metrics: ${o.features.metrics}</span>` : null}
          ${o.features.accessLog ? html`<span class="chip">access log</span>` : null}
          ${o.features.tracing !== '' ? html`<span class="chip">tracing: ${o.features.tracing}</span>` : null}
        </p>`}
    <//>`;
}
