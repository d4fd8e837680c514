/**
 * Which access-log fields and headers are written (Traefik's `accessLog.fields`): every field is
 * kept unless dropped; headers are dropped unless kept or redacted.
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
}

/** The resolved field and header modes. */
export interface FieldModes {
  keepField(name: string): boolean;
  /** Mode for a canonical header name (`User-Agent`). */
  headerMode(canonicalName: string): HeaderMode;
  /** False when no header can ever be written (the common case; skips all header work). */
  readonly anyHeader: boolean;
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

/** Resolves `accessLog.fields` into lookups used when building the formatters. */
export function resolveFieldModes(config: AccessLogFieldsConfig | undefined): FieldModes {
  const fieldDefault: FieldMode = config?.defaultMode === 'drop' ? 'drop' : 'keep';
  const fieldNames = config?.names ?? {};
  const headerDefault: HeaderMode = config?.headers?.defaultMode ?? 'drop';
  const headerNames = new Map<string, HeaderMode>();
  for (const [name, mode] of Object.entries(config?.headers?.names ?? {})) {
    headerNames.set(canonicalHeaderName(name), mode);
  }
  const anyHeader = headerDefault !== 'drop' || [...headerNames.values()].some((mode) => mode !== 'drop');
  return {
    keepField(name: string): boolean {
      return (Object.hasOwn(fieldNames, name) ? fieldNames[name] : fieldDefault) !== 'drop';
    },
    headerMode(canonicalName: string): HeaderMode {
      return headerNames.get(canonicalName) ?? headerDefault;
    },
    anyHeader,
  };
}
