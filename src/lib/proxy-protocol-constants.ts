/**
 * The fixed bytes and sizes of the PROXY protocol (HAProxy's proxy-protocol.txt, versions 1 and
 * 2), shared by the receiving parser (server/connection/proxy-protocol.ts) and the sending
 * encoder (proxy/proxy-protocol-header.ts), which may not import each other.
 */

/** Version 1 starts with these five ASCII characters ("PROXY"), then one space. */
export const PROXY_V1_PREFIX: readonly number[] = [0x50, 0x52, 0x4f, 0x58, 0x59];

/**
 * The longest version 1 line, CRLF included: `PROXY UNKNOWN` with two full IPv6 addresses and
 * two 5-digit ports (spec §2.1). No CRLF within these bytes makes the line invalid.
 */
export const PROXY_V1_MAX_LENGTH = 107;

/** Version 2 starts with these twelve bytes (`\r\n\r\n\0\r\nQUIT\n`, spec §2.2). */
export const PROXY_V2_SIGNATURE: readonly number[] = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

/** Signature, version/command byte, family/protocol byte and the 16-bit length. */
export const PROXY_V2_FIXED_LENGTH = 16;

/** The version nibble (high four bits of byte 13) every version 2 header carries. */
export const PROXY_V2_VERSION = 0x2;

/** Version 2 commands (low four bits of byte 13). */
export const PROXY_V2_COMMAND_LOCAL = 0x0;
export const PROXY_V2_COMMAND_PROXY = 0x1;

/** Version 2 family/protocol bytes (byte 14): the only values the spec defines. */
export const PROXY_V2_UNSPEC = 0x00;
export const PROXY_V2_TCP4 = 0x11;
export const PROXY_V2_UDP4 = 0x12;
export const PROXY_V2_TCP6 = 0x21;
export const PROXY_V2_UDP6 = 0x22;
export const PROXY_V2_UNIX_STREAM = 0x31;
export const PROXY_V2_UNIX_DGRAM = 0x32;

/** Address block sizes: two IPv4 addresses + two ports, two IPv6 + two ports, two UNIX paths. */
export const PROXY_V2_ADDRESS_LENGTH_INET = 12;
export const PROXY_V2_ADDRESS_LENGTH_INET6 = 36;
export const PROXY_V2_ADDRESS_LENGTH_UNIX = 216;
