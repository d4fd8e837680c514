/**
 * Live traffic: charts of requests per second, error ratios and latency for every entry point
 * and service, with each loadBalancer's servers, fed by the stats stream (one point a second,
 * the last two minutes).
 */
import { useState } from 'preact/hooks';
import { getList } from '../api.js';
import { HealthBadge } from '../components/badge.js';
import { LineChart, Sparkline } from '../components/line-chart.js';
import { FilterBox, PageFrame } from '../components/page-frame.js';
import { ServerStateCell, serversOf } from '../components/server-table.js';
import { formatBytes, formatMs, formatPercent, formatRate } from '../format.js';
import { html } from '../html.js';
import { errorShare, seriesOf, useLiveStats } from '../live-stats.js';
import { replaceParams } from '../route.js';
import { indexByName, serviceHealth } from '../service-health.js';
import { useResource } from '../use-resource.js';

/**
 * @typedef {import('../api-types').Service} Service
 * @typedef {import('../api-types').LiveStats} LiveStats
 * @typedef {import('../api-types').StatsSnapshot} StatsSnapshot
 */

/**
 * The three charts of one item: rate, error ratios, latency percentiles.
 * @param {{history: readonly StatsSnapshot[], pick: (s: StatsSnapshot) => LiveStats | undefined, testid: string}} props
 */
function TrafficCharts({ history, pick, testid }) {
  return html`
    <div class="charts" data-testid=${testid}>
      <${LineChart} title="Requests" format=${formatRate} floor=${1}
        series=${[{ label: 'rate', tone: 'line-1', values: seriesOf(history, (s) => pick(s)?.rate) }]} />
      <${LineChart} title="Errors" format=${formatPercent} floor=${0.01}
        series=${[
          { label: '4xx', tone: 'tone-warn', values: seriesOf(history, (s) => pick(s)?.errorRatio['4xx']) },
          { label: '5xx', tone: 'tone-down', values: seriesOf(history, (s) => pick(s)?.errorRatio['5xx']) },
        ]} />
      <${LineChart} title="Latency" format=${formatMs} floor=${1}
        series=${[
          { label: 'p50', tone: 'line-1', values: seriesOf(history, (s) => pick(s)?.latencyMs?.p50) },
          { label: 'p95', tone: 'line-2', values: seriesOf(history, (s) => pick(s)?.latencyMs?.p95) },
          { label: 'p99', tone: 'line-3', values: seriesOf(history, (s) => pick(s)?.latencyMs?.p99) },
        ]} />
    </div>`;
}

/**
 * Key numbers of one item now.
 * @param {{stats: LiveStats | undefined, name: string, kind: string}} props
 */
function Numbers({ stats, name, kind }) {
  return html`
    <span class="numbers">
      <b class="big" data-testid=${`live-${kind}-rate`} data-name=${name} data-value=${stats?.rate ?? 0}>${formatRate(stats?.rate ?? 0)}</b>
      <span class=${errorShare(stats, '5xx') > 0 ? 'text-down' : 'muted'}>${formatPercent(errorShare(stats, '5xx'))} 5xx</span>
      <span class="muted">p95 ${formatMs(stats?.latencyMs?.p95)}</span>
      <span class="muted">${stats?.inFlight ?? 0} in flight</span>
      ${stats !== undefined && stats.websockets > 0 ? html`<span class="muted">${stats.websockets} WebSockets</span>` : null}
      <span class="muted">${formatBytes(stats?.bytesIn ?? 0)} in / ${formatBytes(stats?.bytesOut ?? 0)} out</span>
    </span>`;
}

