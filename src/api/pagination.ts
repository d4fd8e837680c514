/**
 * Pagination of Traefik's API lists: `page` (from 1) and `per_page` (default 100), the next
 * page number in `X-Next-Page` (1 on the last page), and Traefik's error messages for
 * out-of-range requests [pkg/api/criterion.go].
 */

/** The header carrying the next page number. */
export const NEXT_PAGE_HEADER = 'X-Next-Page';

const DEFAULT_PER_PAGE = 100;
const DEFAULT_PAGE = 1;

/** A page of a list: `items.slice(start, end)`, and the next page number. */
export interface PageInfo {
  readonly start: number;
  readonly end: number;
  readonly nextPage: number;
}

/**
 * A positive integer parameter. Like Go's `strconv.Atoi`, text that is not an integer reads
 * as 0, which is then rejected with the value in the message.
 */
function intParam(query: URLSearchParams, key: string, fallback: number): number | string {
  const raw = query.get(key) ?? '';
  if (raw === '') return fallback;
  const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : 0;
  if (!Number.isSafeInteger(value) || value <= 0) return `invalid request: ${key}: ${value}`;
  return value;
}

/** Computes the page for a list of `total` items, or the error message for a 400. */
export function paginate(query: URLSearchParams, total: number): PageInfo | { error: string } {
  const perPage = intParam(query, 'per_page', DEFAULT_PER_PAGE);
  if (typeof perPage === 'string') return { error: perPage };
  const page = intParam(query, 'page', DEFAULT_PAGE);
  if (typeof page === 'string') return { error: page };
  const start = (page - 1) * perPage;
  if (start !== 0 && start >= total) return { error: `invalid request: page: ${page}, per_page: ${perPage}` };
  return {
    start,
    end: Math.min(start + perPage, total),
    nextPage: page * perPage < total ? page + 1 : 1,
  };
}
