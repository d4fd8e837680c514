/**
 * Explain: which router would take a request, why the routers before it did not, the
 * middleware chain, the service tree and the server the load balancer would pick — asked of
 * `/api/explain`, which sends nothing to any server.
 */
import { useEffect, useState } from 'preact/hooks';
import { getJson, getList } from '../api.js';
import { Badge, HealthBadge, StatusBadge } from '../components/badge.js';
import { PageFrame } from '../components/page-frame.js';
import { html } from '../html.js';
import { replaceQuery } from '../route.js';
import { useResource } from '../use-resource.js';

/**
 * @typedef {import('../api-types').Explanation} Explanation
 * @typedef {import('../api-types').ServiceExplanation} ServiceExplanation
 * @typedef {import('../api-types').RouterVerdict} RouterVerdict
 * @typedef {import('../api-types').EntryPoint} EntryPoint
 * @typedef {import('./../components/badge.js').Tone} Tone
 */

/**
 * The server at the end of the chosen path, if a load balancer would pick one.
 * @param {ServiceExplanation | null | undefined} service
 * @returns {string | undefined}
 */
export function chosenServer(service) {
  if (service === null || service === undefined) return undefined;
  return service.server ?? chosenServer(service.child);
}

/**
 * @param {RouterVerdict['result']} result
 * @returns {Tone}
 */
function resultTone(result) {
  switch (result) {
    case 'matched': return 'ok';
    case 'not-matched': return 'off';
    case 'disabled': return 'off';
    case 'tls-only': case 'plain-only': return 'warn';
    default: {
      /** @type {never} */
      const unreachable = result;
      return unreachable;
    }
  }
}

/**
 * A service's decision and, below it, the chosen child's.
 * @param {{service: ServiceExplanation}} props
 */
function ServiceDecision({ service }) {
  return html`
    <div class="node" data-service=${service.name}>
      <div class="node-head">
        <span class="mono strong">${service.name}</span>
        <span class="chip">${service.type}</span>
        ${service.available ? null : html`<${Badge} label="UNAVAILABLE" tone="down" title="no server or child can take the request: 503" />`}
        ${service.via === undefined ? null : html`<span class="chip">via ${service.via}</span>`}
      </div>
      <p class="decision">${service.decision}</p>
      ${service.children === undefined ? null : html`<ul class="choices">${service.children.map((c) => html`
        <li key=${c.name} class=${c.chosen ? 'chosen' : ''}><span class="mono">${c.name}</span> <span class="muted">weight ${c.weight}</span>${c.chosen ? html` <b class="text-ok">← chosen</b>` : null}</li>`)}</ul>`}
      ${service.servers === undefined ? null : html`<ul class="choices">${service.servers.map((s) => html`
        <li key=${s.url} class=${s.url === service.server ? 'chosen' : ''}>
          <span class="mono">${s.url}</span> <${HealthBadge} health=${s.status} /> <span class="muted">weight ${s.weight}</span>
          ${s.url === service.server ? html` <b class="text-ok">← picked</b>` : null}</li>`)}</ul>`}
      ${service.mirrors === undefined || service.mirrors.length === 0 ? null : html`<p class="muted">Mirrored to ${service.mirrors.map((m) => `${m.name} (${m.percent}%)`).join(', ')}.</p>`}
      ${service.child === undefined ? null : html`<div class="children"><${ServiceDecision} service=${service.child} /></div>`}
    </div>`;
}

/**
 * @param {{answer: Explanation}} props
 */
function Answer({ answer }) {
  const server = chosenServer(answer.service);
  const r = answer.request;
  return html`
    <div class="answer" data-testid="explain-answer">
      <p class="outcome" data-testid="explain-outcome">${answer.outcome}</p>
      <dl class="facts-grid">
        <dt>Router</dt><dd class="mono strong" data-testid="explain-router">${answer.router ?? 'none'}</dd>
        <dt>Server</dt><dd class="mono strong" data-testid="explain-server">${server ?? 'none'}</dd>
        <dt>Request</dt><dd class="mono">${r.method} ${r.tls ? 'https' : 'http'}://${r.host}${r.path}${r.query === '' ? '' : `?${r.query}`}</dd>
        <dt>Entry point</dt><dd>${r.entryPoint}</dd>
        <dt>Client IP</dt><dd class="mono">${r.clientIP}</dd>
        ${r.headers.length === 0 ? null : html`<dt>Headers</dt><dd class="mono">${r.headers.map(([n, v]) => html`<div>${n}: ${v}</div>`)}</dd>`}
      </dl>
      <h2>Routers, in the order they are tried</h2>
      <div class="table-wrap"><table class="data" data-testid="explain-routers">
        <thead><tr><th>Router</th><th>Rule</th><th class="num">Priority</th><th>Status</th><th>Result</th><th>Why</th></tr></thead>
        <tbody>${answer.routers.map((v) => html`<tr key=${v.name} data-name=${v.name} class=${v.result === 'matched' ? 'chosen' : ''}>
          <td class="mono strong">${v.name}</td>
          <td><code class="rule">${v.rule}</code></td>
          <td class="num">${v.priority}</td>
          <td><${StatusBadge} status=${v.status} /></td>
          <td><${Badge} label=${v.result.toUpperCase()} tone=${resultTone(v.result)} /></td>
          <td>${v.reason}
            ${v.leaves === undefined || v.leaves.length === 0 ? null : html`<ul class="leaves">${v.leaves.map((l, i) => html`
              <li key=${i} class=${l.matched ? 'text-ok' : 'text-down'}>${l.matched ? '✓' : '✗'} <code>${l.negated ? '!' : ''}${l.matcher}(${l.args.map((a) => `\`${a}\``).join(', ')})</code></li>`)}</ul>`}
          </td>
        </tr>`)}</tbody>
      </table></div>
      <h2>Middlewares</h2>
      <p data-testid="explain-middlewares">${answer.middlewares.length === 0 ? html`<span class="muted">none</span>`
        : answer.middlewares.map((m, i) => html`${i === 0 ? null : html`<span class="arrow"> → </span>`}<span class="chip mono">${m}</span>`)}</p>
      <h2>Service</h2>
      ${answer.service === null ? html`<p class="muted">No service: no router matched.</p>` : html`<div class="tree"><${ServiceDecision} service=${answer.service} /></div>`}
    </div>`;
}

