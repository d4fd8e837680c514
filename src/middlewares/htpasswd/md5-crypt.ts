/**
 * The MD5-based crypt of htpasswd: `$apr1$` (Apache) and `$1$` (FreeBSD/glibc) are the same
 * algorithm with a different magic string mixed into the first digest.
 */
import { createHash } from 'node:crypto';

/** The crypt alphabet (not base64's: `./` first, then digits and letters). */
const itoa64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Which digest bytes feed each group of four output characters, in order. */
const byteOrder = [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]] as const;

function md5(...parts: Buffer[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

function encode24(out: string[], value: number, chars: number): void {
  let v = value;
  for (let i = 0; i < chars; i++) {
    out.push(itoa64[v & 0x3f]!);
    v >>>= 6;
  }
}

/**
 * Computes `magic + salt + '$' + 22 characters` for `password`. The salt is used as given (the
 * Go library Traefik uses does not cut it at 8 characters; htpasswd never writes a longer one).
 */
export function md5Crypt(password: Buffer, saltText: string, magic: string): string {
  const magicBytes = Buffer.from(magic);
  const salt = Buffer.from(saltText);
  const alternate = md5(password, salt, password);
  const first = createHash('md5');
  first.update(password).update(magicBytes).update(salt);
  for (let left = password.length; left > 0; left -= 16) first.update(alternate.subarray(0, Math.min(16, left)));
  // For each bit of the length, low bit first: a zero byte when set, the password's first byte when clear.
  for (let i = password.length; i !== 0; i >>>= 1) {
    first.update((i & 1) !== 0 ? Buffer.of(0) : password.subarray(0, 1));
  }
  let final = first.digest();
  // 1000 rounds, meant to slow down brute force.
  for (let i = 0; i < 1000; i++) {
    const h = createHash('md5');
    h.update((i & 1) !== 0 ? password : final);
    if (i % 3 !== 0) h.update(salt);
    if (i % 7 !== 0) h.update(password);
    h.update((i & 1) !== 0 ? final : password);
    final = h.digest();
  }
  const out: string[] = [];
  for (const [a, b, c] of byteOrder) {
    encode24(out, (final[a]! << 16) | (final[b]! << 8) | final[c]!, 4);
  }
  encode24(out, final[11]!, 2);
  return `${magic}${saltText}$${out.join('')}`;
}
