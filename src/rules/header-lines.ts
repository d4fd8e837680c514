/**
 * Header lookups for the Header/HeaderRegexp matchers over the raw `[name, value, …]` pairs of a
 * RequestHead, with Go's view of a request's headers:
 *  - names compare case-insensitively (Go canonicalises both the rule key and the request);
 *  - each line is one value (a comma-separated list is not split);
 *  - `Host` is not a header in Go's server request (it moves to Request.Host), so a Header
 *    matcher on `Host` never matches in Traefik, and never matches here.
 */

/** True when `headers` has a line named `lowerName` whose value is exactly `value`. */
export function hasHeaderLine(headers: readonly string[], lowerName: string, value: string): boolean {
  if (lowerName === 'host') return false;
  const n = headers.length;
  for (let i = 0; i < n; i += 2) {
    if (headers[i + 1] === value && nameEquals(headers[i]!, lowerName)) return true;
  }
  return false;
}

/** True when some line named `lowerName` has a value that `accept` accepts. */
export function someHeaderLine(headers: readonly string[], lowerName: string, accept: (value: string) => boolean): boolean {
  if (lowerName === 'host') return false;
  const n = headers.length;
  for (let i = 0; i < n; i += 2) {
    if (nameEquals(headers[i]!, lowerName) && accept(headers[i + 1]!)) return true;
  }
  return false;
}

/** ASCII case-insensitive equality against an already lower-case name, without allocating. */
function nameEquals(name: string, lower: string): boolean {
  const n = name.length;
  if (n !== lower.length) return false;
  for (let i = 0; i < n; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}
