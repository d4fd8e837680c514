/**
 * How a rule that does not compile is reported on its router, and the priority limits.
 */
import type { RuleError } from '../rules/rule-error.ts';

/**
 * Traefik rejects user priorities above MaxInt64-1000, keeping the top for internal routers.
 * JavaScript numbers are exact up to 2^53-1, so the same gap is kept below that bound.
 */
export const maxUserPriority = Number.MAX_SAFE_INTEGER - 1000;

/** Traefik's message for a priority above the limit. */
export function priorityTooHighMessage(priority: number): string {
  return `the router priority ${priority} exceeds the max user-defined priority ${maxUserPriority}`;
}

/** Traefik's message for a rule that does not parse, with where the problem is. */
export function ruleErrorMessage(rule: string, error: RuleError): string {
  return `error while parsing rule ${rule}: ${error.message} (line ${error.line}, column ${error.column})`;
}
