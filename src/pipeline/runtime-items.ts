/**
 * Building RuntimeItems and recording what is wrong with them: every problem is both an error
 * string in Traefik's wording (what Traefik's API lists) and a Diagnostic with a stable code and
 * the path of the offending field.
 */
import type { Diagnostic } from '../config/diagnostics.ts';
import type { RuntimeItem } from '../config/runtime.ts';
import type { MergedItem } from './merged-config.ts';

/** One thing wrong with an item. */
export interface Problem {
  /** Critical problems disable the item; others leave it serving with status `warning`. */
  readonly critical: boolean;
  /** Stable upper-snake code, e.g. `ROUTER_SERVICE_NOT_FOUND`. */
  readonly code: string;
  /** Dotted path of the offending field, e.g. `http.routers.api.service`. */
  readonly path: string;
  /** The diagnostic's message. */
  readonly message: string;
  /** The error string for the API, in Traefik's wording; the message when absent. */
  readonly error?: string;
}

/** A whole feature Switchyard does not implement yet: every item of it is disabled with this. */
export interface NotImplemented {
  readonly code: string;
  readonly message: string;
}

/** Starts the runtime item of a merged one: disabled when rejected, else as its diagnostics say. */
export function createRuntimeItem<T>(merged: MergedItem<T, unknown>): RuntimeItem<T> {
  const errors: string[] = [];
  for (const d of merged.diagnostics) {
    const error = d.path === '' ? d.message : `${d.path}: ${d.message}`;
    if (!errors.includes(error)) errors.push(error);
  }
  const hasError = merged.diagnostics.some((d) => d.severity === 'error');
  const status = merged.config === null || hasError ? 'disabled' : merged.diagnostics.length > 0 ? 'warning' : 'enabled';
  return {
    name: merged.name,
    provider: merged.provider,
    config: merged.config,
    raw: merged.raw,
    status,
    errors,
    diagnostics: [...merged.diagnostics],
    usedBy: [],
    ...(merged.locate !== undefined ? { locate: merged.locate } : {}),
  };
}

/** Records `problem` on `item` (an error string already listed is not repeated, as in Traefik). */
export function addProblem(item: RuntimeItem<unknown>, problem: Problem): void {
  const error = problem.error ?? problem.message;
  if (!item.errors.includes(error)) item.errors.push(error);
  const diagnostic: Diagnostic = {
    severity: problem.critical ? 'error' : 'warning',
    code: problem.code,
    resource: item.name,
    path: problem.path,
    message: problem.message,
  };
  item.diagnostics.push(diagnostic);
  if (problem.critical) item.status = 'disabled';
  else if (item.status === 'enabled') item.status = 'warning';
}

/** True when the item serves (enabled or warning). */
export function isServing(item: RuntimeItem<unknown> | undefined): boolean {
  return item !== undefined && item.status !== 'disabled';
}

/** Adds `user` to the item's `usedBy` once, keeping it sorted. */
export function addUser(item: RuntimeItem<unknown> | undefined, user: string): void {
  if (item === undefined || item.usedBy.includes(user)) return;
  item.usedBy.push(user);
  item.usedBy.sort();
}

/** The dotted path of an item: `http.routers.api`. */
export function itemPath(section: string, qualifiedName: string): string {
  const at = qualifiedName.lastIndexOf('@');
  return `${section}.${at < 0 ? qualifiedName : qualifiedName.slice(0, at)}`;
}
