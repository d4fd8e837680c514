/**
 * Diagnostics of the Ingress translation: each names the Kubernetes object it is about
 * (`Ingress/default/shop`, `Service/default/api`, `BackendConfig/default/bc`) and the field path
 * inside it, in kubectl's notation (`spec.rules[0].http.paths[1].backend.service.port`,
 * `metadata.annotations['traefik.ingress.kubernetes.io/router.priority']`).
 */
import type { Diagnostic, Severity } from '../../../config/diagnostics.ts';
import { objectRef, type KubeObject } from '../kube-objects.ts';

/** Stable codes of the Ingress translation (the reused 1.x translators add their `V1_*` codes). */
export type IngressCode =
  | 'INGRESS_INVALID_FIELD'
  | 'INGRESS_SERVICE_UNRESOLVED'
  | 'INGRESS_SERVICE_NO_ENDPOINTS'
  | 'INGRESS_TLS_SECRET_NOT_FOUND'
  | 'INGRESS_TLS_SECRET_INVALID'
  | 'INGRESS_ANNOTATION_INVALID'
  | 'INGRESS_ANNOTATION_UNSUPPORTED'
  | 'INGRESS_ANNOTATION_UNKNOWN'
  | 'INGRESS_ANNOTATION_MISPLACED'
  | 'INGRESS_APPROXIMATED'
  | 'INGRESS_LEFT_OUT'
  | 'INGRESS_GENERATED_INVALID'
  | 'INGRESS_DEFAULT_BACKEND_CONFLICT'
  | 'INGRESS_DUPLICATE_PATH'
  | 'INGRESS_ROUTER_NAME_CONFLICT'
  | 'INGRESS_CANARY_NO_MATCH'
  | 'INGRESS_CANARY_CONFLICT'
  | 'INGRESS_AFFINITY_OVERRIDDEN'
  | 'INGRESS_CROSS_PROVIDER_REFERENCE'
  | 'SERVICE_AFFINITY_INVALID'
  | 'BACKENDCONFIG_NOT_FOUND'
  | 'BACKENDCONFIG_INVALID'
  | 'BACKENDCONFIG_UNSUPPORTED_FIELD';

/** Where diagnostics go; identical diagnostics (one Service used by many paths) are kept once. */
export interface DiagnosticSink {
  readonly diagnostics: readonly Diagnostic[];
  report(severity: Severity, code: IngressCode, object: KubeObject, path: string, message: string): void;
  error(code: IngressCode, object: KubeObject, path: string, message: string): void;
  warn(code: IngressCode, object: KubeObject, path: string, message: string): void;
  /** Adds diagnostics made elsewhere (the 1.x translators), de-duplicated as well. */
  add(diagnostic: Diagnostic): void;
  /** How many diagnostics so far (to tell whether a step reported something). */
  count(): number;
  /** Whether an error was reported since `mark` (a value of count()). */
  errorsSince(mark: number): boolean;
}

/** Creates an empty sink. */
export function createDiagnosticSink(): DiagnosticSink {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (d: Diagnostic): void => {
    const key = `${d.severity}\u0000${d.code}\u0000${d.resource}\u0000${d.path}\u0000${d.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push(d);
  };
  const report: DiagnosticSink['report'] = (severity, code, object, path, message) => {
    add({ severity, code, resource: objectRef(object), path, message });
  };
  return {
    diagnostics,
    report,
    error: (code, object, path, message) => report('error', code, object, path, message),
    warn: (code, object, path, message) => report('warning', code, object, path, message),
    add,
    count: () => diagnostics.length,
    errorsSince: (mark) => diagnostics.slice(mark).some((d) => d.severity === 'error'),
  };
}

/** `metadata.annotations['<key>']`. */
export function annotationPath(key: string): string {
  return `metadata.annotations['${key}']`;
}
