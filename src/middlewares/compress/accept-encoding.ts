/**
 * Accept-Encoding negotiation for `compress` (RFC 9110 §12.5.3) and the media-type test of its
 * content-type lists. Pure functions: the middleware calls them once per request.
 */

/** The encodings `compress` can produce. */
export type CompressEncoding = 'gzip' | 'br' | 'zstd';

/**
 * Picks the encoding for a request's Accept-Encoding value (all its lines joined with `,`), as
 * Traefik v3 does:
 *
 *  - absent (`undefined`): `defaultEncoding`, or none;
 *  - empty: none (the client asked for no encoding);
 *  - otherwise, among the codings it knows (the configured `encodings`, `*` and `identity`)
 *    with q > 0, the highest q wins; at equal q `*` comes first, then `encodings` in their
 *    order, then `identity`. `*` winning means `defaultEncoding` (or the first of `encodings`);
 *    `identity` or nothing acceptable winning means none.
 */
export function negotiateEncoding(
  acceptEncoding: string | undefined,
  encodings: readonly CompressEncoding[],
  defaultEncoding: CompressEncoding | undefined,
): CompressEncoding | null {
  if (acceptEncoding === undefined) return defaultEncoding ?? null;
  if (acceptEncoding.trim() === '') return null;
  // The winner so far: its q, its rank at equal q (lower first) and what it stands for.
  let bestQ = 0;
  let bestRank = Number.POSITIVE_INFINITY;
  let best: CompressEncoding | null = null;
  for (const part of acceptEncoding.split(',')) {
    const semi = part.indexOf(';');
    const coding = (semi < 0 ? part : part.slice(0, semi)).trim().toLowerCase();
    let rank: number;
    let stands: CompressEncoding | null;
    if (coding === '*') {
      rank = -1;
      stands = defaultEncoding ?? encodings[0] ?? null;
    } else if (coding === 'identity') {
      rank = encodings.length;
      stands = null;
    } else {
      rank = encodings.indexOf(coding as CompressEncoding);
      if (rank < 0) continue;
      stands = encodings[rank]!;
    }
    const q = semi < 0 ? 1 : parseQ(part.slice(semi + 1));
    if (q <= 0) continue;
    if (q > bestQ || (q === bestQ && rank < bestRank)) {
      bestQ = q;
      bestRank = rank;
      best = stands;
    }
  }
  return best;
}

/** The q of a coding's parameters (`q=0.5`); 1 when absent, 0 when malformed. */
function parseQ(params: string): number {
  for (const param of params.split(';')) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'q') continue;
    const q = Number(param.slice(eq + 1).trim());
    return Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0;
  }
  return 1;
}

/** A media type without its parameters, lower-cased and trimmed (`Text/HTML; charset=x` → `text/html`). */
export function mediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).replace(/\s+/g, '').toLowerCase();
}
