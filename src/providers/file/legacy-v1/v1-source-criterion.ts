/**
 * 1.x `extractorFunc` (oxy utils.NewExtractor) as a v3 `sourceCriterion`: what `maxConn` and
 * `rateLimit` count per.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import type { V1Context } from './v1-context.ts';

const headerPrefix = 'request.header.';

/**
 * `client.ip` → the client address, `request.host` → the Host, `request.header.X` → header X.
 * Anything else is an error (1.x refused it and skipped the frontend): undefined.
 */
export function v1SourceCriterion(value: unknown, path: ConfigPath, ctx: V1Context): Record<string, unknown> | undefined {
  const extractor = value === undefined || value === null ? '' : ctx.string(value, path);
  if (extractor === undefined) return undefined;
  if (extractor === 'client.ip') return { ipStrategy: {} };
  if (extractor === 'request.host') return { requestHost: true };
  if (extractor.startsWith(headerPrefix) && extractor.length > headerPrefix.length) {
    return { requestHeaderName: extractor.slice(headerPrefix.length) };
  }
  ctx.error('V1_INVALID_VALUE', path,
    `expected extractorFunc client.ip, request.host or request.header.<name>, got ${JSON.stringify(extractor)}`);
  return undefined;
}
