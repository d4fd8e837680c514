/**
 * Traefik's entry point models [pkg/server/aggregator.go applyModel]: an HTTP router on an entry
 * point that carries a model gets a copy of its own for that entry point, with the model's
 * middlewares first, the model's TLS when it has none, and the model's observability filling
 * the fields it leaves unset. The copy is named `<entryPoint>-<name>` when the router is on
 * several entry points; the entry points without a model stay on the router itself.
 */
import type { HttpRouter, RouterObservabilityConfig } from '../config/dynamic.ts';
import type { EntryPointInfo } from './entry-points.ts';

/** One router after splitting: its name, config and entry points. */
export interface RouterPart {
  /** Unqualified name of this part. */
  readonly name: string;
  readonly router: HttpRouter;
  readonly entryPoints: readonly string[];
}

/** Splits `router` (named `name`, on `entryPoints`) over the entry points that carry a model. */
export function splitByEntryPointModel(
  name: string, router: HttpRouter, entryPoints: readonly string[], infos: readonly EntryPointInfo[],
): RouterPart[] {
  const models = new Map(infos.flatMap((ep) => (ep.model && !ep.isUdp ? [[ep.name, ep.model] as const] : [])));
  if (!entryPoints.some((ep) => models.has(ep))) return [{ name, router, entryPoints }];

  const parts: RouterPart[] = [];
  const plain: string[] = [];
  for (const ep of entryPoints) {
    const model = models.get(ep);
    if (!model) {
      plain.push(ep);
      continue;
    }
    const observability = mergeObservability(router.observability, model.observability);
    const copy: HttpRouter = {
      ...router,
      entryPoints: [ep],
      middlewares: [...(model.middlewares ?? []), ...(router.middlewares ?? [])],
      ...(router.tls === undefined && model.tls !== undefined ? { tls: model.tls } : {}),
      ...(observability === undefined ? {} : { observability }),
    };
    parts.push({ name: entryPoints.length > 1 ? `${ep}-${name}` : name, router: copy, entryPoints: [ep] });
  }
  if (plain.length > 0) parts.unshift({ name, router: { ...router, entryPoints: plain }, entryPoints: plain });
  return parts;
}

function mergeObservability(
  own: RouterObservabilityConfig | undefined, model: RouterObservabilityConfig | undefined,
): RouterObservabilityConfig | undefined {
  if (model === undefined) return own;
  const merged: Record<string, unknown> = { ...model };
  for (const [key, value] of Object.entries(own ?? {})) if (value !== undefined) merged[key] = value;
  return merged as RouterObservabilityConfig;
}
