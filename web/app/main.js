/**
 * The dashboard's entry module: the layout (navigation, live indicator) and the page of the
 * current hash route. Every page reads the API with relative URLs and keeps itself up to date.
 */
import { render } from 'preact';
import { getJson } from './api.js';
import { formatRate } from './format.js';
import { html } from './html.js';
import { useLiveStats } from './live-stats.js';
import { DiagnosticsPage } from './pages/diagnostics-page.js';
import { ExplainPage } from './pages/explain-page.js';
import { LivePage } from './pages/live-page.js';
import { MiddlewaresPage } from './pages/middlewares-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { RoutersPage } from './pages/routers-page.js';
import { ServicesPage } from './pages/services-page.js';
import { PAGES, pageHref, useRoute } from './route.js';
import { useResource } from './use-resource.js';

/**
 * @typedef {import('./api-types').Version} Version
 * @typedef {import('./route.js').Route} Route
 */

/**
 * The page of a route.
 * @param {{route: Route}} props
 */
function CurrentPage({ route }) {
  switch (route.page) {
    case 'overview': return html`<${OverviewPage} />`;
    case 'routers': return html`<${RoutersPage} params=${route.params} />`;
    case 'services': return html`<${ServicesPage} params=${route.params} />`;
    case 'middlewares': return html`<${MiddlewaresPage} params=${route.params} />`;
    case 'live': return html`<${LivePage} params=${route.params} />`;
    case 'diagnostics': return html`<${DiagnosticsPage} />`;
    case 'explain': return html`<${ExplainPage} params=${route.params} />`;
    default: {
      /** @type {never} */
      const unreachable = route.page;
      return unreachable;
    }
  }
}

/** Whether statistics are arriving, and the total rate through the entry points. */
function LiveIndicator() {
  const live = useLiveStats();
  const total = Object.values(live.latest?.entryPoints ?? {}).reduce((sum, s) => sum + s.rate, 0);
  const label = live.state === 'live' ? 'live' : live.state === 'connecting' ? 'connecting' : 'reconnecting';
  return html`
    <div class=${`live-indicator state-${live.state}`} data-testid="live-indicator" data-state=${live.state} data-at=${live.latest?.at}>
      <span class="dot" aria-hidden="true"></span> ${label}
      ${live.state === 'live' ? html`<span class="muted">· ${formatRate(total)}</span>` : null}
    </div>`;
}

function App() {
  const route = useRoute();
  const version = useResource('version', (signal) => /** @type {Promise<Version>} */ (getJson('version', signal)), 0);
  return html`
    <div class="layout">
      <header class="topbar">
        <a class="brand" href=${pageHref('overview')}><img src="./favicon.svg" alt="" width="22" height="22" /> Switchyard</a>
        <nav class="nav" aria-label="Pages">
          ${PAGES.map((p) => html`<a key=${p.page} href=${pageHref(p.page)} class=${p.page === route.page ? 'active' : ''}
            aria-current=${p.page === route.page ? 'page' : undefined} data-page=${p.page}>${p.label}</a>`)}
        </nav>
        <${LiveIndicator} />
        <span class="version muted">${version.data === undefined ? '' : `v${version.data.Version}`}</span>
      </header>
      <main class="content">
        <${CurrentPage} key=${`${route.page}?${route.params.toString()}`} route=${route} />
      </main>
    </div>`;
}

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
