/**
 * Password hashes of htpasswd lines, as Traefik's basicAuth checks them (go-http-auth's
 * CheckSecret): `{SHA}` + base64 SHA-1, bcrypt (`$2a$`, `$2b$`, `$2x$`, `$2y$`), and everything
 * else as MD5 crypt (`$apr1$`, `$1$`). Plain-text passwords, DES crypt and SHA-crypt (`$5$`,
 * `$6$`) never match in Traefik; here they are refused when the middleware is built.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { md5Crypt } from './md5-crypt.ts';

/** A parsed password hash, ready to verify passwords against. */
export type PasswordHash =
  | { readonly kind: 'sha1'; readonly digest: Buffer }
  | { readonly kind: 'bcrypt'; readonly hash: string }
  | { readonly kind: 'md5-crypt'; readonly magic: '$apr1$' | '$1$'; readonly salt: string; readonly full: Buffer };

const sha1Pattern = /^\{SHA\}([A-Za-z0-9+/]{27}=)$/;
// Cost 04–31 as Go's bcrypt accepts it, 22 salt and 31 hash characters of bcrypt's alphabet.
const bcryptPattern = /^\$2[abxy]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;
const md5CryptPattern = /^(\$apr1\$|\$1\$)([^$]*)\$[./0-9A-Za-z]{22}$/;

/** bcrypt ignores bytes past the 72nd; Go's bcrypt refuses such passwords instead. */
const bcryptMaxPasswordBytes = 72;

/** Parses the hash part of a `name:hash` line, or null when no password can ever match it. */
export function parsePasswordHash(secret: string): PasswordHash | null {
  const sha = sha1Pattern.exec(secret);
  if (sha !== null) return { kind: 'sha1', digest: Buffer.from(sha[1]!, 'base64') };
  if (bcryptPattern.test(secret)) {
    // `$2x$` is bcrypt with the old 8-bit bug; Go (and so Traefik) computes it like `$2a$`,
    // which bcryptjs does not accept by name.
    return { kind: 'bcrypt', hash: secret.startsWith('$2x$') ? `$2a$${secret.slice(4)}` : secret };
  }
  const md5 = md5CryptPattern.exec(secret);
  if (md5 !== null) return { kind: 'md5-crypt', magic: md5[1] as '$apr1$' | '$1$', salt: md5[2]!, full: Buffer.from(secret) };
  return null;
}

/** Whether `password` matches `hash`; digests are compared in constant time. */
export async function verifyPassword(hash: PasswordHash, password: Buffer): Promise<boolean> {
  switch (hash.kind) {
    case 'sha1':
      return timingSafeEqual(createHash('sha1').update(password).digest(), hash.digest);
    case 'bcrypt':
      if (password.length > bcryptMaxPasswordBytes) return false;
      // bcryptjs compares in constant time and yields to the event loop between rounds.
      return bcrypt.compare(password.toString('utf8'), hash.hash);
    case 'md5-crypt': {
      const computed = Buffer.from(md5Crypt(password, hash.salt, hash.magic));
      return computed.length === hash.full.length && timingSafeEqual(computed, hash.full);
    }
    default: {
      const unreachable: never = hash;
      return unreachable;
    }
  }
}
