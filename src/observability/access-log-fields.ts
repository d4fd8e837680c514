/**
 * Which access-log fields, headers and query parameters are written (Traefik's
 * `accessLog.fields`): every field is kept unless dropped (names matched case-insensitively, as
 * Traefik lower-cases them); headers are dropped unless kept or redacted; query parameters
 * (Switchyard's `fields.queryParameters`) are kept unless dropped or redacted.
 */

export type FieldMode = 'keep' | 'drop';
export type HeaderMode = 'keep' | 'drop' | 'redact';

/** `accessLog.fields` as configured. */
export interface AccessLogFieldsConfig {
  /** Mode of fields not listed in `names`; default `keep`. */
  readonly defaultMode?: FieldMode | undefined;
  /** Per-field modes by Traefik field name (`ClientHost`, `StartUTC`, …). */
  readonly names?: Readonly<Record<string, FieldMode>> | undefined;
  readonly headers?: {
    /** Mode of headers not listed in `names`; default `drop`. */
    readonly defaultMode?: HeaderMode | undefined;
    /** Per-header modes; names are matched case-insensitively. */
    readonly names?: Readonly<Record<string, HeaderMode>> | undefined;
  } | undefined;
  /** Query parameters of `RequestPath` (Switchyard): mode of unlisted ones default `keep`. */
  readonly queryParameters?: {
    readonly defaultMode?: HeaderMode | undefined;
    /** Per-parameter modes; names are matched case-insensitively after percent-decoding. */
    readonly names?: Readonly<Record<string, HeaderMode>> | undefined;
  } | undefined;
}

/** The resolved field and header modes. */
export interface FieldModes {
  keepField(name: string): boolean;
  /** Mode for a canonical header name (`User-Agent`). */
  headerMode(canonicalName: string): HeaderMode;
  /** False when no header can ever be written (the common case; skips all header work). */
  readonly anyHeader: boolean;
  /**
   * Rewrites a raw query string (without `?`) with dropped parameters removed and redacted
   * values written `REDACTED`; null when every parameter is kept (the default).
   */
  readonly rewriteQuery: ((query: string) => string) | null;
}

/**
 * Go's `textproto.CanonicalMIMEHeaderKey`: `user-agent` → `User-Agent`. Names with characters
 * outside the header token set are returned unchanged, as Go does.
 */
export function canonicalHeaderName(name: string): string {
  let out = '';
  let upper = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const token = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      '!#$%&\'*+-.^_`|~'.includes(name[i]!);
    if (!token) return name;
    const ch = name[i]!;
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

/** A query parameter name as the application reads it: `+` is a space, escapes decoded. */
function decodeParameterName(raw: string): string {
  const spaced = raw.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/**
 * The query rewriter for `fields.queryParameters`, or null when nothing is ever dropped or
 * redacted. Pieces keep their order and raw spelling; a redacted parameter without a value
 * (`?debug`) has nothing to hide and stays as written.
 */
function queryRewriter(config: AccessLogFieldsConfig['queryParameters']): FieldModes['rewriteQuery'] {
  const defaultMode: HeaderMode = config?.defaultMode ?? 'keep';
  const names = new Map<string, HeaderMode>();
  for (const [name, mode] of Object.entries(config?.names ?? {})) names.set(name.toLowerCase(), mode);
  if (defaultMode === 'keep' && [...names.values()].every((mode) => mode === 'keep')) return null;
  return (query) => {
    if (query === '') return query;
    const kept: string[] = [];
    for (const piece of query.split('&')) {
      const eq = piece.indexOf('=');
      const rawName = eq < 0 ? piece : piece.slice(0, eq);
      const mode = names.get(decodeParameterName(rawName).toLowerCase()) ?? defaultMode;
      if (mode === 'drop') continue;
      kept.push(mode === 'redact' && eq >= 0 ? `${rawName}=REDACTED` : piece);
    }
    return kept.join('&');
  };
}

/** Resolves `accessLog.fields` into lookups used when building the formatters. */
export function resolveFieldModes(config: AccessLogFieldsConfig | undefined): FieldModes {
  const fieldDefault: FieldMode = config?.defaultMode === 'drop' ? 'drop' : 'keep';
  // Traefik lower-cases the configured names and the field names it looks up.
  const fieldNames = new Map<string, FieldMode>();
  for (const [name, mode] of Object.entries(config?.names ?? {})) fieldNames.set(name.toLowerCase(), mode);
  const headerDefault: HeaderMode = config?.headers?.defaultMode ?? 'drop';
  const headerNames = new Map<string, HeaderMode>();
  for (const [name, mode] of Object.entries(config?.headers?.names ?? {})) {
    headerNames.set(canonicalHeaderName(name), mode);
  }
  const anyHeader = headerDefault !== 'drop' || [...headerNames.values()].some((mode) => mode !== 'drop');
  return {
    keepField(name: string): boolean {
      return (fieldNames.get(name.toLowerCase()) ?? fieldDefault) !== 'drop';
    },
    headerMode(canonicalName: string): HeaderMode {
      return headerNames.get(canonicalName) ?? headerDefault;
    },
    anyHeader,
    rewriteQuery: queryRewriter(config?.queryParameters),
  };
}
