/**
 * Services and middlewares have exactly one kind (Traefik: "multi-types … not supported",
 * "does not have any type defined"); this check is shared by HTTP, TCP and UDP items.
 */
import { addIssue, type IssueContext } from './issue-codes.ts';

/** Reports an item with several kinds or none; the item is then rejected. */
export function checkSingleKind<K extends string>(
  value: Partial<Record<K, unknown>>, kinds: readonly K[], what: 'service' | 'middleware', ctx: IssueContext,
): void {
  const present = kinds.filter((kind) => value[kind] !== undefined);
  if (present.length > 1) {
    addIssue(ctx, what === 'service' ? 'SERVICE_MULTIPLE_TYPES' : 'MIDDLEWARE_MULTIPLE_TYPES',
      `multi-types ${what} not supported (found ${present.join(', ')}); declare one ${what} per kind`);
  } else if (present.length === 0) {
    addIssue(ctx, what === 'service' ? 'SERVICE_NO_TYPE' : 'MIDDLEWARE_NO_TYPE',
      `the ${what} does not have any type defined; expected one of ${kinds.join(', ')}`);
  }
}
