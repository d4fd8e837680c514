/**
 * List filters of Traefik's API (`search`, `status`, `serviceName`, `middlewareName`), with
 * Traefik's matching rules [pkg/api/criterion.go].
 */

/** The filters of one list request; empty strings mean "no filter". */
export interface SearchCriterion {
  readonly search: string;
  readonly status: string;
  readonly serviceName: string;
  readonly middlewareName: string;
}

/** Reads the filters from a query; null when none is set (every item is kept). */
export function parseSearchCriterion(query: URLSearchParams): SearchCriterion | null {
  const criterion = {
    search: query.get('search') ?? '',
    status: query.get('status') ?? '',
    serviceName: query.get('serviceName') ?? '',
    middlewareName: query.get('middlewareName') ?? '',
  };
  const any = criterion.search !== '' || criterion.status !== '' || criterion.serviceName !== '' ||
    criterion.middlewareName !== '';
  return any ? criterion : null;
}

/** Status filter, case-insensitive. */
export function matchesStatus(criterion: SearchCriterion, status: string): boolean {
  return criterion.status === '' || criterion.status.toLowerCase() === status.toLowerCase();
}

/** Case-insensitive substring search in any of `values` (the name, and the rule for routers). */
export function matchesSearch(criterion: SearchCriterion, ...values: string[]): boolean {
  if (criterion.search === '') return true;
  const needle = criterion.search.toLowerCase();
  return values.some((value) => value.toLowerCase().includes(needle));
}

/**
 * Service filter. Traefik compares with the service name as the router wrote it: a written
 * `name@provider` must equal the filter, a bare `name` must equal the filter's part before `@`.
 * The qualified name is accepted too, so `?serviceName=api@file` finds a router that wrote `api`.
 */
export function matchesService(criterion: SearchCriterion, written: string, qualified: string): boolean {
  if (criterion.serviceName === '') return true;
  if (criterion.serviceName === qualified) return true;
  if (written.includes('@')) return criterion.serviceName === written;
  return criterion.serviceName.split('@', 1)[0] === written;
}

/** Middleware filter: exact name among the router's middlewares (as written or qualified). */
export function matchesMiddleware(criterion: SearchCriterion, ...names: (readonly string[])[]): boolean {
  if (criterion.middlewareName === '') return true;
  return names.some((list) => list.includes(criterion.middlewareName));
}
