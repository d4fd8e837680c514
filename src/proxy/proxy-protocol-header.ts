/**
 * Sending the PROXY protocol to TCP servers (`serversTransport.proxyProtocol.version`): the
 * header written first on a connection to a server, carrying the client's address and the
 * address it connected to. Byte for byte what Traefik writes through pires/go-proxyproto
 * (`HeaderProxyFromAddrs` + `Format`):
 * - both addresses IPv4 (IPv4-mapped IPv6 counts as IPv4, as Go's `To4()` does): TCP4;
 *   otherwise TCP6, an IPv4 side written as IPv4-mapped IPv6 (`::ffff:a.b.c.d` in version 1);
 * - an address that is not an IP (a socket already closed has none): version 1 `PROXY
 *   UNKNOWN\r\n`, version 2 a LOCAL command with the UNSPEC family and no address block, which
 *   receivers answer by keeping the real peer;
 * - IPv6 zone identifiers are dropped (Go keeps them outside the address bytes);
 * - version 1 IPv6 text is Node's canonical form, Go's too except for the deprecated
 *   IPv4-compatible addresses (`::1.2.3.4`, which Go writes `::102:304`);
 * - version 2 sends no TLVs.
 */
import { SocketAddress } from 'node:net';
import { parseIp } from '../lib/ip-range.ts';
import {
  PROXY_V2_ADDRESS_LENGTH_INET, PROXY_V2_ADDRESS_LENGTH_INET6, PROXY_V2_COMMAND_LOCAL, PROXY_V2_COMMAND_PROXY,
  PROXY_V2_FIXED_LENGTH, PROXY_V2_SIGNATURE, PROXY_V2_TCP4, PROXY_V2_TCP6, PROXY_V2_UNSPEC, PROXY_V2_VERSION,
} from '../lib/proxy-protocol-constants.ts';

/** One end of the connection being described. */
export interface ProxyHeaderEndpoint {
  readonly address: string;
  readonly port: number;
}

const MAPPED_PREFIX = 0xffffn << 32n;

function checkPort(port: number, which: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PROXY header ${which} port ${port} is not 0-65535`);
}

function bytesOf(value: bigint, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = length - 1, v = value; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function ipv4Text(value: bigint): string {
  return [...bytesOf(value, 4)].join('.');
}

function ipv6Text(value: bigint): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

function v2Head(command: number, family: number, length: number): Buffer {
  const head = Buffer.alloc(PROXY_V2_FIXED_LENGTH);
  head.set(PROXY_V2_SIGNATURE, 0);
  head[12] = (PROXY_V2_VERSION << 4) | command;
  head[13] = family;
  head.writeUInt16BE(length, 14);
  return head;
}

/**
 * The PROXY header announcing a connection from `source` (the client) to `destination` (the
 * address it reached). Throws a RangeError for a port outside 0-65535 (a bug in the caller).
 */
export function encodeProxyHeader(version: 1 | 2, source: ProxyHeaderEndpoint, destination: ProxyHeaderEndpoint): Buffer {
  checkPort(source.port, 'source');
  checkPort(destination.port, 'destination');
  const src = parseIp(source.address);
  const dst = parseIp(destination.address);
  if (src === null || dst === null) {
    return version === 1 ? Buffer.from('PROXY UNKNOWN\r\n', 'latin1') : v2Head(PROXY_V2_COMMAND_LOCAL, PROXY_V2_UNSPEC, 0);
  }
  const v4 = !src.v6 && !dst.v6;
  // parseIp unmaps IPv4-mapped addresses; in a TCP6 header an IPv4 side is mapped again.
  const wide = (ip: { v6: boolean; value: bigint }): bigint => (ip.v6 ? ip.value : MAPPED_PREFIX | ip.value);
  if (version === 1) {
    const text = (ip: { v6: boolean; value: bigint }): string => (v4 ? ipv4Text(ip.value) : ipv6Text(wide(ip)));
    return Buffer.from(`PROXY ${v4 ? 'TCP4' : 'TCP6'} ${text(src)} ${text(dst)} ${source.port} ${destination.port}\r\n`, 'latin1');
  }
  const size = v4 ? 4 : 16;
  const block = Buffer.alloc(v4 ? PROXY_V2_ADDRESS_LENGTH_INET : PROXY_V2_ADDRESS_LENGTH_INET6);
  bytesOf(v4 ? src.value : wide(src), size).copy(block, 0);
  bytesOf(v4 ? dst.value : wide(dst), size).copy(block, size);
  block.writeUInt16BE(source.port, 2 * size);
  block.writeUInt16BE(destination.port, 2 * size + 2);
  return Buffer.concat([v2Head(PROXY_V2_COMMAND_PROXY, v4 ? PROXY_V2_TCP4 : PROXY_V2_TCP6, block.length), block]);
}
