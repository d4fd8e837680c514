/**
 * One service in the services tree, with its children below it: a weighted service's children
 * with configured weight against actual share of traffic, a mirroring service's main service and
 * mirrors with their compare results, a failover's state, a loadBalancer's servers.
 */
import { formatCount, formatMs, formatPercent, formatRate, formatTime } from '../format.js';
import { html } from '../html.js';
import { errorShare } from '../live-stats.js';
import { qualifyName, serviceHealth } from '../service-health.js';
import { HealthBadge, StatusBadge } from './badge.js';
import { ServerTable } from './server-table.js';

/**
 * @typedef {import('../api-types').Service} Service
 * @typedef {import('../api-types').StatsSnapshot} StatsSnapshot
 * @typedef {import('../api-types').MirrorStats} MirrorStats
 * @typedef {object} TreeContext
 * @property {ReadonlyMap<string, Service>} byName
 * @property {StatsSnapshot | undefined} latest
 * @property {readonly StatsSnapshot[]} history
 * @property {number} now
 */

/**
 * Configured weight against the actual share of requests, as two bars.
 * @param {{configured: number, actual: number | undefined}} props
 */
function ShareBars({ configured, actual }) {
  return html`
    <div class="share">
      <div class="share-row"><span class="share-label">configured</span>
        <span class="meter"><span class="meter-fill fill-configured" style=${{ width: `${configured * 100}%` }}></span></span>
        <b data-testid="share-configured">${formatPercent(configured)}</b></div>
      <div class="share-row"><span class="share-label">actual</span>
        <span class="meter"><span class="meter-fill fill-actual" style=${{ width: `${(actual ?? 0) * 100}%` }}></span></span>
        <b data-testid="share-actual">${actual === undefined ? '—' : formatPercent(actual)}</b></div>
    </div>`;
}

/**
 * The other services and routers that use `child` besides `parent`.
 * @param {string} child
 * @param {string} parent
 * @param {ReadonlyMap<string, Service>} byName
 */
function sharedWith(child, parent, byName) {
  return (byName.get(child)?.usedBy ?? []).filter((user) => user !== parent);
}

/**
 * @param {{service: Service, ctx: TreeContext, ancestors: readonly string[]}} props
 */
function WeightedChildren({ service, ctx, ancestors }) {
  const children = (service.weighted ?? service.highestRandomWeight)?.services ?? [];
  const totalWeight = children.reduce((sum, c) => sum + (c.weight ?? 1), 0);
  // What this parent handed each child: exact even when a child is shared with other parents.
  const handed = ctx.latest?.services[service.name]?.children;
  const requests = children.map((c) => handed?.[qualifyName(c.name, service.provider)] ?? 0);
  const totalRequests = requests.reduce((a, b) => a + b, 0);
  return html`
    <ul class="children">
      ${children.map((c, i) => {
        const name = qualifyName(c.name, service.provider);
        const weight = c.weight ?? 1;
        return html`<li key=${name} class="child" data-child=${name}>
          <div class="child-head">
            <span class="chip">weight <b data-testid="child-weight">${weight}</b></span>
            <${ShareBars} configured=${totalWeight === 0 ? 0 : weight / totalWeight}
              actual=${totalRequests === 0 ? undefined : (requests[i] ?? 0) / totalRequests} />
            <span class="muted">${formatCount(requests[i] ?? 0)} requests</span>
            ${sharedWith(name, service.name, ctx.byName).length === 0 ? null
              : html`<span class="muted" title="the share counts only what this service sent it">also used by ${sharedWith(name, service.name, ctx.byName).join(', ')}</span>`}
          </div>
          <${ServiceNode} name=${name} ctx=${ctx} ancestors=${ancestors} />
        </li>`;
      })}
    </ul>`;
}

/**
 * @param {{mirror: MirrorStats, now: number}} props
 */
