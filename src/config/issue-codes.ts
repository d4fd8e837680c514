/**
 * Stable diagnostic codes of configuration parsing, and how a schema attaches one to an issue.
 */
import type { z } from 'zod';

/** Codes produced while parsing static and dynamic configuration. */
export type ConfigIssueCode =
  | 'CONFIG_UNKNOWN_FIELD'
  | 'CONFIG_MISSING_FIELD'
  | 'CONFIG_INVALID_TYPE'
  | 'CONFIG_INVALID_DURATION'
  | 'CONFIG_INVALID_VALUE'
  | 'CONFIG_INVALID_NAME'
  | 'CONFIG_INVALID_SECTION'
  | 'SERVICE_MULTIPLE_TYPES'
  | 'SERVICE_NO_TYPE'
  | 'MIDDLEWARE_MULTIPLE_TYPES'
  | 'MIDDLEWARE_NO_TYPE';

/** The refinement context zod hands to transforms and refinements. */
export type IssueContext = z.core.$RefinementCtx;

/** Adds an issue carrying a stable code (read back when issues become diagnostics). */
export function addIssue(
  ctx: IssueContext,
  code: ConfigIssueCode,
  message: string,
  path: readonly (string | number)[] = [],
  extra: Record<string, unknown> = {},
): void {
  ctx.addIssue({ code: 'custom', message, path: [...path], params: { ...extra, code } });
}

/** A short description of a value for messages: `"abc"`, `42`, `a list`, `an object`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