/**
 * The query of `/api/explain` for the form's fields (empty fields left out).
 * @param {{url: string, method: string, headers: string, clientIP: string, entryPoint: string}} form
 */
export function explainQuery(form) {
  const query = new URLSearchParams();
  query.set('url', form.url.trim());
  if (form.method !== '' && form.method !== 'GET') query.set('method', form.method);
  for (const line of form.headers.split('\n')) if (line.trim() !== '') query.append('header', line.trim());
  if (form.clientIP.trim() !== '') query.set('clientIP', form.clientIP.trim());
  if (form.entryPoint !== '') query.set('entryPoint', form.entryPoint);
  return query;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** @param {{params: URLSearchParams}} props */
export function ExplainPage({ params }) {
  const [form, setForm] = useState({
    url: params.get('url') ?? '',
    method: params.get('method') ?? 'GET',
    headers: params.getAll('header').join('\n'),
    clientIP: params.get('clientIP') ?? '',
    entryPoint: params.get('entryPoint') ?? '',
  });
  const [asked, setAsked] = useState(/** @type {{query: string, n: number} | null} */ (params.get('url') === null ? null : { query: explainQuery(form).toString(), n: 0 }));
  const [result, setResult] = useState(/** @type {{answer?: Explanation, error?: string, pending: boolean}} */ ({ pending: false }));
  const entryPoints = useResource('entrypoints', (signal) => /** @type {Promise<EntryPoint[]>} */ (getList('entrypoints', signal)), 0);

  useEffect(() => {
    if (asked === null) return undefined;
    const controller = new AbortController();
    setResult({ pending: true });
    getJson(`explain?${asked.query}`, controller.signal).then(
      (answer) => setResult({ answer: /** @type {Explanation} */ (answer), pending: false }),
      (error) => { if (!controller.signal.aborted) setResult({ error: error instanceof Error ? error.message : String(error), pending: false }); },
    );
    return () => controller.abort();
  }, [asked]);

  /** @param {Event} event */
  const submit = (event) => {
    event.preventDefault();
    const query = explainQuery(form);
    replaceQuery('explain', query);
    setAsked({ query: query.toString(), n: (asked?.n ?? 0) + 1 });
  };
  /** @param {keyof typeof form} field */
  const bind = (field) => (/** @type {Event} */ e) => setForm({ ...form, [field]: /** @type {HTMLInputElement} */ (e.currentTarget).value });

  return html`
    <${PageFrame} title="Explain a request" testid="page-explain"
      summary="Which router would take this request, and why; the server the load balancer would pick. Nothing is sent to any server.">
      <form class="explain-form" onSubmit=${submit} data-testid="explain-form">
        <label class="wide">URL <input name="url" type="url" required placeholder="http://app.example.com/path?x=1" value=${form.url} onInput=${bind('url')} /></label>
        <label>Method <select name="method" value=${form.method} onChange=${bind('method')}>${METHODS.map((m) => html`<option key=${m}>${m}</option>`)}</select></label>
        <label>Entry point <select name="entryPoint" value=${form.entryPoint} onChange=${bind('entryPoint')}>
          <option value="">by the URL's port</option>
          ${(entryPoints.data ?? []).map((ep) => html`<option key=${ep.name} value=${ep.name}>${ep.name} (${ep.address})</option>`)}
        </select></label>
        <label>Client IP <input name="clientIP" placeholder="127.0.0.1" value=${form.clientIP} onInput=${bind('clientIP')} /></label>
        <label class="wide">Headers, one per line <textarea name="headers" rows="3" placeholder="Cookie: session=abc" value=${form.headers} onInput=${bind('headers')}></textarea></label>
        <button type="submit" class="primary" disabled=${result.pending}>Explain</button>
      </form>
      ${result.error === undefined ? null : html`<p class="alert" role="alert" data-testid="explain-error">${result.error}</p>`}
      ${result.answer === undefined ? null : html`<${Answer} answer=${result.answer} />`}
    <//>`;
}
