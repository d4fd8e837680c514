/**
 * The defaults an entry point gives the routers on it (`entryPoints.<name>.http.middlewares`
 * and `.http.tls`), in the shape the pipeline's EntryPointInfo takes; the same for a start and
 * for `switchyard check`.
 */
import type { StaticConfig } from '../config/static.ts';
import type { EntryPointInfo } from '../pipeline/entry-points.ts';

type EntryPointHttp = StaticConfig['entryPoints'][string]['http'];

/** `{model}` for an entry point's http section, or nothing when it sets no default. */
export function entryPointModel(http: EntryPointHttp): Pick<EntryPointInfo, 'model'> {
  const hasMiddlewares = http.middlewares.length > 0;
  if (!hasMiddlewares && http.tls === undefined) return {};
  return { model: { ...(hasMiddlewares ? { middlewares: http.middlewares } : {}), ...(http.tls !== undefined ? { tls: http.tls } : {}) } };
}
