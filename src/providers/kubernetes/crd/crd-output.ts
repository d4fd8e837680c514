/**
 * The dynamic configuration the CRD translation builds, item by item, with the object each item
 * comes from. Items of one object (or one route) are staged in a batch and committed together
 * only when that part translated without error, so a half-translated route never leaves
 * dangling services behind (Traefik may leave them).
 *
 * Two objects can generate the same item: a Kubernetes Service port behind two TraefikServices
 * is `default-myapp1-80` for both. Identical definitions are simply shared; different ones are a
 * conflict Traefik resolves silently by map order. Here the first definition is kept and the
 * later object gets a `CRD_NAME_CONFLICT` warning naming the first.
 */
import type { ItemSection } from '../../../config/dynamic.ts';
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import type { ObjectReport } from './crd-report.ts';

/** The collections the translation fills (the TLS certificates list aside). */
export type CrdSection = ItemSection | 'tls.options' | 'tls.stores';

/** A TLS certificate as inline PEM, with the stores it belongs to (absent: `default`). */
export interface CrdCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly stores?: readonly string[];
}

/** Items staged for one object or route. */
export interface ItemBatch {
  /** Stages an item; `path` is the field it comes from (where a conflict is reported). */
  put(section: CrdSection, name: string, value: Record<string, unknown>, path?: ConfigPath): void;
  /** True when the batch already holds `name` in `section`. */
  has(section: CrdSection, name: string): boolean;
  /** Adds the staged items to the output (when `report` saw no error). */
  commit(): void;
}

/** What the translation produced. */
export interface CrdOutputResult {
  readonly config: Record<string, unknown>;
  readonly sources: ReadonlyMap<string, string>;
}

/** Collects the translated items. */
export interface CrdOutput {
  /** A batch of items coming from `report`'s object; committed only if `report` has not failed. */
  batch(report: ObjectReport): ItemBatch;
  /**
   * Marks the weighted HTTP service `name` as having an implied `healthCheck: {}` (its children
   * had health checks when it was built): if a child that ends up in the output has none (another
   * object's definition won a name conflict), the implied health check is dropped again rather
   * than making the service unbuildable.
   */
  impliedHealthCheck(name: string): void;
  /** Adds the certificate of Secret `key` (`ns/name`) unless one was already added under it. */
  certificate(key: string, certificate: CrdCertificate, report: ObjectReport): void;
  result(): CrdOutputResult;
}

/** JSON with sorted keys: two definitions are the same item when these are equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Creates an empty output. */
export function createCrdOutput(): CrdOutput {
  const items = new Map<CrdSection, Map<string, Record<string, unknown>>>();
  const sources = new Map<string, string>();
  const certificates = new Map<string, CrdCertificate>();
  const certificateSources = new Map<string, string>();
  const implied = new Set<string>();

  /** Drops implied weighted health checks whose children do not all report health. */
  const checkImpliedHealth = (): void => {
    const services = items.get('http.services');
    for (const name of implied) {
      const weighted = services?.get(name)?.['weighted'] as { services?: { name: string }[]; healthCheck?: unknown } | undefined;
      if (weighted === undefined) continue;
      const reports = (child: string): boolean => {
        const lb = services?.get(child)?.['loadBalancer'] as Record<string, unknown> | undefined;
        return lb !== undefined && (lb['healthCheck'] !== undefined || lb['passiveHealthCheck'] !== undefined);
      };
      if (!(weighted.services ?? []).every((c) => reports(c.name))) {
        const { healthCheck: _dropped, ...rest } = weighted;
        services!.set(name, { weighted: rest });
      }
    }
  };

  const add = (section: CrdSection, name: string, value: Record<string, unknown>, report: ObjectReport, path: ConfigPath): void => {
    let collection = items.get(section);
    if (collection === undefined) items.set(section, (collection = new Map()));
    const existing = collection.get(name);
    if (existing === undefined) {
      collection.set(name, value);
      sources.set(`${section} ${name}`, report.ref);
      return;
    }
    if (canonical(existing) === canonical(value)) return;
    const first = sources.get(`${section} ${name}`);
    const hint = section.endsWith('.services')
      ? ' (entries naming the same Service port share one service, so they need the same load-balancer settings)' : '';
    report.warn('CRD_NAME_CONFLICT', path,
      `${section} "${name}" is also generated from ${first === report.ref ? 'another part of this object' : first} `
      + `with different settings; that first definition is kept and this one is ignored${hint}`);
  };

  return {
    batch(report) {
      const staged: { section: CrdSection; name: string; value: Record<string, unknown>; path: ConfigPath }[] = [];
      return {
        put: (section, name, value, path = []) => void staged.push({ section, name, value, path }),
        has: (section, name) => staged.some((s) => s.section === section && s.name === name),
        commit() {
          if (report.failed) return;
          for (const s of staged) add(s.section, s.name, s.value, report, s.path);
        },
      };
    },
    impliedHealthCheck(name) {
      implied.add(name);
    },
    certificate(key, certificate, report) {
      if (certificates.has(key)) return;
      certificates.set(key, certificate);
      certificateSources.set(key, report.ref);
    },
    result() {
      checkImpliedHealth();
      const config: Record<string, Record<string, unknown>> = {};
      for (const [section, collection] of items) {
        if (collection.size === 0) continue;
        const [root, name] = section.split('.') as [string, string];
        config[root] ??= {};
        config[root][name] = Object.fromEntries(collection);
      }
      // Traefik sorts certificates by their `namespace/secret` key.
      const keys = [...certificates.keys()].sort();
      if (keys.length > 0) {
        config['tls'] ??= {};
        config['tls']['certificates'] = keys.map((k) => certificates.get(k)!);
        keys.forEach((k, index) => sources.set(`tls.certificates ${index}`, certificateSources.get(k)!));
      }
      return { config, sources };
    },
  };
}
