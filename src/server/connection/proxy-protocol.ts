/**
 * Receiving the PROXY protocol (HAProxy's proxy-protocol.txt, versions 1 and 2): given the
 * first bytes of a connection, says whether they start with a PROXY header, need more bytes,
 * hold a complete header (its length and what it says), or hold a malformed one. Pure: no
 * socket, no throw on bad bytes; `decideProxyHeader` adapts it to `peekSocket()`.
 *
 * Strict like the spec and pires/go-proxyproto (what Traefik uses): a malformed header is an
 * error and the caller closes the connection.
 * - Version 1 is recognised by its first five bytes `PROXY` (spec §2.2 "otherwise, if ... the 5
 *   first characters match"); then the line must end with CRLF within 107 bytes, start with
 *   exactly `PROXY `, name TCP4, TCP6 or UNKNOWN, and for TCP4/TCP6 carry exactly four more
 *   fields: addresses of the announced family (no leading zeros in IPv4, no IPv6 zone, an
 *   IPv4-mapped IPv6 accepted in TCP6, a bare IPv4 refused there) and decimal ports 0..65535
 *   without sign or leading zero. UNKNOWN keeps the real peer and ignores the rest of the line.
 * - Version 2: the version nibble must be 2, the command LOCAL or PROXY, the family/protocol
 *   byte one the spec defines; UNSPEC with PROXY is refused (go-proxyproto). LOCAL keeps the
 *   real peer and skips `length` bytes whatever the family. PROXY needs at least the family's
 *   address block; the TLVs after it are skipped but must tile the rest of the block exactly
 *   (HAProxy; go-proxyproto only checks them when asked). The CRC32C TLV is not verified
 *   (neither does go-proxyproto when reading).
 * - Only TCP over IPv4/IPv6 replaces the peer address. UDP and UNIX families keep the real peer,
 *   as the spec asks of receivers that do not support them and as HAProxy does (go-proxyproto
 *   would report UDP addresses; they cannot describe a TCP connection).
 * - The 16-bit length is capped at 4096 by default, go-proxyproto's default MaxV2HeaderSize
 *   (the spec allows 65535): larger headers are refused before waiting for their bytes.
 * - IPv4-mapped IPv6 sources come out as plain IPv4 and IPv6 in canonical form, as Go's
 *   `net.IP.String()` prints them (so X-Forwarded-For matches Traefik's).
 * - Differs from go-proxyproto: a version 1 line split over several reads is accepted (the spec
 *   recommends tolerance; go-proxyproto refuses it to limit slow senders, which the peek's
 *   timeout and byte limit do here).
 */
import { isIPv4, isIPv6, SocketAddress } from 'node:net';
import {
  PROXY_V1_MAX_LENGTH, PROXY_V1_PREFIX, PROXY_V2_ADDRESS_LENGTH_INET, PROXY_V2_ADDRESS_LENGTH_INET6,
  PROXY_V2_ADDRESS_LENGTH_UNIX, PROXY_V2_COMMAND_LOCAL, PROXY_V2_COMMAND_PROXY, PROXY_V2_FIXED_LENGTH,
  PROXY_V2_SIGNATURE, PROXY_V2_TCP4, PROXY_V2_TCP6, PROXY_V2_UDP4, PROXY_V2_UDP6, PROXY_V2_UNIX_DGRAM,
  PROXY_V2_UNIX_STREAM, PROXY_V2_UNSPEC, PROXY_V2_VERSION,
} from '../../lib/proxy-protocol-constants.ts';
import type { PeekVerdict } from './peek.ts';

/** One end of the proxied connection. */
export interface ProxyEndpoint {
  readonly address: string;
  readonly port: number;
}

/** The family a header announces (v1 UNKNOWN and v2 AF_UNSPEC are 'unspec'). */
export type ProxyFamily = 'unspec' | 'tcp4' | 'tcp6' | 'udp4' | 'udp6' | 'unix-stream' | 'unix-dgram';

/** A complete, valid PROXY header. */
export interface ProxyHeader {
  readonly version: 1 | 2;
  /** Version 1 has no command: TCP4/TCP6 count as 'proxy', UNKNOWN as 'local'. */
  readonly command: 'local' | 'proxy';
  readonly family: ProxyFamily;
  /**
   * The original client, or null when the real peer must be kept: LOCAL, UNKNOWN, and the
   * UDP, UNIX and UNSPEC families. `destination` is null exactly when `source` is.
   */
  readonly source: ProxyEndpoint | null;
  readonly destination: ProxyEndpoint | null;
}

