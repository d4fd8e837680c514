/**
 * Go's `url.QueryEscape`, which several Traefik middlewares use on values they put in URLs and
 * headers (errors `{url}`, passTLSClientCert info): every byte of the UTF-8 encoding except
 * `A-Z a-z 0-9 - _ . ~` becomes `%XX` (upper-case hex), and a space becomes `+`.
 * `encodeURIComponent` differs (it keeps `!'()*` and encodes a space as `%20`).
 */

const HEX = '0123456789ABCDEF';

function isUnreserved(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2d || byte === 0x5f || byte === 0x2e || byte === 0x7e;
}

/** Escapes `value` exactly as Go's `url.QueryEscape` does. */
export function queryEscape(value: string): string {
  let plain = true;
  for (let i = 0; i < value.length; i++) {
    if (!isUnreserved(value.charCodeAt(i))) {
      plain = false;
      break;
    }
  }
  if (plain) return value;
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    if (isUnreserved(byte)) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += '+';
    else out += `%${HEX[byte >> 4]!}${HEX[byte & 15]!}`;
  }
  return out;
}