function MirrorResults({ mirror, now }) {
  const mismatches = mirror.statusMismatches + mirror.bodyMismatches;
  return html`
    <div class="mirror-results" data-testid="mirror-results">
      <span class="chip">${formatPercent(mirror.percent / 100)} mirrored</span>
      <span>${formatCount(mirror.sent)} sent</span>
      <span>${formatCount(mirror.completed)} completed</span>
      ${mirror.failed > 0 ? html`<span class="text-down">${formatCount(mirror.failed)} failed</span>` : null}
      ${mirror.aborted > 0 ? html`<span class="text-warn">${formatCount(mirror.aborted)} aborted</span>` : null}
      ${mirror.skipped > 0 ? html`<span class="muted">${formatCount(mirror.skipped)} skipped (too large)</span>` : null}
      ${mirror.compared > 0 || mismatches > 0 ? html`
        <span>${formatCount(mirror.compared)} compared:${' '}<b class=${mismatches > 0 ? 'text-warn' : 'text-ok'}>${formatCount(mirror.statusMismatches)} status and ${formatCount(mirror.bodyMismatches)} body mismatches</b>,
          mirror ${mirror.meanLatencyDeltaMs >= 0 ? 'slower' : 'faster'} by ${formatMs(Math.abs(mirror.meanLatencyDeltaMs))} on average</span>` : null}
      ${mirror.recent.length === 0 ? null : html`
        <details class="history"><summary>last ${mirror.recent.length} mismatches</summary>
          <ol reversed>${[...mirror.recent].reverse().map((m, i) => html`<li key=${i}>
            <time datetime=${m.time}>${formatTime(m.time, now)}</time> <span class="mono">${m.method} ${m.path}</span>
            primary ${m.primaryStatus}, mirror ${m.mirrorStatus}${m.primaryStatus === m.mirrorStatus ? ' (body differs)' : ''}
          </li>`)}</ol>
        </details>`}
    </div>`;
}

/**
 * @param {{service: Service, ctx: TreeContext, ancestors: readonly string[]}} props
 */
function MirroringChildren({ service, ctx, ancestors }) {
  const config = service.mirroring ?? {};
  const stats = service.switchyard?.mirrors ?? [];
  return html`
    <ul class="children">
      ${config.service === undefined ? null : html`<li class="child" data-child=${qualifyName(config.service, service.provider)}>
        <div class="child-head"><span class="chip">main: answers the client</span></div>
        <${ServiceNode} name=${qualifyName(config.service, service.provider)} ctx=${ctx} ancestors=${ancestors} />
      </li>`}
      ${(config.mirrors ?? []).map((m) => {
        const name = qualifyName(m.name, service.provider);
        const mirror = stats.find((s) => s.name === m.name || qualifyName(s.name, service.provider) === name);
        return html`<li key=${name} class="child" data-child=${name}>
          <div class="child-head">
            <span class="chip">mirror</span>
            ${mirror === undefined ? html`<span class="chip">${formatPercent((m.percent ?? 0) / 100)} mirrored</span>` : html`<${MirrorResults} mirror=${mirror} now=${ctx.now} />`}
          </div>
          <${ServiceNode} name=${name} ctx=${ctx} ancestors=${ancestors} />
        </li>`;
      })}
    </ul>`;
}

/**
 * @param {{service: Service, ctx: TreeContext, ancestors: readonly string[]}} props
 */
function FailoverChildren({ service, ctx, ancestors }) {
  const main = service.failover?.service === undefined ? undefined : qualifyName(service.failover.service, service.provider);
  const fallback = service.failover?.fallback === undefined ? undefined : qualifyName(service.failover.fallback, service.provider);
  const health = serviceHealth(service.name, ctx.byName);
  const state = health === 'FALLBACK' ? 'serving from the fallback: the main service is DOWN'
    : health === 'DOWN' ? 'DOWN: neither the main service nor the fallback can take requests'
      : health === 'UNUSED' ? 'not in use: no router reaches it'
        : health === 'DISABLED' ? 'disabled: its configuration has an error'
          : 'serving from the main service';
  return html`<div class="failover">
    <p class=${`failover-state ${health === 'FALLBACK' ? 'text-warn' : health === 'DOWN' ? 'text-down' : ''}`} data-testid="failover-state">${state}</p>
    <ul class="children">
      ${[['main', main], ['fallback', fallback]].map(([role, name]) => name === undefined ? null : html`<li key=${role} class="child" data-child=${name}>
        <div class="child-head"><span class="chip">${role}</span></div>
        <${ServiceNode} name=${name} ctx=${ctx} ancestors=${ancestors} />
      </li>`)}
    </ul></div>`;
}

