/**
 * Request path and host preparation before routing (reference §2.2), in pipeline order:
 * normalizePath → sanitizePath (entry point), canonicalHost (request decorator), then
 * routingPath (muxer, once per request) which is what Path/PathPrefix/PathRegexp see.
 *
 * Paths here are escaped (percent-encoded) paths as sent on the wire, i.e. ASCII; a non-ASCII
 * character is treated as its UTF-8 bytes.
 */

// RFC 3986 §2.2 reserved characters, plus `%` (decoding it would change the meaning of the URL).
const reservedBytes: ReadonlySet<number> = new Set([...":/?#[]@!$&'()*+,;=%"].map((c) => c.charCodeAt(0)));

/**
 * Traefik's routing path: every `%XX` decoded except reserved characters and `%`, byte-wise so
 * UTF-8 sequences reassemble (`/caf%C3%A9` → `/café`, `/a%2Fb` stays `/a%2Fb`). Returns null for
 * an invalid encoding (the caller answers 400). Without `%` the path is returned as is.
 *
 * Traefik matches the reserved escapes in upper case only (normalizePath upper-cases them
 * first); we keep `%2f` encoded too, so a request that skipped normalisation cannot smuggle a
 * `/` into Path matching.
 */
export function routingPath(escapedPath: string): string | null {
  if (escapedPath.indexOf('%') < 0) return escapedPath;
  const bytes = Buffer.from(escapedPath, 'utf8');
  const out = Buffer.allocUnsafe(bytes.length);
  let w = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 37) {
      out[w++] = b;
      continue;
    }
    if (i + 2 >= bytes.length) return null;
    const hi = hexValue(bytes[i + 1]!);
    const lo = hexValue(bytes[i + 2]!);
    if (hi < 0 || lo < 0) return null;
    const decoded = hi * 16 + lo;
    if (reservedBytes.has(decoded)) {
      out[w++] = 37;
      out[w++] = bytes[i + 1]!;
      out[w++] = bytes[i + 2]!;
    } else {
      out[w++] = decoded;
    }
    i += 2;
  }
  return out.toString('utf8', 0, w);
}

/**
 * Traefik's normalizePath: `%XX` of an unreserved character (`A-Z a-z 0-9 - . _ ~`) is decoded,
 * every other escape is upper-cased (`%2f` → `%2F`). Returns null for a malformed escape,
 * including a lone trailing `%` (Go's URL parser rejects those before Traefik sees them: 400).
 */
export function normalizePath(path: string): string | null {
  if (path.indexOf('%') < 0) return path;
  let out = '';
  let last = 0;
  for (let i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i)) {
    if (i + 2 >= path.length) return null;
    const hi = hexValue(path.charCodeAt(i + 1));
    const lo = hexValue(path.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return null;
    const decoded = hi * 16 + lo;
    out += path.slice(last, i);
    out += isUnreserved(decoded) ? String.fromCharCode(decoded) : path.slice(i, i + 3).toUpperCase();
    i += 3;
    last = i;
  }
  return out + path.slice(last);
}

function isUnreserved(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95 || c === 126;
}

/**
 * Traefik's sanitizePath (Go's url.JoinPath()): resolves `.` and `..`, collapses `//`, and keeps a
 * trailing slash: `/a/../b` → `/b`, `//foo` → `/foo`, `/./foo/../bar//` → `/bar/`. `..` never
 * climbs above the root.
 */
export function sanitizePath(path: string): string {
  if (path === '') return '';
  const rooted = path.startsWith('/');
  let cleaned = cleanPath(rooted ? path : `/${path}`);
  if (!rooted) cleaned = cleaned.slice(1);
  if (path.endsWith('/') && !cleaned.endsWith('/')) cleaned += '/';
  return cleaned;
}

/** Go's path.Clean for a rooted path. */
function cleanPath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/**
 * The canonical host used for routing, from a Host header value (or the authority of an
 * absolute-form target): port removed (IPv6 brackets too, like Go's net.SplitHostPort), spaces
 * trimmed, lower-cased, and one trailing dot removed.
 */
export function canonicalHost(hostHeaderValue: string): string {
  const host = splitHost(hostHeaderValue).trim().toLowerCase();
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** Traefik's requestdecorator parseHost: SplitHostPort, or the bracket-less IPv6, or as is. */
function splitHost(addr: string): string {
  if (!addr.includes(':')) return addr;
  const hostPort = splitHostPort(addr);
  if (hostPort !== null) return hostPort;
  if (addr.startsWith('[') && addr.endsWith(']')) return addr.slice(1, -1);
  return addr;
}

/** The host part of Go's net.SplitHostPort, or null where Go returns an error. */
function splitHostPort(hostport: string): string | null {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return null;
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== i) return null;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return null;
  }
  if (hostport.indexOf('[', j) >= 0) return null;
  if (hostport.indexOf(']', k) >= 0) return null;
  return host;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
