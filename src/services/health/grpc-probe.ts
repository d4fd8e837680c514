/**
 * One gRPC health probe (`healthCheck.mode: grpc`, reference §6.1): a unary call of
 * `grpc.health.v1.Health/Check` with an empty service name (the server's overall health, as
 * Traefik asks), over HTTP/2 through the service's upstream pools. Healthy means the call ends
 * with grpc-status 0 and the response says SERVING; anything else (NOT_SERVING, UNIMPLEMENTED,
 * a transport error, the timeout) is a failure with a sentence saying which.
 *
 * Where it goes [Traefik pkg/healthcheck/healthcheck.go checkHealthGRPC]: host from the server
 * URL (with `path` resolved against it, as Traefik does, only the host part matters), `port`
 * overriding the port. Transport:
 * - `scheme: http`, `h2c`: cleartext HTTP/2 (prior knowledge), as Traefik.
 * - `scheme: https`: HTTP/2 over TLS with the service's serversTransport TLS settings. Traefik
 *   dials without any TLS credentials then, so its probe can never succeed; this is the
 *   working meaning.
 * - no `scheme`: from the server URL — `https://` servers over TLS, `http://` and `h2c://`
 *   ones in cleartext. (Traefik always uses cleartext, which fails against a TLS server.)
 * `hostname` is sent as `:authority` and `headers` as metadata (Traefik ignores both in grpc
 * mode). The probe deadline travels as `grpc-timeout`. HTTP/2 is used even when the transport
 * sets `disableHTTP2`: gRPC has no HTTP/1.1 form.
 *
 * The protobuf messages are two fields, encoded and decoded by hand (no protobuf dependency).
 */
import type { Dispatcher } from 'undici';
import type { HealthCheckConfig } from '../../config/http-services.ts';
import type { TransportSettings } from '../../proxy/upstream-pools.ts';
import { describeError, originOf, withScheme, type ProbeOutcome } from './http-probe.ts';

/** Where a server's gRPC health is asked. */
export interface GrpcProbeTarget {
  /** `h2c://host:port` or `https://host:port`: the pool key. */
  readonly origin: string;
}

export const healthCheckPath = '/grpc.health.v1.Health/Check';

/** Resolves where a server is probed in grpc mode, or says why it cannot be. */
export function resolveGrpcProbeTarget(serverUrl: string, config: HealthCheckConfig): GrpcProbeTarget | string {
  const path = config.path ?? '';
  let url: URL;
  try {
    url = new URL(path, serverUrl);
  } catch {
    return `health check path ${path} does not resolve against ${serverUrl}`;
  }
  const given = (config.scheme ?? '').toLowerCase();
  let scheme: 'h2c' | 'https';
  if (given === 'http' || given === 'h2c') scheme = 'h2c';
  else if (given === 'https') scheme = 'https';
  else if (given !== '') return `health check scheme ${config.scheme!} is not http, h2c or https (grpc mode)`;
  else if (url.protocol === 'https:') scheme = 'https';
  else if (url.protocol === 'http:' || url.protocol === 'h2c:') scheme = 'h2c';
  else return `cannot probe ${serverUrl} with gRPC: scheme ${url.protocol.slice(0, -1)} is not http, h2c or https`;
  // The default port follows the server URL's scheme (80 for http, 443 for https).
  const port = config.port !== 0 ? String(config.port) : url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  const target = withScheme(url, scheme);
  target.port = port;
  return { origin: originOf(target) };
}

/** The transport a gRPC probe uses: the service's, with HTTP/2 allowed whatever it says. */
export function grpcProbeTransport(transport: TransportSettings): TransportSettings {
  return transport.disableHTTP2 === true ? { ...transport, disableHTTP2: false } : transport;
}

export interface GrpcProbeRequest {
  readonly target: GrpcProbeTarget;
  /** The pool for `target.origin` (acquired with grpcProbeTransport), held by the caller. */
  readonly pool: Dispatcher;
  readonly config: HealthCheckConfig;
  readonly transport: TransportSettings;
  /** Aborts the probe; its `reason` (an Error) becomes the failure's wording. */
  readonly signal: AbortSignal;
}