/**
 * What kind a service is: Traefik's `type`, else the key of its configuration.
 * @param {Service} service
 */
function kindOf(service) {
  if (service.type !== undefined && service.type !== '') return service.type;
  for (const kind of ['loadBalancer', 'weighted', 'mirroring', 'failover', 'highestRandomWeight']) {
    if (kind in service) return kind.toLowerCase();
  }
  return 'internal';
}

/**
 * @param {{service: Service}} props
 */
function LoadBalancerFacts({ service }) {
  const lb = service.loadBalancer ?? {};
  const details = service.switchyard;
  return html`
    <p class="facts">
      <span class="chip">strategy ${details?.strategy ?? lb.strategy ?? 'wrr'}</span>
      ${lb.sticky?.cookie === undefined ? null : html`<span class="chip">sticky cookie <b class="mono">${lb.sticky.cookie.name ?? '(generated name)'}</b></span>`}
      ${lb.healthCheck === undefined ? html`<span class="chip muted">no active health check</span>`
        : html`<span class="chip">health check ${lb.healthCheck.mode === 'grpc' ? 'gRPC' : lb.healthCheck.path ?? '/'} every ${lb.healthCheck.interval ?? '30s'}</span>`}
      ${details?.affinityEntries === undefined ? null : html`<span class="chip">${formatCount(details.affinityEntries)} affinity entries</span>`}
    </p>`;
}

/**
 * A service and everything below it.
 * @param {{name: string, ctx: TreeContext, ancestors?: readonly string[]}} props
 */
export function ServiceNode({ name, ctx, ancestors = [] }) {
  const service = ctx.byName.get(name);
  if (service === undefined) return html`<div class="node missing"><span class="mono">${name}</span> <span class="text-down">does not exist</span></div>`;
  if (ancestors.includes(name)) return html`<div class="node"><span class="mono">${name}</span> <span class="muted">(shown above)</span></div>`;
  const inner = [...ancestors, name];
  const health = serviceHealth(name, ctx.byName);
  const stats = ctx.latest?.services[name];
  const kind = kindOf(service);
  const sticky = service.weighted?.sticky?.cookie ?? undefined;
  return html`
    <div class=${`node health-${health.toLowerCase()}`} data-service=${name}>
      <div class="node-head">
        <span class="mono strong" id=${`service-${name}`}>${name}</span>
        <span class="chip">${kind}</span>
        <${HealthBadge} health=${health} testid="service-health" />
        ${service.status === 'warning' ? html`<${StatusBadge} status=${service.status} />` : null}
        <span class="node-live" data-testid="service-rate" data-value=${stats?.rate ?? 0}>${formatRate(stats?.rate ?? 0)}</span>
        ${stats === undefined ? null : html`
          <span class=${errorShare(stats, '5xx') > 0 ? 'text-down' : 'muted'}>${formatPercent(errorShare(stats, '5xx'))} 5xx</span>
          <span class="muted">p95 ${formatMs(stats.latencyMs?.p95)}</span>
          ${stats.stickyStarted === undefined || stats.stickyStarted === 0 ? null : html`<span class="muted">${formatCount(stats.stickyStarted)} sticky sessions started</span>`}`}
        ${sticky === undefined ? null : html`<span class="chip">sticky cookie <b class="mono">${sticky.name ?? '(generated name)'}</b></span>`}
      </div>
      ${(service.error ?? []).length === 0 ? null : html`<ul class="diagnostics">${(service.error ?? []).map((e) => html`<li class="text-down">${e}</li>`)}</ul>`}
      ${service.loadBalancer !== undefined ? html`<${LoadBalancerFacts} service=${service} />
        <${ServerTable} service=${service} latest=${ctx.latest} history=${ctx.history} now=${ctx.now} />` : null}
      ${service.weighted !== undefined || service.highestRandomWeight !== undefined ? html`<${WeightedChildren} service=${service} ctx=${ctx} ancestors=${inner} />` : null}
      ${service.mirroring !== undefined ? html`<${MirroringChildren} service=${service} ctx=${ctx} ancestors=${inner} />` : null}
      ${service.failover !== undefined ? html`<${FailoverChildren} service=${service} ctx=${ctx} ancestors=${inner} />` : null}
    </div>`;
}
