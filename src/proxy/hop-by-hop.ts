/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): never forwarded in either direction. `Connection` may
 * name more of them; those go too.
 */

const always = new Set([
  'connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

/** True when a lower-case header name is hop-by-hop by definition. */
export function isHopByHop(lowerName: string): boolean {
  return always.has(lowerName);
}

/**
 * Returns the extra header names (lower-case) that a `Connection` header lists, or null when
 * there are none beyond the standard tokens. `keep` names the ones the entry point preserves.
 */
export function connectionTokens(value: string, keep: ReadonlySet<string> | null): Set<string> | null {
  let out: Set<string> | null = null;
  for (const raw of value.split(',')) {
    const t = raw.trim().toLowerCase();
    if (t === '' || t === 'close' || t === 'keep-alive' || t === 'upgrade') continue;
    if (keep?.has(t)) continue;
    (out ??= new Set()).add(t);
  }
  return out;
}