/** Stable codes for malformed headers. */
export type ProxyHeaderErrorCode =
  | 'PROXY_V1_TOO_LONG'
  | 'PROXY_V1_NO_CRLF'
  | 'PROXY_V1_BAD_FORMAT'
  | 'PROXY_V1_BAD_PROTOCOL'
  | 'PROXY_V1_BAD_ADDRESS'
  | 'PROXY_V1_BAD_PORT'
  | 'PROXY_V2_BAD_VERSION'
  | 'PROXY_V2_BAD_COMMAND'
  | 'PROXY_V2_BAD_FAMILY'
  | 'PROXY_V2_BAD_LENGTH'
  | 'PROXY_V2_TOO_LONG'
  | 'PROXY_V2_BAD_TLV';

/** What the first bytes of a connection are, PROXY-wise. */
export type ProxyHeaderParse =
  /** The stream does not start with a PROXY signature. */
  | { readonly kind: 'not-proxy' }
  /** A prefix of a header: at least `need` bytes (in total) are required to decide. */
  | { readonly kind: 'incomplete'; readonly need: number }
  /** A valid header of `length` bytes; the application data starts right after it. */
  | { readonly kind: 'header'; readonly length: number; readonly header: ProxyHeader }
  /** A PROXY signature followed by a malformed header: close the connection. */
  | { readonly kind: 'error'; readonly code: ProxyHeaderErrorCode; readonly message: string };

export interface ProxyHeaderOptions {
  /** Largest accepted version 2 length field (bytes after the fixed 16); default 4096. */
  readonly maxV2Length?: number;
}

/** go-proxyproto's default MaxV2HeaderSize. */
export const DEFAULT_MAX_V2_LENGTH = 4096;

/** The most bytes `parseProxyHeader` can need with default options (use as the peek limit). */
export const PROXY_HEADER_MAX_BYTES = PROXY_V2_FIXED_LENGTH + DEFAULT_MAX_V2_LENGTH;

function error(code: ProxyHeaderErrorCode, message: string): ProxyHeaderParse {
  return { kind: 'error', code, message };
}

/** 0: mismatch, 1: the bytes are a (possibly complete) prefix of `signature`, 2: full match. */
function matchSignature(bytes: Uint8Array, signature: readonly number[]): 0 | 1 | 2 {
  const n = Math.min(bytes.length, signature.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== signature[i]) return 0;
  return n === signature.length ? 2 : 1;
}

/**
 * Parses the start of a connection. Never throws on bad bytes; `bytes` may hold more than the
 * header (the application data that follows).
 */
export function parseProxyHeader(bytes: Uint8Array, options: ProxyHeaderOptions = {}): ProxyHeaderParse {
  if (bytes.length === 0) return { kind: 'incomplete', need: 1 };
  const v1 = matchSignature(bytes, PROXY_V1_PREFIX);
  if (v1 === 2) return parseV1(bytes);
  const v2 = matchSignature(bytes, PROXY_V2_SIGNATURE);
  if (v2 === 2) return parseV2(bytes, options.maxV2Length ?? DEFAULT_MAX_V2_LENGTH);
  if (v1 === 1) return { kind: 'incomplete', need: PROXY_V1_PREFIX.length };
  if (v2 === 1) return { kind: 'incomplete', need: PROXY_V2_FIXED_LENGTH };
  return { kind: 'not-proxy' };
}

/**
 * `parseProxyHeader` as a peek decision: a header is consumed, anything else (no header, an
 * error) is decided with nothing consumed.
 */
export function decideProxyHeader(bytes: Buffer): PeekVerdict<ProxyHeaderParse> {
  const parsed = parseProxyHeader(bytes);
  if (parsed.kind === 'incomplete') return { done: false, atLeast: parsed.need };
  return { done: true, value: parsed, consume: parsed.kind === 'header' ? parsed.length : 0 };
}

// ---- version 1 ----

const CR = 0x0d;
const LF = 0x0a;

