/**
 * The access log (Traefik's `accessLog`): one line per finished request, in Traefik's formats,
 * filtered as Traefik filters, written in batches so the request path never waits on I/O.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { Exchange } from '../lib/exchange.ts';
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
}

/** A running access log. */
export interface AccessLog {
  /** Records a finished exchange; `durationNs` is the whole time the request took. */
  record(exchange: Exchange, durationNs: bigint): void;
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
  const format = createAccessLogFormatter(options.format ?? 'common', resolveFieldModes(options.fields));
  const { out, owned } = openOutput(options, onError);
  const writer = createBatchWriter(out, { maxLines: options.bufferingSize ?? 0, ownsStream: owned });
  // Traefik's RequestCount: requests seen since start, whether or not their line is kept.
  let requestCount = 0;

  return {
    record(exchange: Exchange, durationNs: bigint): void {
      requestCount++;
      const log = exchange.log;
      if (!keep(log.downstreamStatus, log.retryAttempts, durationNs)) return;
      const nowMs = now();
      writer.write(format(collectAccessLogEntry(exchange, durationNs, requestCount, nowMs), nowMs));
    },
    dispose(): Promise<void> {
      return writer.close();
    },
  };
}
