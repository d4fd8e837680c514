/**
 * Access-log line formats, byte for byte as Traefik writes them so existing log parsers keep
 * working: `common` (Traefik's extended CLF), `genericCLF` (the CLF part only) and `json`
 * (logrus' JSON: keys sorted, HTML characters escaped, `level`, `msg` and `time` added).
 * JSON has one field Traefik does not write, `ClientIP` (Switchyard's resolved client IP); CLF
 * lines are exactly Traefik's.
 */
import { getHeaderValues } from '../lib/exchange.ts';
import type { AccessLogEntry } from './access-log-entry.ts';
import { canonicalHeaderName, type FieldModes, type HeaderMode } from './access-log-fields.ts';
import { formatCommonLogTime, formatRfc3339, localOffsetMinutes } from './go-time-format.ts';

export type AccessLogFormat = 'common' | 'genericCLF' | 'json';

/** Turns one entry into one line (with its newline). `nowMs` is the wall clock when written. */
export type AccessLogFormatter = (entry: AccessLogEntry, nowMs: number) => string;

const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029]/;
const HTML_CHARS = /[<>&\u2028\u2029]/g;

/** A JSON string as Go's encoding/json writes it (it escapes `<`, `>`, `&`, U+2028, U+2029). */
export function goJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  return JSON.stringify(s).replace(HTML_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON value, or undefined when the field is absent from this entry. */
type FieldValue = (e: AccessLogEntry) => string | undefined;

const nonEmpty = (s: string): string | undefined => (s === '' ? undefined : goJsonString(s));
const whenOrigin = (e: AccessLogEntry, value: number | bigint): string | undefined =>
  e.originStatus === 0 ? undefined : String(value);

/** Every core field Traefik can write, sorted by name as Go's map encoding sorts them. */
const JSON_FIELDS: readonly (readonly [string, FieldValue])[] = ([
  ['ClientAddr', (e) => goJsonString(e.clientAddr)],
  ['ClientHost', (e) => goJsonString(e.clientHost)],
  ['ClientIP', (e) => nonEmpty(e.clientIp)],
  ['ClientPort', (e) => goJsonString(e.clientPort)],
  ['ClientUsername', (e) => goJsonString(e.clientUsername)],
  ['DownstreamContentSize', (e) => String(e.downstreamContentSize)],
  ['DownstreamStatus', (e) => String(e.downstreamStatus)],
  ['Duration', (e) => String(e.durationNs)],
  // Traefik adds the ratio only when the server's size is known and differs from what was sent.
  ['GzipRatio', (e) => (e.originStatus === 0 || e.downstreamContentSize === 0 ||
    e.originContentSize === e.downstreamContentSize ? undefined : String(e.originContentSize / e.downstreamContentSize))],
  ['OriginContentSize', (e) => whenOrigin(e, e.originContentSize)],
  ['OriginDuration', (e) => (e.originDurationNs === null ? undefined : String(e.originDurationNs))],
  ['OriginStatus', (e) => whenOrigin(e, e.originStatus)],
  ['Overhead', (e) => String(e.originDurationNs === null ? e.durationNs : e.durationNs - e.originDurationNs)],
  ['RequestAddr', (e) => nonEmpty(e.requestAddr)],
  ['RequestContentSize', (e) => String(e.requestContentSize)],
  ['RequestCount', (e) => String(e.requestCount)],
  ['RequestHost', (e) => (e.requestAddr === '' ? undefined : goJsonString(e.requestHost))],
  ['RequestMethod', (e) => goJsonString(e.requestMethod)],
  ['RequestPath', (e) => goJsonString(e.requestPath)],
  ['RequestPort', (e) => (e.requestAddr === '' ? undefined : goJsonString(e.requestPort))],
  ['RequestProtocol', (e) => goJsonString(e.requestProtocol)],
  ['RequestScheme', (e) => goJsonString(e.requestScheme)],
  ['RetryAttempts', (e) => String(e.retryAttempts)],
  ['RouterName', (e) => nonEmpty(e.routerName)],
  ['ServiceAddr', (e) => nonEmpty(e.serviceAddr)],
  ['ServiceName', (e) => nonEmpty(e.serviceName)],
  ['ServiceURL', (e) => nonEmpty(e.serviceUrl)],
  ['StartLocal', (e) => goJsonString(formatRfc3339(e.startMs, localOffsetMinutes(e.startMs), true))],
  ['StartUTC', (e) => goJsonString(formatRfc3339(e.startMs, 0, true))],
  ['TLSCipher', (e) => nonEmpty(e.tlsCipher)],
  ['TLSClientSubject', (e) => nonEmpty(e.tlsClientSubject)],
  ['TLSVersion', (e) => nonEmpty(e.tlsVersion)],
] as (readonly [string, FieldValue])[]).sort((a, b) => (a[0] < b[0] ? -1 : 1));

/** Names of the fields the JSON format can write, sorted. */
export const ACCESS_LOG_FIELD_NAMES: readonly string[] = JSON_FIELDS.map(([name]) => name);

/** The joined values of one request header as Traefik logs it, or undefined when absent or dropped. */
function headerField(headers: readonly string[], lowerName: string, mode: HeaderMode): string | undefined {
  if (mode === 'drop') return undefined;
  const values = getHeaderValues(headers, lowerName);
  if (values.length === 0) return undefined;
  return mode === 'redact' ? 'REDACTED' : values.join(',');
}

/**
 * `<prefix><Header>` fields (`request_`, `origin_`, `downstream_`) in Go's canonical header
 * case, merged and sorted by name.
 */
function headerFields(headers: readonly string[], modes: FieldModes, prefix: string): string {
  const names: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const raw = headers[i]!;
    // Go moves Host out of the header map, and HTTP/2 pseudo-headers are not headers.
    if (raw.charCodeAt(0) === 0x3a || raw.length === 4 && raw.toLowerCase() === 'host') continue;
    const name = canonicalHeaderName(raw);
    const mode = modes.headerMode(name);
    if (mode === 'drop') continue;
    const at = names.indexOf(name);
    const value = mode === 'redact' ? 'REDACTED' : headers[i + 1]!;
    if (at < 0) {
      names.push(name);
      values.push(value);
    } else if (mode === 'keep') {
      values[at] += `,${value}`;
    }
  }
  if (names.length === 0) return '';
  const order = names.map((_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : 1));
  let out = '';
  for (const i of order) out += `${goJsonString(`${prefix}${names[i]!}`)}:${goJsonString(values[i]!)},`;
  return out;
}

