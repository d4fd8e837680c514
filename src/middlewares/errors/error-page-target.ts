/**
 * The request target of an error page (pure): Traefik's `errors.query` with its placeholders
 * filled, turned into the path and query of a GET sent to the error service.
 */
import { queryEscape } from '../query-escape.ts';

/** Path and raw query (without `?`) of the page request, or null when the URL does not parse. */
export interface PageTarget {
  readonly path: string;
  readonly query: string;
}

/** What the placeholders stand for. */
export interface PageFacts {
  /** `{status}`: the status the client gets (after statusRewrites). */
  readonly status: number;
  /** `{originalStatus}`: the status the service answered. */
  readonly originalStatus: number;
  /** `{url}`: the request's own target (escaped path and `?query`), before the error. */
  readonly url: string;
}

const INVALID_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
// Control characters are exactly what Go's url.Parse refuses.
const CONTROL = /[\x00-\x1f\x7f]/;
// Bytes a path may carry as they are; anything else is percent-encoded like Go's URL.EscapedPath.
const PATH_UNSAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu;

/**
 * Fills `query` (`/{status}.html`, `/?code={status}&from={url}`) and splits it into path and
 * query. An empty `query` asks for `/`. Like Traefik: one leading `/` is ensured, `{url}` is
 * the request target escaped with Go's `url.QueryEscape`, a fragment is dropped, and a target Go's
 * URL parser refuses (a control character, a `%` not followed by two hex digits in the path)
 * gives null.
 */
export function errorPageTarget(query: string, facts: PageFacts): PageTarget | null {
  if (query === '') return { path: '/', query: '' };
  const filled = `/${query.startsWith('/') ? query.slice(1) : query}`
    .replaceAll('{status}', String(facts.status))
    .replaceAll('{originalStatus}', String(facts.originalStatus))
    .replaceAll('{url}', queryEscape(facts.url));
  if (CONTROL.test(filled)) return null;
  const hash = filled.indexOf('#');
  const target = hash < 0 ? filled : filled.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  if (INVALID_ESCAPE.test(rawPath)) return null;
  const path = rawPath.replace(PATH_UNSAFE, (c) => encodeURIComponent(c));
  return { path, query: q < 0 ? '' : target.slice(q + 1) };
}

/** The request's own target as Go prints a server request's URL: escaped path, then `?query`. */
export function requestTarget(path: string, query: string): string {
  return query === '' ? path : `${path}?${query}`;
}