/** @param {{params: URLSearchParams}} props */
export function LivePage({ params }) {
  const [text, setText] = useState(params.get('q') ?? '');
  const live = useLiveStats();
  const services = useResource('http/services', (signal) => /** @type {Promise<Service[]>} */ (getList('http/services', signal)), 5000);
  const byName = indexByName(services.data ?? []);
  const latest = live.latest;
  const history = live.history;
  const needle = text.trim().toLowerCase();
  const seen = (/** @type {(s: StatsSnapshot) => LiveStats | undefined} */ pick) => history.some((s) => (pick(s)?.requests ?? 0) > 0 || (pick(s)?.inFlight ?? 0) > 0);
  const serviceNames = Object.keys(latest?.services ?? {}).filter((n) => needle === '' || n.toLowerCase().includes(needle));
  const active = serviceNames.filter((n) => seen((s) => s.services[n]))
    .sort((a, b) => (latest?.services[b]?.rate ?? 0) - (latest?.services[a]?.rate ?? 0) || a.localeCompare(b));
  const idle = serviceNames.filter((n) => !active.includes(n)).sort();

  return html`
    <${PageFrame} title="Live traffic" testid="page-live" loading=${false}
      error=${live.state === 'lost' ? 'the statistics stream was interrupted; reconnecting…' : undefined}
      summary=${latest === undefined ? 'Waiting for the first statistics…' : `Rates and ratios over the last ${latest.windowSeconds} s, one point a second.`}>
      <h2>Entry points</h2>
      ${Object.keys(latest?.entryPoints ?? {}).sort().map((name) => html`
        <article class="card" key=${name} data-entrypoint=${name}>
          <header class="card-head"><span class="mono strong">${name}</span><${Numbers} stats=${latest?.entryPoints[name]} name=${name} kind="entrypoint" /></header>
          <${TrafficCharts} history=${history} pick=${(/** @type {StatsSnapshot} */ s) => s.entryPoints[name]} testid="entrypoint-charts" />
        </article>`)}
      <div class="toolbar">
        <h2>Services</h2>
        <${FilterBox} value=${text} placeholder="Filter services…" testid="live-filter"
          onInput=${(/** @type {string} */ q) => { setText(q); replaceParams('live', { q }); }} />
      </div>
      ${active.length === 0 ? html`<p class="muted">No service has had a request in the last two minutes.</p>` : null}
      ${active.map((name) => {
        const service = byName.get(name);
        const stats = latest?.services[name];
        const servers = service === undefined ? [] : serversOf(service);
        return html`
          <article class="card" key=${name} data-service=${name}>
            <header class="card-head">
              <span class="mono strong">${name}</span>
              ${service === undefined ? null : html`<${HealthBadge} health=${serviceHealth(name, byName)} />`}
              <${Numbers} stats=${stats} name=${name} kind="service" />
            </header>
            <${TrafficCharts} history=${history} pick=${(/** @type {StatsSnapshot} */ s) => s.services[name]} testid="service-charts" />
            ${servers.length === 0 ? null : html`
              <table class="data compact">
                <thead><tr><th>Server</th><th>State</th><th class="num">Rate</th><th>Last 2 min</th><th class="num">5xx</th><th class="num">p50</th><th class="num">p95</th><th class="num">In flight</th></tr></thead>
                <tbody>${servers.map((server) => {
                  const s = stats?.servers?.[server.url];
                  return html`<tr key=${server.url} data-name=${server.url}>
                    <td class="mono">${server.url}</td>
                    <td><${ServerStateCell} server=${server} /></td>
                    <td class="num" data-testid="live-server-rate" data-value=${s?.rate ?? 0}>${formatRate(s?.rate ?? 0)}</td>
                    <td class="spark"><${Sparkline} values=${seriesOf(history, (snap) => snap.services[name]?.servers?.[server.url]?.rate)} /></td>
                    <td class=${`num ${errorShare(s, '5xx') > 0 ? 'text-down' : ''}`}>${formatPercent(errorShare(s, '5xx'))}</td>
                    <td class="num">${formatMs(s?.latencyMs?.p50)}</td>
                    <td class="num">${formatMs(s?.latencyMs?.p95)}</td>
                    <td class="num">${s?.inFlight ?? 0}</td>
                  </tr>`;
                })}</tbody>
              </table>`}
          </article>`;
      })}
      ${idle.length === 0 ? null : html`
        <p class="idle"><span class="muted">Idle:</span> ${idle.map((n) => html`<span class="chip mono" key=${n}>${n}</span>`)}</p>`}
    <//>`;
}
