/**
 * Traefik v2/v3 router annotations on an Ingress (`traefik.ingress.kubernetes.io/router.*`):
 * entrypoints, middlewares, priority, pathmatcher, rulesyntax, tls (and certresolver, options,
 * domains.<n>.main/sans), observability.*. Names after the prefix are matched case-insensitively,
 * as Traefik's label decoder does. Traefik drops an Ingress whose router annotations do not
 * decode; so do we, with a diagnostic per bad value. An unknown `router.*` key is a warning
 * (Traefik fails the whole Ingress on it).
 */
import type { AnnotationReader } from './annotation-values.ts';
import { annotationPath, type DiagnosticSink } from './ingress-diagnostics.ts';
import { pathMatchers, type PathMatcherName, type RuleSyntax } from './ingress-rule.ts';

/** The Traefik annotation prefix. */
export const traefikPrefix = 'traefik.ingress.kubernetes.io/';

/** Router settings from annotations; absent fields are not set. */
export interface RouterSettings {
  readonly entryPoints?: readonly string[];
  readonly middlewares?: readonly string[];
  /** Explicit priority (0 = computed, as Traefik's 0 means "default"). */
  readonly priority?: number;
  readonly pathMatcher?: PathMatcherName;
  readonly ruleSyntax?: RuleSyntax;
  /** Present: the routers are TLS-only, with these settings. */
  readonly tls?: Readonly<Record<string, unknown>>;
  readonly observability?: Readonly<Record<string, unknown>>;
}

const observabilityKeys: Readonly<Record<string, string>> = {
  accesslogs: 'accessLogs', metrics: 'metrics', tracing: 'tracing', traceverbosity: 'traceVerbosity',
};

/** Reads the router annotations; `valid` is false when one of them has a bad value. */
export function readRouterAnnotations(reader: AnnotationReader, sink: DiagnosticSink): { settings: RouterSettings; valid: boolean } {
  const mark = sink.count();
  const settings: { -readonly [K in keyof RouterSettings]: RouterSettings[K] } = {};
  let tlsOn: boolean | undefined;
  const tls: Record<string, unknown> = {};
  const domains = new Map<number, Record<string, unknown>>();
  const observability: Record<string, unknown> = {};

  for (const key of Object.keys(reader.all)) {
    if (!key.startsWith(`${traefikPrefix}router.`)) continue;
    const name = key.slice(traefikPrefix.length + 'router.'.length).toLowerCase();
    const domain = /^tls\.domains(?:\.(\d+)|\[(\d+)\])\.(main|sans)$/.exec(name);
    if (domain !== null) {
      const index = Number(domain[1] ?? domain[2]);
      const entry = domains.get(index) ?? {};
      domains.set(index, entry);
      if (domain[3] === 'main') entry['main'] = reader.string(key);
      else entry['sans'] = reader.list(key);
      continue;
    }
    if (name.startsWith('observability.')) {
      const field = observabilityKeys[name.slice('observability.'.length)];
      if (field === undefined) {
        sink.warn('INGRESS_ANNOTATION_UNKNOWN', reader.object, annotationPath(key),
          `unknown annotation; expected observability.accesslogs, .metrics, .tracing or .traceverbosity; it is ignored`);
      } else if (field === 'traceVerbosity') {
        const value = reader.string(key)!;
        if (value === 'minimal' || value === 'detailed') observability[field] = value;
        else reader.invalid(key, `expected minimal or detailed, got ${JSON.stringify(value)}`);
      } else {
        const value = reader.bool(key);
        if (typeof value === 'boolean') observability[field] = value;
      }
      continue;
    }
    switch (name) {
      case 'entrypoints': settings.entryPoints = reader.list(key)!; break;
      case 'middlewares': settings.middlewares = reader.list(key)!; break;
      case 'priority': {
        const value = reader.int(key, { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
        if (typeof value === 'number' && value !== 0) settings.priority = value;
        break;
      }
      case 'pathmatcher': {
        const value = reader.string(key)!;
        const found = pathMatchers.find((m) => m === value);
        if (found === undefined) reader.invalid(key, `expected Path, PathPrefix or PathRegexp, got ${JSON.stringify(value)}`);
        else settings.pathMatcher = found;
        break;
      }
      case 'rulesyntax': {
        const value = reader.string(key)!;
        if (value === 'v2' || value === 'v3') settings.ruleSyntax = value;
        else if (value !== '' && value !== 'default') reader.invalid(key, `expected v2 or v3, got ${JSON.stringify(value)}`);
        break;
      }
      case 'tls': {
        const value = reader.bool(key);
        if (typeof value === 'boolean') tlsOn = value;
        break;
      }
      case 'tls.certresolver': tls['certResolver'] = reader.string(key); break;
      case 'tls.options': tls['options'] = reader.string(key); break;
      default:
        sink.warn('INGRESS_ANNOTATION_UNKNOWN', reader.object, annotationPath(key),
          'unknown router annotation (expected entrypoints, middlewares, priority, pathmatcher, rulesyntax, tls, tls.certresolver, '
          + 'tls.options, tls.domains.<n>.main, tls.domains.<n>.sans or observability.*); it is ignored');
    }
  }

  if (domains.size > 0) tls['domains'] = [...domains].sort(([a], [b]) => a - b).map(([, d]) => d);
  // Any tls.* key creates the TLS section, as in Traefik's label decoding; `tls: "false"` alone leaves it out.
  if (tlsOn === true || Object.keys(tls).length > 0) settings.tls = tls;
  if (Object.keys(observability).length > 0) settings.observability = observability;
  return { settings, valid: !sink.errorsSince(mark) };
}
