/**
 * FNV-1 (not FNV-1a) 64-bit, as Go's `hash/fnv.New64`, for the legacy sticky cookie values
 * Traefik still accepts. Runs only while a service is built, so BigInt's cost does not matter.
 */

const offsetBasis = 0xcbf29ce484222325n;
const prime = 0x100000001b3n;
const mask = 0xffffffffffffffffn;
const encoder = new TextEncoder();

/** FNV-1 64-bit of the UTF-8 bytes of `s`, lower-case hex without leading zeros (Go's `strconv.FormatUint(h, 16)`). */
export function fnv1_64Hex(s: string): string {
  let hash = offsetBasis;
  for (const byte of encoder.encode(s)) {
    // FNV-1 multiplies first, then XORs (FNV-1a does the reverse).
    hash = ((hash * prime) & mask) ^ BigInt(byte);
  }
  return hash.toString(16);
}
