/**
 * 64-bit FNV hashes (FNV-1a and FNV-1, as Go's `hash/fnv` New64a and New64) of the UTF-8 bytes
 * of strings, without BigInt: the state is two unsigned 32-bit halves, so hashing on the request
 * path allocates nothing.
 *
 * Multiplying by the FNV prime 2^40 + 0x1b3 modulo 2^64 splits into `h * 0x1b3 + (h << 40)`:
 * `lo * 0x1b3` stays below 2^41 (exact in a double) and gives the new low half plus a carry;
 * the high half takes `hi * 0x1b3` (Math.imul, wrapping), the carry, and `lo << 8` (the part of
 * `h << 40` that lands in the high word).
 */

/** A 64-bit FNV state as unsigned 32-bit halves. Mutable so that hot paths reuse one. */
export interface Fnv64 {
  hi: number;
  lo: number;
}

const offsetHi = 0xcbf29ce4;
const offsetLo = 0x84222325;
const primeLow = 0x1b3;
const two32 = 4294967296;

/** Sets `h` to the FNV-64 offset basis (the hash of no bytes, for both variants). */
export function fnv64Reset(h: Fnv64): void {
  h.hi = offsetHi;
  h.lo = offsetLo;
}

function multiply(h: Fnv64): void {
  const lo = h.lo;
  const product = lo * primeLow;
  const newLo = product >>> 0;
  const carry = (product - newLo) / two32;
  h.hi = (Math.imul(h.hi, primeLow) + carry + (lo << 8)) >>> 0;
  h.lo = newLo;
}

function feed1a(h: Fnv64, byte: number): void {
  h.lo = (h.lo ^ byte) >>> 0;
  multiply(h);
}

function feed1(h: Fnv64, byte: number): void {
  multiply(h);
  h.lo = (h.lo ^ byte) >>> 0;
}

/**
 * Feeds the UTF-8 bytes of `s` one by one. Lone surrogates become U+FFFD (EF BF BD), as
 * TextEncoder does, so a key hashes the same whichever way its bytes were obtained.
 */
function feedUtf8(h: Fnv64, s: string, feed: (h: Fnv64, byte: number) => void): void {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      feed(h, c);
      continue;
    }
    if (c < 0x800) {
      feed(h, 0xc0 | (c >> 6));
      feed(h, 0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        feed(h, 0xf0 | (cp >> 18));
        feed(h, 0x80 | ((cp >> 12) & 0x3f));
        feed(h, 0x80 | ((cp >> 6) & 0x3f));
        feed(h, 0x80 | (cp & 0x3f));
        continue;
      }
      c = 0xfffd;
    }
    feed(h, 0xe0 | (c >> 12));
    feed(h, 0x80 | ((c >> 6) & 0x3f));
    feed(h, 0x80 | (c & 0x3f));
  }
}

/** Continues an FNV-1a hash over one byte. */
export function fnv1a64Byte(h: Fnv64, byte: number): void {
  feed1a(h, byte);
}

/** Continues an FNV-1a hash over the UTF-8 bytes of `s`. */
export function fnv1a64String(h: Fnv64, s: string): void {
  feedUtf8(h, s, feed1a);
}

/** Continues an FNV-1a hash over `bytes` (for keys encoded once at build time). */
export function fnv1a64Bytes(h: Fnv64, bytes: Uint8Array): void {
  let hi = h.hi;
  let lo = h.lo;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]!) >>> 0;
    const product = lo * primeLow;
    const newLo = product >>> 0;
    hi = (Math.imul(hi, primeLow) + (product - newLo) / two32 + (lo << 8)) >>> 0;
    lo = newLo;
  }
  h.hi = hi;
  h.lo = lo;
}

/** Continues an FNV-1 hash over the UTF-8 bytes of `s`. */
export function fnv1_64String(h: Fnv64, s: string): void {
  feedUtf8(h, s, feed1);
}

/**
 * The hash as the nearest double, rounding half to even like Go's `float64(uint64)`: `hi * 2^32`
 * is exact, so the one addition is the only rounding.
 */
export function fnv64ToNumber(h: Fnv64): number {
  return h.hi * two32 + h.lo;
}

/** Lower-case hex without leading zeros, as Go's `strconv.FormatUint(h, 16)`. */
export function fnv64Hex(h: Fnv64): string {
  if (h.hi === 0) return h.lo.toString(16);
  return h.hi.toString(16) + h.lo.toString(16).padStart(8, '0');
}

/** FNV-1a 64-bit of the UTF-8 bytes of `s`, as {@link fnv64Hex}. */
export function fnv1a64Hex(s: string): string {
  const h: Fnv64 = { hi: offsetHi, lo: offsetLo };
  fnv1a64String(h, s);
  return fnv64Hex(h);
}

/** FNV-1 (not 1a) 64-bit of the UTF-8 bytes of `s`, as {@link fnv64Hex}: Traefik's legacy sticky cookie values. */
export function fnv1_64Hex(s: string): string {
  const h: Fnv64 = { hi: offsetHi, lo: offsetLo };
  fnv1_64String(h, s);
  return fnv64Hex(h);
}
