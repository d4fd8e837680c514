/**
 * `sourceCriterion` [Traefik pkg/middlewares GetSourceExtractor] (reference §9): what rateLimit
 * and inFlightReq count per. Exactly one of `ipStrategy`, `requestHeaderName`, `requestHost`
 * (the schema refuses more than one); with none set, each middleware has its own default —
 * the client IP for rateLimit, the request host for inFlightReq.
 */
import type { SourceCriterionConfig } from '../../config/dynamic.ts';
import { getHeader, type RequestHead } from '../../lib/exchange.ts';
import { createIpStrategy } from './ip-strategy.ts';

/** The key a request is counted under. Requests without the header share the key ''. */
export type SourceExtractor = (request: RequestHead) => string;

/** What a middleware counts per when its sourceCriterion sets nothing. */
export type DefaultSource = 'clientIp' | 'requestHost';

/** Builds the extractor for `config`; `field` is its config path, for errors. */
export function createSourceExtractor(
  config: SourceCriterionConfig | undefined, fallback: DefaultSource, field = 'sourceCriterion',
): SourceExtractor {
  if (config?.ipStrategy !== undefined) return createIpStrategy(config.ipStrategy, `${field}.ipStrategy`);
  const header = config?.requestHeaderName ?? '';
  if (header !== '') {
    const name = header.toLowerCase();
    return (request) => getHeader(request.headers, name) ?? '';
  }
  if (config?.requestHost === true) return requestHost;
  switch (fallback) {
    case 'clientIp':
      return createIpStrategy(undefined, `${field}.ipStrategy`);
    case 'requestHost':
      return requestHost;
    default: {
      const never: never = fallback;
      throw new Error(`unknown default source ${String(never)}`);
    }
  }
}

/** The Host header as the client sent it (Go's `req.Host`: port included), else the routing host. */
function requestHost(request: RequestHead): string {
  return getHeader(request.headers, 'host') ?? request.host;
}