function parseV1(bytes: Uint8Array): ProxyHeaderParse {
  const searched = Math.min(bytes.length, PROXY_V1_MAX_LENGTH);
  let lf = -1;
  for (let i = 0; i < searched; i++) {
    if (bytes[i] === LF) {
      lf = i;
      break;
    }
  }
  if (lf < 0) {
    if (bytes.length >= PROXY_V1_MAX_LENGTH) return error('PROXY_V1_TOO_LONG', `PROXY v1 line has no CRLF in its first ${PROXY_V1_MAX_LENGTH} bytes`);
    return { kind: 'incomplete', need: bytes.length + 1 };
  }
  if (lf === 0 || bytes[lf - 1] !== CR) return error('PROXY_V1_NO_CRLF', 'PROXY v1 line must end with CRLF');
  const line = Buffer.from(bytes.buffer, bytes.byteOffset, lf - 1).toString('latin1');
  const length = lf + 1;
  const fields = line.split(' ');
  if (fields[0] !== 'PROXY' || fields.length < 2) return error('PROXY_V1_BAD_FORMAT', 'PROXY v1 line must start with "PROXY " and a protocol');
  const protocol = fields[1];
  if (protocol === 'UNKNOWN') {
    // Spec §2.1: the receiver must ignore anything between UNKNOWN and the CRLF.
    return { kind: 'header', length, header: { version: 1, command: 'local', family: 'unspec', source: null, destination: null } };
  }
  if (protocol !== 'TCP4' && protocol !== 'TCP6') return error('PROXY_V1_BAD_PROTOCOL', `PROXY v1 protocol must be TCP4, TCP6 or UNKNOWN, not ${JSON.stringify(protocol)}`);
  if (fields.length !== 6) return error('PROXY_V1_BAD_FORMAT', `PROXY v1 ${protocol} line must have exactly 6 space-separated fields, not ${fields.length}`);
  const [, , src = '', dst = '', sport = '', dport = ''] = fields;
  const source = parseV1Address(protocol, src);
  const destination = parseV1Address(protocol, dst);
  if (source === null) return error('PROXY_V1_BAD_ADDRESS', `PROXY v1 source address ${JSON.stringify(src)} is not a valid ${protocol} address`);
  if (destination === null) return error('PROXY_V1_BAD_ADDRESS', `PROXY v1 destination address ${JSON.stringify(dst)} is not a valid ${protocol} address`);
  const sourcePort = parseV1Port(sport);
  const destinationPort = parseV1Port(dport);
  if (sourcePort === null) return error('PROXY_V1_BAD_PORT', `PROXY v1 source port ${JSON.stringify(sport)} is not a port (0-65535, no leading zero)`);
  if (destinationPort === null) return error('PROXY_V1_BAD_PORT', `PROXY v1 destination port ${JSON.stringify(dport)} is not a port (0-65535, no leading zero)`);
  return {
    kind: 'header',
    length,
    header: {
      version: 1,
      command: 'proxy',
      family: protocol === 'TCP4' ? 'tcp4' : 'tcp6',
      source: { address: source, port: sourcePort },
      destination: { address: destination, port: destinationPort },
    },
  };
}

function parseV1Address(protocol: 'TCP4' | 'TCP6', text: string): string | null {
  // Node's isIPv4 refuses leading zeros, as the spec and Go's netip do.
  if (protocol === 'TCP4') return isIPv4(text) ? text : null;
  if (text.includes('%') || !isIPv6(text)) return null;
  return canonicalIpv6(text);
}

