/**
 * Reading the API. URLs are relative (`../api/…` from `<basePath>/dashboard/`), so the
 * dashboard works under any `api.basePath` and through any router that exposes it.
 */

/** The API answered with an error status; `message` is its `{"message"}` or the status line. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * The URL of an API path (`http/routers`, `stats/stream`).
 * @param {string} path
 */
export function apiUrl(path) {
  return `../api/${path}`;
}

/**
 * @param {Response} response
 * @returns {Promise<never>}
 */
async function failure(response) {
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = /** @type {unknown} */ (await response.json());
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON: the status line says enough.
  }
  throw new ApiError(response.status, message);
}

/**
 * GETs one JSON document.
 * @template T
 * @param {string} path below `/api/`, with its query
 * @param {AbortSignal} [signal]
 * @returns {Promise<T>}
 */
export async function getJson(path, signal) {
  const response = await fetch(apiUrl(path), { headers: { Accept: 'application/json' }, ...(signal ? { signal } : {}) });
  if (!response.ok) return failure(response);
  return /** @type {T} */ (await response.json());
}

/** Pages of a list are requested this big; `X-Next-Page` says whether more follow. */
const PAGE_SIZE = 500;

/** Lists bigger than this many pages are cut (a dashboard is no export tool). */
const MAX_PAGES = 40;

/**
 * GETs every page of one of Traefik's lists (`http/routers`, …).
 * @template T
 * @param {string} path
 * @param {AbortSignal} [signal]
 * @returns {Promise<T[]>}
 */
export async function getList(path, signal) {
  /** @type {T[]} */
  const out = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const response = await fetch(apiUrl(`${path}${separator}per_page=${PAGE_SIZE}&page=${page}`), {
      headers: { Accept: 'application/json' }, ...(signal ? { signal } : {}),
    });
    if (!response.ok) return failure(response);
    out.push(.../** @type {T[]} */ (await response.json()));
    const next = Number(response.headers.get('X-Next-Page') ?? '1');
    if (!(next > page)) break;
  }
  return out;
}
