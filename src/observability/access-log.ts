/**
 * The access log (Traefik's `accessLog`): one line per finished request, in Traefik's formats,
 * filtered as Traefik filters, written in batches so the request path never waits on I/O.
 * Which requests are logged at all follows Traefik's observability rules: requests to internal
 * services only with `addInternals`, and a router's or entry point's `observability.accessLogs`.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { Exchange, ResponseHeadHook } from '../lib/exchange.ts';
import { collectAccessLogEntry } from './access-log-entry.ts';
import { resolveFieldModes, type AccessLogFieldsConfig } from './access-log-fields.ts';
import { createAccessLogFormatter, type AccessLogFormat } from './access-log-format.ts';
import { createBatchWriter } from './batch-writer.ts';
import { httpCodeRangesContain, parseHttpCodeRanges, type HttpCodeRanges } from './http-code-ranges.ts';

/** `accessLog.filters`: a request is logged when any configured filter matches. */
export interface AccessLogFilters {
  /** Status codes and ranges (`"200"`, `"300-302"`). */
  readonly statusCodes?: readonly string[];
  /** Log requests that were retried at least once. */
  readonly retryAttempts?: boolean;
  /** Log requests that took longer than this many milliseconds. */
  readonly minDuration?: number;
}

export interface AccessLogOptions {
  /** Default `common`. */
  readonly format?: AccessLogFormat;
  /** Default: standard output. */
  readonly filePath?: string;
  /** Lines per write at most; 0 or absent writes once per event-loop turn. */
  readonly bufferingSize?: number;
  readonly filters?: AccessLogFilters;
  readonly fields?: AccessLogFieldsConfig;
  /** Where lines go instead of `filePath`/stdout (tests, custom sinks). Not ended by `dispose`. */
  readonly output?: Writable;
  /** Wall clock in epoch milliseconds; default `Date.now`. */
  readonly now?: () => number;
  /** Told about configuration it cannot use and about a failing log file. */
  readonly onError?: (message: string) => void;
  readonly scope?: AccessLogScope;
}

/** What the access log needs to know about a router to decide whether its requests are logged. */
export interface AccessLogRouter {
  /** Qualified service name; a service `…@internal` makes the router internal (Traefik). */
  readonly service: string;
  readonly config: { readonly observability?: { readonly accessLogs?: boolean | undefined } | undefined } | null;
}

/**
 * Which requests are logged at all (Traefik's ObservabilityMgr.shouldAccessLog): not those of a
 * router whose service is internal (`api@internal`, `dashboard@internal`, `ping@internal`,
 * `prometheus@internal`, `noop@internal`, …) unless `addInternals`; otherwise the router's
 * `observability.accessLogs`, else its entry point's. A request no router took is logged as
 * its entry point says.
 */
export interface AccessLogScope {
  /** `accessLog.addInternals`; default false. */
  readonly addInternals?: boolean;
  /** `entryPoints.<name>.observability.accessLogs`; an entry point not listed logs. */
  readonly entryPoints?: ReadonlyMap<string, boolean>;
  /** The routers serving now, by qualified name; read when a request ends. */
  readonly routers?: () => ReadonlyMap<string, AccessLogRouter> | undefined;
}

/** A running access log. */
export interface AccessLog {
  /** Records a finished exchange; `durationNs` is the whole time the request took. */
  record(exchange: Exchange, durationNs: bigint): void;
  /**
   * Wraps the entry point's dispatch so the response head can be read when the line is written
   * (`downstream_`/`origin_` header fields); returns `dispatch` itself when no header field can
   * be logged, so the common configuration costs nothing.
   */
  wrapDispatch(dispatch: (exchange: Exchange) => void): (exchange: Exchange) => void;
  /** Writes what is buffered and closes the file. */
  dispose(): Promise<void>;
}

type Keep = (status: number, retryAttempts: number, durationNs: bigint) => boolean;

