/**
 * Diagnostics of the CRD translation, always about one Kubernetes object
 * (`resource: 'IngressRoute/default/myapp'`) and a field path inside it
 * (`spec.routes[0].services[1].port`). A scope tracks whether a part (a route, a service entry)
 * saw an error, so that part alone is left out and the rest of the object still translates.
 */
import type { z } from 'zod';
import type { Diagnostic } from '../../../config/diagnostics.ts';
import { issuesToDiagnostics, makeDiagnostic, type ConfigPath } from '../../../config/issue-diagnostics.ts';
import { objectRef, type KubeObject } from '../kube-objects.ts';

/** Stable codes of the CRD translation (schema problems keep the `CONFIG_*` codes of config/). */
export type CrdCode =
  | 'CRD_INVALID_FIELD'
  | 'CRD_UNSUPPORTED_API_VERSION'
  | 'CRD_LEGACY_GROUP_SHADOWED'
  | 'CRD_UNSUPPORTED_KIND'
  | 'CRD_UNSUPPORTED_FIELD'
  | 'CRD_IGNORED_FIELD'
  | 'CRD_DEPRECATED'
  | 'CRD_CROSS_NAMESPACE_REFUSED'
  | 'CRD_SERVICE_UNRESOLVED'
  | 'CRD_SERVICE_NO_SERVERS'
  | 'CRD_SECRET_NOT_FOUND'
  | 'CRD_SECRET_INVALID'
  | 'CRD_CONFIGMAP_NOT_FOUND'
  | 'CRD_CONFIGMAP_INVALID'
  | 'CRD_SERVICE_AFFINITY_INVALID'
  | 'CRD_DEFAULT_TLS_CONFLICT'
  | 'CRD_NAME_CONFLICT';

/** Reports problems about one object; `failed` is true once this scope (or a sub-scope) saw an error. */
export interface ObjectReport {
  readonly object: KubeObject;
  /** `Kind/namespace/name`. */
  readonly ref: string;
  readonly failed: boolean;
  error(code: CrdCode, path: ConfigPath, message: string): void;
  warn(code: CrdCode, path: ConfigPath, message: string): void;
  /** Schema issues of a value generated from the field at `base` (errors). */
  issues(issues: readonly z.core.$ZodIssue[], base: ConfigPath): void;
  /** A sub-scope: its errors count here too, and its own `failed` tells about it alone. */
  scope(): ObjectReport;
}

/** Creates the report of `object`, adding its diagnostics to `sink`. */
export function createObjectReport(object: KubeObject, sink: Diagnostic[]): ObjectReport {
  return createScope(object, objectRef(object), sink, []);
}

function createScope(object: KubeObject, ref: string, sink: Diagnostic[], parents: { failed: boolean }[]): ObjectReport {
  const state = { failed: false };
  const chain = [state, ...parents];
  const fail = (): void => {
    for (const s of chain) s.failed = true;
  };
  return {
    object,
    ref,
    get failed() {
      return state.failed;
    },
    error(code, path, message) {
      fail();
      sink.push(makeDiagnostic('error', code, ref, path, message, undefined));
    },
    warn(code, path, message) {
      sink.push(makeDiagnostic('warning', code, ref, path, message, undefined));
    },
    issues(issues, base) {
      if (issues.length === 0) return;
      fail();
      sink.push(...issuesToDiagnostics(issues, base, ref, undefined));
    },
    scope() {
      return createScope(object, ref, sink, chain);
    },
  };
}

/** Parses `value` with `schema`; on failure the issues go to `report` at `base` and the result is false. */
export function checkWithSchema(schema: z.ZodType, value: unknown, base: ConfigPath, report: ObjectReport): boolean {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return true;
  report.issues(result.error.issues, base);
  return false;
}