function parseV1Port(text: string): number | null {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/**
 * Canonical text of an IPv6 address (RFC 5952, by Node's inet_ntop); IPv4-mapped ones become
 * plain IPv4 as Go's net.IP.String prints them. One cosmetic difference from Go remains: the
 * deprecated IPv4-compatible form (`::1.2.3.4`) keeps its dotted tail where Go prints hex.
 */
function canonicalIpv6(text: string): string {
  const canonical = new SocketAddress({ address: text, family: 'ipv6' }).address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(canonical);
  return mapped !== null ? mapped[1]! : canonical;
}

// ---- version 2 ----

const families: ReadonlyMap<number, { readonly family: ProxyFamily; readonly addressLength: number }> = new Map([
  [PROXY_V2_UNSPEC, { family: 'unspec', addressLength: 0 }],
  [PROXY_V2_TCP4, { family: 'tcp4', addressLength: PROXY_V2_ADDRESS_LENGTH_INET }],
  [PROXY_V2_UDP4, { family: 'udp4', addressLength: PROXY_V2_ADDRESS_LENGTH_INET }],
  [PROXY_V2_TCP6, { family: 'tcp6', addressLength: PROXY_V2_ADDRESS_LENGTH_INET6 }],
  [PROXY_V2_UDP6, { family: 'udp6', addressLength: PROXY_V2_ADDRESS_LENGTH_INET6 }],
  [PROXY_V2_UNIX_STREAM, { family: 'unix-stream', addressLength: PROXY_V2_ADDRESS_LENGTH_UNIX }],
  [PROXY_V2_UNIX_DGRAM, { family: 'unix-dgram', addressLength: PROXY_V2_ADDRESS_LENGTH_UNIX }],
] as const);

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

function parseV2(bytes: Uint8Array, maxLength: number): ProxyHeaderParse {
  // Each field is checked as soon as it arrives, so a bad header fails without waiting.
  const versionCommand = bytes[12];
  if (versionCommand === undefined) return { kind: 'incomplete', need: PROXY_V2_FIXED_LENGTH };
  if (versionCommand >> 4 !== PROXY_V2_VERSION) return error('PROXY_V2_BAD_VERSION', `PROXY v2 version must be 2, not ${versionCommand >> 4}`);
  const command = versionCommand & 0x0f;
  if (command !== PROXY_V2_COMMAND_LOCAL && command !== PROXY_V2_COMMAND_PROXY) return error('PROXY_V2_BAD_COMMAND', `PROXY v2 command must be LOCAL (0) or PROXY (1), not ${command}`);
  const familyByte = bytes[13];
  if (familyByte === undefined) return { kind: 'incomplete', need: PROXY_V2_FIXED_LENGTH };
  const known = families.get(familyByte);
  if (known === undefined) return error('PROXY_V2_BAD_FAMILY', `PROXY v2 address family/protocol ${hex(familyByte)} is not one the spec defines`);
  if (command === PROXY_V2_COMMAND_PROXY && known.family === 'unspec') return error('PROXY_V2_BAD_FAMILY', 'PROXY v2 PROXY command with the UNSPEC family carries no address');
  if (bytes.length < PROXY_V2_FIXED_LENGTH) return { kind: 'incomplete', need: PROXY_V2_FIXED_LENGTH };
  const length = (bytes[14]! << 8) | bytes[15]!;
  if (length > maxLength) return error('PROXY_V2_TOO_LONG', `PROXY v2 length ${length} exceeds the limit of ${maxLength}`);
  if (command === PROXY_V2_COMMAND_PROXY && length < known.addressLength) {
    return error('PROXY_V2_BAD_LENGTH', `PROXY v2 length ${length} is shorter than the ${known.family} address block (${known.addressLength})`);
  }
  const total = PROXY_V2_FIXED_LENGTH + length;
  if (bytes.length < total) return { kind: 'incomplete', need: total };

  const version = 2;
  if (command === PROXY_V2_COMMAND_LOCAL) {
    // Spec §2.2: LOCAL uses the real endpoints and discards the block, family included.
    return { kind: 'header', length: total, header: { version, command: 'local', family: known.family, source: null, destination: null } };
  }
  const block = bytes.subarray(PROXY_V2_FIXED_LENGTH, total);
  const tlvProblem = checkTlvs(block.subarray(known.addressLength));
  if (tlvProblem !== null) return error('PROXY_V2_BAD_TLV', `PROXY v2 ${tlvProblem}`);
  if (known.family !== 'tcp4' && known.family !== 'tcp6') {
    return { kind: 'header', length: total, header: { version, command: 'proxy', family: known.family, source: null, destination: null } };
  }
  const size = known.family === 'tcp4' ? 4 : 16;
  const address = (at: number): string => (size === 4 ? ipv4FromBytes(block.subarray(at, at + 4)) : ipv6FromBytes(block.subarray(at, at + 16)));
  const port = (at: number): number => (block[at]! << 8) | block[at + 1]!;
  return {
    kind: 'header',
    length: total,
    header: {
      version,
      command: 'proxy',
      family: known.family,
      source: { address: address(0), port: port(2 * size) },
      destination: { address: address(size), port: port(2 * size + 2) },
    },
  };
}

/** TLVs (type, 16-bit length, value) must exactly tile the bytes after the address block. */
function checkTlvs(tlvs: Uint8Array): string | null {
  let at = 0;
  // Bounded: every step advances by at least the 3-byte TLV head.
  while (at < tlvs.length) {
    if (tlvs.length - at < 3) return `TLV at offset ${at} is cut short (${tlvs.length - at} bytes left, 3 needed for its head)`;
    const valueLength = (tlvs[at + 1]! << 8) | tlvs[at + 2]!;
    if (at + 3 + valueLength > tlvs.length) return `TLV type ${hex(tlvs[at]!)} at offset ${at} claims ${valueLength} bytes, only ${tlvs.length - at - 3} remain`;
    at += 3 + valueLength;
  }
  return null;
}

function ipv4FromBytes(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

function ipv6FromBytes(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return canonicalIpv6(groups.join(':'));
}