/** HealthCheckRequest{service: ""} in a gRPC frame: uncompressed, length 0. */
const requestFrame = Buffer.from([0, 0, 0, 0, 0]);

/** Sends one probe; never rejects. */
export async function sendGrpcProbe(request: GrpcProbeRequest): Promise<ProbeOutcome> {
  const { target, config, signal } = request;
  const where = `grpc ${target.origin}${healthCheckPath}`;
  try {
    const res = await request.pool.request({
      method: 'POST',
      path: healthCheckPath,
      headers: grpcHeaders(config),
      body: requestFrame,
      signal,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    // A trailers-only answer (an error before any message) carries the status in the head.
    const fields = { ...res.headers, ...res.trailers };
    if (res.statusCode !== 200) return { ok: false, reason: `${where}: HTTP status ${res.statusCode}` };
    const status = Number(first(fields['grpc-status']) ?? Number.NaN);
    if (Number.isNaN(status)) return { ok: false, reason: `${where}: the response carries no grpc-status` };
    if (status !== 0) {
      const message = grpcMessage(first(fields['grpc-message']));
      return { ok: false, reason: `${where}: gRPC status ${grpcStatusName(status)}${message === '' ? '' : ` (${message})`}` };
    }
    const serving = servingStatus(body);
    if (serving === null) return { ok: false, reason: `${where}: the response is not a HealthCheckResponse` };
    const name = servingStatusNames[serving] ?? String(serving);
    return serving === 1 ? { ok: true, reason: `${where}: ${name}` } : { ok: false, reason: `${where}: ${name} (expected SERVING)` };
  } catch (err) {
    const cause = signal.aborted ? (signal.reason as Error).message : describeError(err, request.transport);
    return { ok: false, reason: `${where}: ${cause}` };
  }
}

function grpcHeaders(config: HealthCheckConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (name.toLowerCase() !== 'host') out[name.toLowerCase()] = value;
  }
  if (config.hostname !== undefined && config.hostname !== '') out['host'] = config.hostname;
  out['content-type'] = 'application/grpc';
  out['te'] = 'trailers';
  // The probe's deadline, so the server can give up too (gRPC's TimeoutValue: ≤ 8 digits).
  out['grpc-timeout'] = `${Math.min(Math.max(1, Math.ceil(config.timeout)), 99_999_999)}m`;
  return out;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** grpc-message is percent-encoded (gRPC over HTTP/2 spec). */
function grpcMessage(raw: string | undefined): string {
  if (raw === undefined) return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const statusNames = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL',
  'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

function grpcStatusName(code: number): string {
  const name = statusNames[code];
  if (name === undefined) return String(code);
  return code === 12 ? `${name}: the server does not implement grpc.health.v1` : name;
}

/** HealthCheckResponse.ServingStatus. */
const servingStatusNames = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/**
 * The `status` (field 1, an enum) of the first HealthCheckResponse in a gRPC body; 0 when the
 * field is absent (proto3 default); null when the body is not one uncompressed message.
 */
export function servingStatus(body: Buffer): number | null {
  if (body.length < 5 || body[0] !== 0) return null;
  const length = body.readUInt32BE(1);
  if (body.length < 5 + length) return null;
  const message = body.subarray(5, 5 + length);
  let status = 0;
  let i = 0;
  while (i < message.length) {
    const key = readVarint(message, i);
    if (key === null) return null;
    i = key.next;
    const field = key.value >>> 3;
    const wire = key.value & 7;
    if (wire === 0) {
      const v = readVarint(message, i);
      if (v === null) return null;
      i = v.next;
      if (field === 1) status = v.value;
    } else if (wire === 2) {
      const len = readVarint(message, i);
      if (len === null) return null;
      i = len.next + len.value;
    } else if (wire === 1) {
      i += 8;
    } else if (wire === 5) {
      i += 4;
    } else {
      return null;
    }
  }
  return i === message.length ? status : null;
}

function readVarint(buf: Buffer, at: number): { value: number; next: number } | null {
  let value = 0;
  let shift = 0;
  for (let i = at; i < buf.length && shift < 35; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
  }
  return null;
}
