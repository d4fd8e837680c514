/**
 * The servers of a loadBalancer service: state (UP/DOWN/DRAINING), weight, slow-start
 * progress, live traffic, and the health history with times and reasons.
 */
import { formatAgo, formatBytes, formatMs, formatPercent, formatRate, formatTime } from '../format.js';
import { html } from '../html.js';
import { errorShare, seriesOf } from '../live-stats.js';
import { HealthBadge } from './badge.js';
import { Sparkline } from './line-chart.js';

/**
 * @typedef {import('../api-types').Service} Service
 * @typedef {import('../api-types').ServerDetails} ServerDetails
 * @typedef {import('../api-types').StatsSnapshot} StatsSnapshot
 * @typedef {import('../api-types').ServerState} ServerState
 * @typedef {Omit<ServerDetails, 'status'> & {status: ServerState | undefined}} ServerRow
 *   `status` undefined: the service is not built (disabled, or no router reaches it), so no state is known
 */

/**
 * The servers with what is known of them: Switchyard's details when the service is built,
 * else the configured list with Traefik's serverStatus.
 * @param {Service} service
 * @returns {ServerRow[]}
 */
export function serversOf(service) {
  if (service.switchyard?.servers !== undefined) return [...service.switchyard.servers];
  return (service.loadBalancer?.servers ?? []).map((s) => {
    const url = s.url ?? s.address ?? '';
    const known = service.serverStatus?.[url];
    /** @type {ServerState | undefined} */
    const status = known === undefined ? undefined : known === 'DOWN' ? 'DOWN' : known === 'DRAINING' ? 'DRAINING' : 'UP';
    return { url, status, weight: s.weight ?? 1, history: [] };
  });
}

/**
 * A server's state, or why none is known.
 * @param {{server: ServerRow, testid?: string}} props
 */
export function ServerStateCell({ server, testid }) {
  return server.status === undefined
    ? html`<span class="muted" data-testid=${testid} title="the service is not built: disabled, or no router reaches it">not in use</span>`
    : html`<${HealthBadge} health=${server.status} testid=${testid} title=${server.reason} />`;
}

/**
 * @param {{server: ServerRow, now: number}} props
 */
function HealthHistory({ server, now }) {
  if (server.status === undefined) return html`<span class="muted">—</span>`;
  if (server.history.length === 0) return html`<span class="muted">no change since start</span>`;
  const last = server.history[server.history.length - 1];
  return html`
    <details class="history">
      <summary>${last === undefined ? '' : `${last.status} ${formatAgo(last.time, now)}`} · ${server.history.length} change${server.history.length === 1 ? '' : 's'}</summary>
      <ol reversed>
        ${[...server.history].reverse().map((t, i) => html`<li key=${i}>
          <time datetime=${t.time}>${formatTime(t.time, now)}</time>
          <${HealthBadge} health=${t.status} />
          <span class="reason">${t.reason}</span>
        </li>`)}
      </ol>
    </details>`;
}

/**
 * @param {{service: Service, latest: StatsSnapshot | undefined, history: readonly StatsSnapshot[], now: number}} props
 */
export function ServerTable({ service, latest, history, now }) {
  const servers = serversOf(service);
  const stats = latest?.services[service.name]?.servers;
  return html`
    <div class="table-wrap">
      <table class="data servers" data-testid="servers">
        <thead><tr>
          <th>Server</th><th>State</th><th class="num">Weight</th><th>Slow start</th><th class="num">Rate</th><th>Last 2 min</th>
          <th class="num">5xx</th><th class="num">p95</th><th class="num">In flight</th><th class="num">Out</th><th>Health</th>
        </tr></thead>
        <tbody>
          ${servers.map((server) => {
            const s = stats?.[server.url];
            const share = errorShare(s, '5xx');
            return html`<tr key=${server.url} data-name=${server.url} class=${`state-${(server.status ?? 'unknown').toLowerCase()}`}>
              <td class="mono">${server.url}${server.reason === undefined || server.status === 'UP' ? null : html`<div class="reason">${server.reason}</div>`}</td>
              <td><${ServerStateCell} server=${server} testid="server-status" /></td>
              <td class="num">${server.effectiveWeight === undefined ? server.weight : html`${server.effectiveWeight} <span class="muted">of ${server.weight}</span>`}</td>
              <td>${server.slowStart === undefined ? html`<span class="muted">full</span>` : html`
                <span class="meter" title="slow start"><span class="meter-fill tone-warn" style=${{ width: `${Math.round(server.slowStart * 100)}%` }}></span></span>
                ${formatPercent(server.slowStart)}`}</td>
              <td class="num" data-testid="server-rate" data-value=${s?.rate ?? 0}>${formatRate(s?.rate ?? 0)}</td>
              <td class="spark"><${Sparkline} values=${seriesOf(history, (snap) => snap.services[service.name]?.servers?.[server.url]?.rate)} /></td>
              <td class=${`num ${share > 0 ? 'text-down' : ''}`}>${formatPercent(share)}</td>
              <td class="num">${formatMs(s?.latencyMs?.p95)}</td>
              <td class="num">${s?.inFlight ?? 0}</td>
              <td class="num">${formatBytes(s?.bytesOut ?? 0)}</td>
              <td><${HealthHistory} server=${server} now=${now} /></td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
}