function createJsonFormatter(modes: FieldModes): AccessLogFormatter {
  const kept = JSON_FIELDS.filter(([name]) => modes.keepField(name));
  const keys = kept.map(([name]) => `"${name}":`);
  const values = kept.map(([, value]) => value);
  const count = kept.length;
  const withHeaders = modes.anyHeader;
  return (e, nowMs) => {
    let line = '{';
    for (let i = 0; i < count; i++) {
      const value = values[i]!(e);
      if (value !== undefined) line += keys[i]! + value + ',';
    }
    // logrus sorts every key: downstream_* < level < msg < origin_* < request_* < time.
    const response = withHeaders ? e.downstreamHeaders : null;
    if (response !== null) line += headerFields(response, modes, 'downstream_');
    line += '"level":"info","msg":"",';
    // Traefik copies the origin headers right after the service wrote its head, which already
    // carries what the middlewares changed: the same headers as downstream, when a server answered.
    if (response !== null && e.originStatus !== 0) line += headerFields(response, modes, 'origin_');
    if (withHeaders) line += headerFields(e.headers, modes, 'request_');
    return `${line}"time":"${formatRfc3339(nowMs, localOffsetMinutes(nowMs), false)}"}\n`;
  };
}

function createClfFormatter(modes: FieldModes, extended: boolean): AccessLogFormatter {
  const keep = (name: string): boolean => modes.keepField(name);
  const clientHost = keep('ClientHost');
  const username = keep('ClientUsername');
  const startUtc = keep('StartUTC');
  const startLocal = keep('StartLocal');
  const method = keep('RequestMethod');
  const path = keep('RequestPath');
  const protocol = keep('RequestProtocol');
  const status = keep('DownstreamStatus');
  const size = keep('DownstreamContentSize');
  const count = keep('RequestCount');
  const router = keep('RouterName');
  const serviceUrl = keep('ServiceURL');
  const duration = keep('Duration');
  const refererMode = modes.headerMode('Referer');
  const userAgentMode = modes.headerMode('User-Agent');
  // Traefik prints a dropped or empty field as `-`, and a dropped or empty quoted one as "-".
  const plain = (kept: boolean, s: string): string => (kept && s !== '' ? s : '-');
  const quoted = (kept: boolean, s: string | undefined): string =>
    (kept && s !== undefined && s !== '' ? `"${s}"` : '"-"');
  return (e) => {
    const time = startUtc ? formatCommonLogTime(e.startMs, 0)
      : startLocal ? formatCommonLogTime(e.startMs, localOffsetMinutes(e.startMs)) : '-';
    const line = plain(clientHost, e.clientHost) + ' - ' + plain(username, e.clientUsername) + ' [' + time + '] "' +
      plain(method, e.requestMethod) + ' ' + plain(path, e.requestPath) + ' ' + plain(protocol, e.requestProtocol) + '" ' +
      (status ? e.downstreamStatus : '-') + ' ' + (size ? e.downstreamContentSize : '-') + ' ' +
      quoted(true, headerField(e.headers, 'referer', refererMode)) + ' ' +
      quoted(true, headerField(e.headers, 'user-agent', userAgentMode));
    if (!extended) return line + '\n';
    return line + ' ' + (count ? e.requestCount : '-') + ' ' + quoted(router, e.routerName) + ' ' +
      quoted(serviceUrl, e.serviceUrl) + ' ' + (duration ? e.durationNs / 1_000_000n : 0n) + 'ms\n';
  };
}

/** Builds the formatter for a format once; the returned function is the hot-path part. */
export function createAccessLogFormatter(format: AccessLogFormat, modes: FieldModes): AccessLogFormatter {
  switch (format) {
    case 'common':
      return createClfFormatter(modes, true);
    case 'genericCLF':
      return createClfFormatter(modes, false);
    case 'json':
      return createJsonFormatter(modes);
    default: {
      const unknown: never = format;
      throw new Error(`unknown access log format ${String(unknown)}`);
    }
  }
}
