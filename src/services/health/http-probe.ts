/**
 * One HTTP health probe (reference §6.1): where it goes, what it sends, which redirects it
 * follows, and a precise sentence saying how it went. Scheduling is active-check.ts's job.
 * `h2c://` servers are probed over HTTP/2 with prior knowledge, as Traefik's transport does.
 */
import type { Dispatcher } from 'undici';
import type { HealthCheckConfig } from '../../config/http-services.ts';
import { formatDuration } from '../../config/duration.ts';
import type { TransportSettings, UpstreamPools } from '../../proxy/upstream-pools.ts';

/** Where a server is probed. */
export interface ProbeTarget {
  readonly url: URL;
  /** `scheme://host:port`, the key of the upstream pool (same as the load balancer's). */
  readonly origin: string;
}

/** How one probe went; `reason` is the whole sentence (`GET http://…/health: status 200`). */
export interface ProbeOutcome {
  readonly ok: boolean;
  readonly reason: string;
}

/**
 * Resolves the probe URL of a server: `path` as a reference relative to the server URL
 * (`/health` replaces the server's path, `health` is relative to it, `?query` allowed), then the
 * scheme and port overrides. Returns a message instead when the configuration cannot be probed.
 */
export function resolveProbeTarget(serverUrl: string, config: HealthCheckConfig): ProbeTarget | string {
  const path = config.path ?? '';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    return `health check path ${path} is an absolute URL; expected a path relative to the server URL`;
  }
  let url: URL;
  try {
    url = new URL(path, serverUrl);
  } catch {
    return `health check path ${path} does not resolve against ${serverUrl}`;
  }
  if (config.scheme !== undefined && config.scheme !== '') {
    const scheme = config.scheme.toLowerCase();
    if (!probeSchemes.has(scheme)) return `health check scheme ${config.scheme} is not http, https or h2c`;
    url = withScheme(url, scheme);
  }
  if (config.port !== 0) url.port = String(config.port);
  if (!probeSchemes.has(url.protocol.slice(0, -1))) {
    return `cannot probe ${url.href}: scheme ${url.protocol.slice(0, -1)} is not http, https or h2c`;
  }
  return { url, origin: originOf(url) };
}

/** Schemes a probe can use; `h2c` is HTTP/2 over cleartext (the pool speaks it). */
const probeSchemes: ReadonlySet<string> = new Set(['http', 'https', 'h2c']);

/**
 * `url` with another scheme. (URL's protocol setter refuses to switch between special schemes
 * like http and non-special ones like h2c, so the URL is rebuilt.)
 */
export function withScheme(url: URL, scheme: string): URL {
  return new URL(`${scheme}://${url.host}${url.pathname === '' ? '/' : url.pathname}${url.search}`);
}

/**
 * `scheme://host:port` with the default port spelled out: the same key load-balancer.ts's
 * serverOrigin gives, so probes share the service's pools. (Not imported from there: the load
 * balancer will import the health checks, and the cycle would drag its whole graph in here.)
 */
export function originOf(url: URL): string {
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return `${url.protocol}//${url.hostname}:${port}`;
}

export interface HttpProbeRequest {
  readonly target: ProbeTarget;
  /** The pool for `target.origin`, held by the caller. */
  readonly pool: Dispatcher;
  readonly config: HealthCheckConfig;
  /** For redirects to other origins, reached with the same transport settings. */
  readonly pools: UpstreamPools;
  readonly transport: TransportSettings;
  /** Aborts the probe; its `reason` (an Error) becomes the failure's wording, e.g. "timed out after 5s". */
  readonly signal: AbortSignal;
}

// Go's http.Client, which Traefik probes with, gives up when the 10th response is a redirect.
const maxRequests = 10;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
// Dropped on a redirect to a host that is neither the probed host nor a subdomain of it (Go does).
const sensitiveHeaders = new Set(['authorization', 'www-authenticate', 'cookie', 'cookie2']);