/** Traefik's filter semantics: no filter (or only empty ones) keeps every line; otherwise any match keeps it. */
function createFilter(filters: AccessLogFilters | undefined, onError: (message: string) => void): Keep {
  if (filters === undefined) return () => true;
  let ranges: HttpCodeRanges = [];
  const parsed = parseHttpCodeRanges(filters.statusCodes ?? []);
  // Traefik logs the error and drops the status filter, keeping the others.
  if ('error' in parsed) onError(`accessLog.filters.statusCodes: ${parsed.error}`);
  else ranges = parsed.ranges;
  const retries = filters.retryAttempts === true;
  const minDurationNs = filters.minDuration !== undefined && filters.minDuration > 0
    ? BigInt(Math.round(filters.minDuration * 1e6)) : 0n;
  if (ranges.length === 0 && !retries && minDurationNs === 0n) return () => true;
  return (status, retryAttempts, durationNs) =>
    httpCodeRangesContain(ranges, status) ||
    (retries && retryAttempts > 0) ||
    (minDurationNs > 0n && durationNs > minDurationNs);
}

type InScope = (exchange: Exchange) => boolean;

function createScope(scope: AccessLogScope | undefined): InScope {
  const addInternals = scope?.addInternals === true;
  const entryPoints = scope?.entryPoints ?? new Map<string, boolean>();
  const routers = scope?.routers;
  const entryPointLogs = (exchange: Exchange): boolean => entryPoints.get(exchange.request.entryPoint) ?? true;
  if (routers === undefined) return entryPointLogs;
  return (exchange) => {
    const name = exchange.log.routerName;
    const router = name === '' ? undefined : routers()?.get(name);
    if (router === undefined) return entryPointLogs(exchange);
    if (!addInternals && router.service.endsWith('@internal')) return false;
    return router.config?.observability?.accessLogs ?? entryPointLogs(exchange);
  };
}

/** Response heads by exchange, kept by reference: the hooks after this one edit the same array. */
const responseHeads = new WeakMap<Exchange, string[]>();
const captureResponseHead: ResponseHeadHook = (status, headers, exchange) => {
  responseHeads.set(exchange, headers);
  return status;
};

function openOutput(options: AccessLogOptions, onError: (message: string) => void): { out: Writable; owned: boolean } {
  if (options.output !== undefined) return { out: options.output, owned: false };
  if (options.filePath === undefined || options.filePath === '') return { out: process.stdout, owned: false };
  // Once at start-up, not per request.
  mkdirSync(dirname(options.filePath), { recursive: true, mode: 0o755 });
  const file = createWriteStream(options.filePath, { flags: 'a', mode: 0o664 });
  file.on('error', (err) => onError(`access log file ${options.filePath}: ${err.message}`));
  return { out: file, owned: true };
}

/** Creates an access log writer. */
export function createAccessLog(options: AccessLogOptions = {}): AccessLog {
  const onError = options.onError ?? (() => {});
  const now = options.now ?? Date.now;
  const keep = createFilter(options.filters, onError);
  const inScope = createScope(options.scope);
  const modes = resolveFieldModes(options.fields);
  const format = createAccessLogFormatter(options.format ?? 'common', modes);
  // Only JSON writes header fields other than Referer/User-Agent, and the client subject.
  const captureHeads = modes.anyHeader && options.format === 'json';
  const clientSubject = options.format === 'json' && modes.keepField('TLSClientSubject');
  const { out, owned } = openOutput(options, onError);
  const writer = createBatchWriter(out, { maxLines: options.bufferingSize ?? 0, ownsStream: owned });
  // Traefik's RequestCount: requests seen since start, whether or not their line is kept.
  let requestCount = 0;

  return {
    record(exchange: Exchange, durationNs: bigint): void {
      // Traefik counts the requests its access log sees, filtered out or not; out of scope ones it never sees.
      if (!inScope(exchange)) return;
      requestCount++;
      const log = exchange.log;
      if (!keep(log.downstreamStatus, log.retryAttempts, durationNs)) return;
      const nowMs = now();
      const entry = collectAccessLogEntry(exchange, durationNs, requestCount, nowMs, {
        rewriteQuery: modes.rewriteQuery,
        clientSubject,
        downstreamHeaders: captureHeads ? responseHeads.get(exchange) ?? null : null,
      });
      writer.write(format(entry, nowMs));
    },
    wrapDispatch(dispatch) {
      if (!captureHeads) return dispatch;
      return (exchange) => {
        exchange.responseHeadHooks.push(captureResponseHead);
        dispatch(exchange);
      };
    },
    dispose(): Promise<void> {
      return writer.close();
    },
  };
}
