/**
 * Content-Type sniffing as Go's `http.DetectContentType` does it (the WHATWG MIME Sniffing
 * algorithm, with Go's table of signatures and its results): looks at the first 512 bytes and
 * always answers, `application/octet-stream` when nothing else fits. Pure.
 */

const SNIFF_LENGTH = 512;

type Sniffer = (data: Buffer, firstNonWhitespace: number) => string | null;

function isWhitespace(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20;
}

function isTagTerminator(b: number | undefined): boolean {
  return b === 0x20 || b === 0x3e;
}

/** An HTML signature: case-insensitive (letters), after leading whitespace, then space or `>`. */
function html(signature: string): Sniffer {
  const sig = Buffer.from(signature, 'latin1');
  return (data, ws) => {
    if (data.length - ws < sig.length + 1) return null;
    for (let i = 0; i < sig.length; i++) {
      let b = data[ws + i]!;
      const s = sig[i]!;
      if (s >= 0x41 && s <= 0x5a) b &= 0xdf;
      if (b !== s) return null;
    }
    return isTagTerminator(data[ws + sig.length]) ? 'text/html; charset=utf-8' : null;
  };
}

/** An exact prefix; `skipWhitespace` for the XML declaration. */
function exact(signature: string, type: string, skipWhitespace = false): Sniffer {
  const sig = Buffer.from(signature, 'latin1');
  return (data, ws) => {
    const at = skipWhitespace ? ws : 0;
    return data.length - at >= sig.length && data.subarray(at, at + sig.length).equals(sig) ? type : null;
  };
}

/** A masked pattern at the start: `(data[i] & mask[i]) === pattern[i]`. */
function masked(pattern: string, mask: string, type: string): Sniffer {
  const p = Buffer.from(pattern, 'latin1');
  const m = Buffer.from(mask, 'latin1');
  return (data) => {
    if (data.length < p.length) return null;
    for (let i = 0; i < p.length; i++) if ((data[i]! & m[i]!) !== p[i]) return null;
    return type;
  };
}

/** ISO base media file (`ftyp` box) with an `mp4` brand. */
const mp4: Sniffer = (data) => {
  if (data.length < 12) return null;
  const boxSize = data.readUInt32BE(0);
  if (data.length < boxSize || boxSize % 4 !== 0) return null;
  if (data.toString('latin1', 4, 8) !== 'ftyp') return null;
  for (let st = 8; st < boxSize; st += 4) {
    if (st === 12) continue; // the minor version, not a brand
    if (data.toString('latin1', st, st + 3) === 'mp4') return 'video/mp4';
  }
  return null;
};

/** Text unless a byte that never appears in text shows up. */
const text: Sniffer = (data) => {
  for (const b of data) {
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) return null;
  }
  return 'text/plain; charset=utf-8';
};

const FF = '\xff';
const sniffers: readonly Sniffer[] = [
  ...['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'].map(html),
  exact('<?xml', 'text/xml; charset=utf-8', true),
  exact('%PDF-', 'application/pdf'),
  exact('%!PS-Adobe-', 'application/postscript'),
  exact('\xfe\xff', 'text/plain; charset=utf-16be'),
  exact('\xff\xfe', 'text/plain; charset=utf-16le'),
  exact('\xef\xbb\xbf', 'text/plain; charset=utf-8'),
  exact('\x00\x00\x01\x00', 'image/x-icon'),
  exact('\x00\x00\x02\x00', 'image/x-icon'),
  exact('BM', 'image/bmp'),
  exact('GIF87a', 'image/gif'),
  exact('GIF89a', 'image/gif'),
  masked('RIFF\x00\x00\x00\x00WEBPVP', `${FF.repeat(4)}\x00\x00\x00\x00${FF.repeat(6)}`, 'image/webp'),
  exact('\x89PNG\x0d\x0a\x1a\x0a', 'image/png'),
  exact('\xff\xd8\xff', 'image/jpeg'),
  exact('.snd', 'audio/basic'),
  masked('FORM\x00\x00\x00\x00AIFF', `${FF.repeat(4)}\x00\x00\x00\x00${FF.repeat(4)}`, 'audio/aiff'),
  exact('ID3', 'audio/mpeg'),
  exact('OggS\x00', 'application/ogg'),
  exact('MThd\x00\x00\x00\x06', 'audio/midi'),
  masked('RIFF\x00\x00\x00\x00AVI ', `${FF.repeat(4)}\x00\x00\x00\x00${FF.repeat(4)}`, 'video/avi'),
  masked('RIFF\x00\x00\x00\x00WAVE', `${FF.repeat(4)}\x00\x00\x00\x00${FF.repeat(4)}`, 'audio/wave'),
  mp4,
  exact('\x1a\x45\xdf\xa3', 'video/webm'),
  masked(`${'\x00'.repeat(34)}LP`, `${'\x00'.repeat(34)}${FF}${FF}`, 'application/vnd.ms-fontobject'),
  exact('\x00\x01\x00\x00', 'font/ttf'),
  exact('OTTO', 'font/otf'),
  exact('ttcf', 'font/collection'),
  exact('wOFF', 'font/woff'),
  exact('wOF2', 'font/woff2'),
  exact('\x1f\x8b\x08', 'application/x-gzip'),
  exact('PK\x03\x04', 'application/zip'),
  exact('Rar!\x1a\x07\x00', 'application/x-rar-compressed'),
  exact('Rar!\x1a\x07\x01\x00', 'application/x-rar-compressed'),
  exact('\x00asm', 'application/wasm'),
  text,
];

/** The Content-Type Go's server would send for a body starting with `data`. */
export function detectContentType(data: Buffer): string {
  const head = data.length > SNIFF_LENGTH ? data.subarray(0, SNIFF_LENGTH) : data;
  let ws = 0;
  while (ws < head.length && isWhitespace(head[ws]!)) ws++;
  for (const sniff of sniffers) {
    const type = sniff(head, ws);
    if (type !== null) return type;
  }
  return 'application/octet-stream';
}