/** Sends one probe, following redirects when configured; never rejects. */
export async function sendHttpProbe(request: HttpProbeRequest): Promise<ProbeOutcome> {
  const { target, config, signal } = request;
  const first = target.url;
  let url = first;
  let method = config.method;
  let headers = probeHeaders(config);
  for (let sent = 1; ; sent++) {
    const where = url === first
      ? `${config.method} ${first.href}`
      : `${config.method} ${first.href} (redirected to ${url.href})`;
    let status: number;
    let location: string | undefined;
    try {
      ({ status, location } = await exchange(request, url, method, headers));
    } catch (err) {
      const cause = signal.aborted ? (signal.reason as Error).message : describeError(err, request.transport);
      return { ok: false, reason: `${where}: ${cause}` };
    }
    if (!config.followRedirects || !redirectStatuses.has(status) || location === undefined) {
      return statusOutcome(where, status, config.status);
    }
    if (sent >= maxRequests) return { ok: false, reason: `${where}: stopped after ${maxRequests} redirects` };
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return { ok: false, reason: `${where}: status ${status} with an invalid Location ${location}` };
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      return { ok: false, reason: `${where}: redirect to ${next.href}, whose scheme is not http or https` };
    }
    // RFC 9110 §15.4: 301/302/303 turn a non-GET/HEAD request into a GET; 307/308 keep it.
    if (status <= 303 && method !== 'GET' && method !== 'HEAD') method = 'GET';
    headers = redirectHeaders(headers, location, next, first);
    url = next;
  }
}

/** The probe's headers, lower-cased: `headers` from the config, then `hostname` as Host. */
function probeHeaders(config: HealthCheckConfig): Record<string, string> {
  const out: Record<string, string> = {};
  // Go's client ignores a Host entry in the header map (the request's Host field wins); so do we.
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (name.toLowerCase() !== 'host') out[name.toLowerCase()] = value;
  }
  if (config.hostname !== undefined && config.hostname !== '') out['host'] = config.hostname;
  return out;
}

/**
 * Headers for the next hop: a custom Host survives only a relative Location, and credentials
 * only a redirect to the probed host or one of its subdomains (Go's client rules).
 */
function redirectHeaders(headers: Record<string, string>, location: string, next: URL, first: URL): Record<string, string> {
  const out = { ...headers };
  if (/^[a-z][a-z0-9+.-]*:/i.test(location)) delete out['host'];
  const sameSite = next.hostname === first.hostname || next.hostname.endsWith(`.${first.hostname}`);
  if (!sameSite) for (const name of sensitiveHeaders) delete out[name];
  return out;
}

async function exchange(request: HttpProbeRequest, url: URL, method: string, headers: Record<string, string>):
Promise<{ status: number; location: string | undefined }> {
  const origin = originOf(url);
  const own = origin === request.target.origin;
  const pool = own ? request.pool : request.pools.acquire(origin, request.transport);
  try {
    const res = await pool.request({ path: url.pathname + url.search, method, headers, signal: request.signal });
    const raw = res.headers['location'];
    const location = Array.isArray(raw) ? raw[0] : raw;
    // Read (up to undici's dump limit) so the connection can be reused; the status decides.
    await res.body.dump().catch(() => undefined);
    return { status: res.statusCode, location };
  } finally {
    if (!own) request.pools.release(origin, request.transport);
  }
}

function statusOutcome(where: string, status: number, expected: number): ProbeOutcome {
  const ok = expected === 0 ? status >= 200 && status < 400 : status === expected;
  if (ok) return { ok, reason: `${where}: status ${status}` };
  return { ok, reason: `${where}: status ${status} (expected ${expected === 0 ? '200-399' : expected})` };
}

/** Words for a failed exchange, by the stable codes of Node and undici errors. */
export function describeError(err: unknown, transport: TransportSettings): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ECONNRESET': return 'connection reset';
    case 'EHOSTUNREACH': return 'host unreachable';
    case 'ENETUNREACH': return 'network unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return 'host name not found';
    case 'UND_ERR_CONNECT_TIMEOUT': return `connect timed out after ${formatDuration(transport.dialTimeoutMs)}`;
    case 'UND_ERR_HEADERS_TIMEOUT': return `no response headers within ${formatDuration(transport.responseHeaderTimeoutMs)}`;
    case 'UND_ERR_SOCKET': return 'connection closed before a response';
    default: {
      const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
      return code === '' ? message : `${message} (${code})`;
    }
  }
}
