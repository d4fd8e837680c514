/**
 * Sorting of Traefik's API lists: `sortBy` (a field of the list's kind; by name otherwise) and
 * `direction` (`asc` by default; any other value sorts descending, as Traefik does). Equal
 * keys fall back to the name, in the same direction [pkg/api/sort.go].
 */
import type { Json } from './item-representation.ts';

/** Extracts a sort key from a representation. */
export type SortKey = (item: Json) => string | number;

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function count(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/** Sort keys of router lists. */
export const ROUTER_SORT_KEYS: Readonly<Record<string, SortKey>> = {
  provider: (item) => text(item['provider']),
  priority: (item) => (typeof item['priority'] === 'number' ? item['priority'] : 0),
  status: (item) => text(item['status']),
  rule: (item) => text(item['rule']),
  service: (item) => text(item['service']),
  entryPoints: (item) => count(item['entryPoints']),
};

/** Sort keys of service lists; `servers` counts a loadBalancer's servers (0 for other kinds). */
export const SERVICE_SORT_KEYS: Readonly<Record<string, SortKey>> = {
  type: (item) => text(item['type']),
  servers: (item) => {
    const lb = item['loadBalancer'];
    return typeof lb === 'object' && lb !== null ? count((lb as Json)['servers']) : 0;
  },
  provider: (item) => text(item['provider']),
  status: (item) => text(item['status']),
};

/** Sort keys of middleware lists. */
export const MIDDLEWARE_SORT_KEYS: Readonly<Record<string, SortKey>> = {
  type: (item) => text(item['type']),
  provider: (item) => text(item['provider']),
  status: (item) => text(item['status']),
};

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts representations in place as the query asks. */
export function sortItems(items: Json[], query: URLSearchParams, keys: Readonly<Record<string, SortKey>>): void {
  const sortBy = query.get('sortBy') ?? '';
  const direction = query.get('direction') || 'asc';
  const sign = direction === 'asc' ? 1 : -1;
  const key = Object.hasOwn(keys, sortBy) ? keys[sortBy] : undefined;
  items.sort((a, b) => {
    const byKey = key === undefined ? 0 : compare(key(a), key(b));
    return sign * (byKey !== 0 ? byKey : compare(text(a['name']), text(b['name'])));
  });
}
