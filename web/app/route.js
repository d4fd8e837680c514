/**
 * Hash routing (`#/services?q=shop`): the page and its parameters live in the URL, so every
 * view can be bookmarked and shared, and the server needs to know only index.html.
 */
import { useEffect, useState } from 'preact/hooks';

/** @typedef {'overview' | 'routers' | 'services' | 'middlewares' | 'live' | 'diagnostics' | 'explain'} PageName */

/** @type {readonly {page: PageName, label: string}[]} */
export const PAGES = [
  { page: 'overview', label: 'Overview' },
  { page: 'routers', label: 'Routers' },
  { page: 'services', label: 'Services' },
  { page: 'middlewares', label: 'Middlewares' },
  { page: 'live', label: 'Live traffic' },
  { page: 'diagnostics', label: 'Diagnostics' },
  { page: 'explain', label: 'Explain' },
];

/**
 * @typedef {object} Route
 * @property {PageName} page
 * @property {URLSearchParams} params
 */

/**
 * Reads a location hash; an unknown page is the overview.
 * @param {string} hash
 * @returns {Route}
 */
export function parseHash(hash) {
  const text = hash.replace(/^#\/?/, '');
  const queryAt = text.indexOf('?');
  const name = queryAt < 0 ? text : text.slice(0, queryAt);
  const params = new URLSearchParams(queryAt < 0 ? '' : text.slice(queryAt + 1));
  const known = PAGES.find((p) => p.page === name);
  return { page: known === undefined ? 'overview' : known.page, params };
}

/**
 * The hash of a page with parameters (empty values left out).
 * @param {PageName} page
 * @param {Readonly<Record<string, string>>} [params]
 */
export function pageHref(page, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
  const text = query.toString();
  return `#/${page}${text === '' ? '' : `?${text}`}`;
}

/**
 * Replaces the current page's parameters without a new history entry (filters as you type).
 * @param {PageName} page
 * @param {Readonly<Record<string, string>>} params
 */
export function replaceParams(page, params) {
  history.replaceState(null, '', pageHref(page, params));
}

/**
 * Like replaceParams, for parameters that repeat (`header=…&header=…`).
 * @param {PageName} page
 * @param {URLSearchParams} query
 */
export function replaceQuery(page, query) {
  const text = query.toString();
  history.replaceState(null, '', `#/${page}${text === '' ? '' : `?${text}`}`);
}

/**
 * The current route; re-renders when the hash changes.
 * @returns {Route}
 */
export function useRoute() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
