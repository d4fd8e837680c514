/**
 * HTTP status code ranges as Traefik writes them in `statusCodes` lists: `"404"`, `"500-599"`.
 */

/** Inclusive `[low, high]` status code ranges. */
export type HttpCodeRanges = readonly (readonly [number, number])[];

const INTEGER = /^[+-]?\d+$/;

/**
 * Parses Traefik's range syntax: each entry is one code or `low-high`. Like Traefik, text
 * after a second `-` is ignored. Returns the first malformed entry as an error message.
 */
export function parseHttpCodeRanges(blocks: readonly string[]): { ranges: HttpCodeRanges } | { error: string } {
  const ranges: (readonly [number, number])[] = [];
  for (const block of blocks) {
    const codes = block.split('-');
    const low = codes[0] ?? '';
    const high = codes.length === 1 ? low : codes[1] ?? '';
    if (!INTEGER.test(low) || !INTEGER.test(high)) {
      return { error: `failed to parse HTTP code range ${JSON.stringify(block)}` };
    }
    ranges.push([Number(low), Number(high)]);
  }
  return { ranges };
}

/** True when `status` falls inside one of the ranges. */
export function httpCodeRangesContain(ranges: HttpCodeRanges, status: number): boolean {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    if (status >= range[0] && status <= range[1]) return true;
  }
  return false;
}
