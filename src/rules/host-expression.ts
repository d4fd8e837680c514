/**
 * The v3 Host matcher's comparison (Traefik pkg/muxer: DomainMatchHostExpression plus the
 * trailing-dot checks of the host matcher):
 *  - `*` matches every request, even one without a Host;
 *  - `*.example.com` matches exactly one extra leftmost label (`a.example.com`, not
 *    `a.b.example.com` nor `example.com`); Traefik replaces the first label of the request host
 *    with `*` and compares, and we do the same without building strings;
 *  - a trailing dot is tolerated on either side; an empty request host never matches otherwise.
 * Request hosts are canonical (lower-case, see canonicalHost), rule hosts are lower-cased here.
 */

/** A compiled host expression: its test and the key the route table indexes it under. */
export interface HostExpression {
  readonly test: (host: string) => boolean;
  /**
   * The host (`a.example.com`) or wildcard (`*.example.com`) this expression can only match, with
   * trailing dots removed; null when it cannot be indexed (`*`, unusual wildcards).
   */
  readonly indexKey: string | null;
}

/** Compiles the (ASCII) value of a v3 Host matcher. */
export function compileHostExpression(value: string): HostExpression {
  const expr = value.toLowerCase();
  if (expr === '*') return { test: () => true, indexKey: null };
  const trimmed = expr.endsWith('.') ? expr.slice(0, -1) : null;
  if (expr.startsWith('*')) return compileWildcard(expr, trimmed);
  return compileExactHost(expr);
}

/**
 * Compiles a host compared literally (v3 non-wildcard values, and every v2 Host value: v2 has no
 * wildcards, so `*.example.com` there only matches a request whose Host is literally that).
 */
export function compileExactHost(value: string): HostExpression {
  const expr = value.toLowerCase();
  const trimmed = expr.endsWith('.') ? expr.slice(0, -1) : null;
  // Accepted request hosts: the expression, the expression with its trailing dot removed, and
  // the expression with one more trailing dot (the request's dot is tolerated too).
  const withDot = `${expr}.`;
  const test = trimmed === null
    ? (host: string) => host === expr || host === withDot
    : (host: string) => host.length !== 0 && (host === expr || host === trimmed || host === withDot);
  const key = stripTrailingDots(expr);
  // A key with `*` would read as a wildcard in the route table; such hosts are not indexed.
  return { test, indexKey: key === '' || key.includes('*') ? null : key };
}

function compileWildcard(expr: string, trimmed: string | null): HostExpression {
  const suffix = expr.slice(1);
  const trimmedSuffix = trimmed === null ? null : trimmed.slice(1);
  const test = (host: string): boolean => {
    const n = host.length;
    if (n === 0) return false;
    if (wildcardMatches(host, n, suffix)) return true;
    if (trimmedSuffix !== null && wildcardMatches(host, n, trimmedSuffix)) return true;
    return host.charCodeAt(n - 1) === 46 && wildcardMatches(host, n - 1, suffix);
  };
  const parent = expr.startsWith('*.') ? stripTrailingDots(expr.slice(2)) : '';
  return { test, indexKey: parent === '' ? null : `*.${parent}` };
}

/**
 * Whether host[0, length) with its first label replaced by `*` equals `*` + suffix. A host
 * without a dot is one label, so it becomes `*` alone and matches only an empty suffix.
 */
function wildcardMatches(host: string, length: number, suffix: string): boolean {
  const dot = host.indexOf('.');
  if (dot < 0 || dot >= length) return suffix.length === 0;
  return length - dot === suffix.length && host.startsWith(suffix, dot);
}

/** Removes every trailing dot: the form the route table uses for host keys. */
export function stripTrailingDots(host: string): string {
  let end = host.length;
  while (end > 0 && host.charCodeAt(end - 1) === 46) end--;
  return end === host.length ? host : host.slice(0, end);
}
