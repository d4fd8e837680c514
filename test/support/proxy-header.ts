/**
 * Test support: PROXY protocol headers (HAProxy's proxy-protocol.txt) as a load balancer in
 * front of Switchyard would send them, written out by hand from the spec rather than with
 * Switchyard's own encoder, so a test never checks the code against itself. IPv4 over TCP only.
 */

/** Version 1: `PROXY TCP4 <src> <dst> <srcport> <dstport>\r\n`. */
export function proxyV1(source: string, sourcePort: number, destination: string, destinationPort: number): Buffer {
  return Buffer.from(`PROXY TCP4 ${source} ${destination} ${sourcePort} ${destinationPort}\r\n`, 'latin1');
}

/** Version 2, command PROXY, family TCP over IPv4, no TLVs. */
export function proxyV2(source: string, sourcePort: number, destination: string, destinationPort: number): Buffer {
  const head = Buffer.from([
    0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, // signature
    0x21, // version 2, PROXY
    0x11, // AF_INET, STREAM
    0x00, 0x0c, // 12 address bytes follow
  ]);
  const block = Buffer.alloc(12);
  block.set(ipv4Bytes(source), 0);
  block.set(ipv4Bytes(destination), 4);
  block.writeUInt16BE(sourcePort, 8);
  block.writeUInt16BE(destinationPort, 10);
  return Buffer.concat([head, block]);
}

function ipv4Bytes(address: string): number[] {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${address}`);
  return parts;
}
