/**
 * Diagnostics: user mistakes as values. Every parser, validator and translator returns them
 * instead of throwing; the API, the logs and `switchyard check` show them.
 */

export type Severity = 'error' | 'warning';

/** Where in a file a value came from (1-based line and column). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable upper-snake code, e.g. `ROUTER_SERVICE_NOT_FOUND`. */
  readonly code: string;
  /** The resource it concerns: a qualified name (`api@file`), a file path or a static section. */
  readonly resource: string;
  /** Dotted field path, e.g. `http.services.api.loadBalancer.healthCheck.interval`. */
  readonly path: string;
  readonly source?: SourceLocation;
  readonly message: string;
}

/** Formats a diagnostic as one line: `file:line:col: error CODE path: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.source ? `${d.source.file}:${d.source.line}:${d.source.column}: ` : '';
  const path = d.path ? ` ${d.path}` : '';
  return `${where}${d.severity} ${d.code}${path}: ${d.message}`;
}

/** A value together with the diagnostics produced while making it. */
export interface Result<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}
