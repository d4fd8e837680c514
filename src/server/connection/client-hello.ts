/**
 * Reading a TLS ClientHello from the first bytes of a connection, without terminating TLS:
 * whether the stream is TLS at all, and if so the SNI server name and the ALPN protocols it
 * offers, for TCP routers (HostSNI, ALPN) and for picking TLS options. Pure; `decideClientHello`
 * adapts it to `peekSocket()`, which then replays every byte to the TLS server or the passthrough.
 *
 * Where it follows Traefik (pkg/server/router/tcp/router.go clientHelloInfo, which peeks the
 * first record and runs it through Go's crypto/tls to reach GetConfigForClient):
 * - A first byte other than 0x16 (handshake record) is not TLS, except 0x80, an SSLv2-style
 *   hello, which Traefik counts as TLS with no server name.
 * - A ClientHello that cannot be read gives `kind: 'invalid'` with the reason, and callers must
 *   route it as TLS with no server name and no ALPN protocol. That is exactly what Traefik does
 *   (Go's handshake fails before GetConfigForClient, leaving SNI and ALPN empty, and the
 *   connection goes to the catch-all routes, where the real TLS handshake, ours or the
 *   passthrough server's, rejects it with a proper alert). It is a separate kind, not an empty
 *   'hello', so the reason can be logged; closing the connection instead would make such clients
 *   behave differently from Traefik.
 * - The ClientHello checks are Go's: session id at most 32 bytes, cipher suites an even length,
 *   extensions exactly filling the message, no extension twice, a server_name list that is not
 *   empty with at most one host_name, not empty and without a trailing dot, an ALPN list that is
 *   not empty with no empty protocol. Contents of other extensions are not checked (Go checks
 *   some; the TLS handshake that follows does anyway).
 * - The server name is lower-cased (Traefik's ConnData); an absent one is ''.
 *
 * Where it differs:
 * - A ClientHello spread over several records (large post-quantum key shares, tiny records) is
 *   reassembled; Traefik only peeks the first record, so it sees no SNI for such a client.
 * - "TLS" also needs a plausible record version (major byte 3) in the second byte, as Go's
 *   record layer requires; Traefik looks at the first byte only.
 * - Size is bounded: the ClientHello may be up to 64 KiB (Go's maxHandshake), carried in at most
 *   `CLIENT_HELLO_MAX_BYTES` of records; beyond that the result is 'invalid' ('too-large').
 */
import type { PeekVerdict } from './peek.ts';

/** Why a TLS stream's ClientHello could not be read. */
export type ClientHelloProblem =
  /** First byte 0x80: an SSLv2-compatible hello, which no current server accepts. */
  | 'sslv2'
  /** A record other than handshake (0x16) before the ClientHello was complete. */
  | 'unexpected-record'
  /** An empty handshake record, or one longer than a TLS record may be. */
  | 'bad-record-length'
  /** The first handshake message is not a ClientHello. */
  | 'not-client-hello'
  /** The ClientHello, or the records carrying it, exceed the bounds above. */
  | 'too-large'
  /** Vector lengths that do not add up, a duplicate extension, a bad server_name or ALPN list. */
  | 'malformed';

export type ClientHelloParse =
  /** Not TLS: route as plain TCP/HTTP. */
  | { readonly kind: 'not-tls' }
  /** A prefix of a TLS handshake: at least `need` bytes (in total) are required. */
  | { readonly kind: 'incomplete'; readonly need: number }
  /** A ClientHello: the server name (lower-cased, '' when absent) and ALPN protocols offered, in order. */
  | { readonly kind: 'hello'; readonly serverName: string; readonly alpn: readonly string[] }
  /** TLS, but no ClientHello could be read: route as TLS with no server name and no ALPN. */
  | { readonly kind: 'invalid'; readonly problem: ClientHelloProblem };

/** Largest ClientHello body (Go's maxHandshake). */
export const MAX_CLIENT_HELLO_LENGTH = 65536;

/** Most bytes of records read to find one ClientHello: 64 KiB plus headers of small records. */
export const CLIENT_HELLO_MAX_BYTES = 70 * 1024;

const RECORD_HEADER = 5;
const HANDSHAKE_HEADER = 4;
const TYPE_HANDSHAKE = 0x16;
const TYPE_SSLV2 = 0x80;
const HANDSHAKE_CLIENT_HELLO = 0x01;
/** Go's maxCiphertext: the largest record length accepted before any version is agreed. */
const MAX_RECORD_LENGTH = 16384 + 2048;
const EXTENSION_SERVER_NAME = 0x0000;
const EXTENSION_ALPN = 0x0010;
const HOST_NAME = 0x00;

function invalid(problem: ClientHelloProblem): ClientHelloParse {
  return { kind: 'invalid', problem };
}

/** Reads the ClientHello at the start of `bytes` (which may hold more). Never throws. */
export function parseClientHello(bytes: Uint8Array): ClientHelloParse {
  const first = bytes[0];
  if (first === undefined) return { kind: 'incomplete', need: 1 };
  if (first === TYPE_SSLV2) return invalid('sslv2');
  if (first !== TYPE_HANDSHAKE) return { kind: 'not-tls' };
  const major = bytes[1];
  if (major === undefined) return { kind: 'incomplete', need: RECORD_HEADER };
  if (major !== 0x03) return { kind: 'not-tls' };

  // Walk the records, collecting handshake bytes until the ClientHello is complete.
  const fragments: Uint8Array[] = [];
  let collected = 0;
  let helloLength = -1;
  let at = 0;
  // Bounded: every record advances `at` by at least 6 bytes, and `at` stays within the limit.
  for (;;) {
    if (at + RECORD_HEADER > bytes.length) return incomplete(at + RECORD_HEADER);
    const type = bytes[at]!;
    const recordLength = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    if (type !== TYPE_HANDSHAKE) return invalid('unexpected-record');
    if (recordLength === 0 || recordLength > MAX_RECORD_LENGTH) return invalid('bad-record-length');
    const end = at + RECORD_HEADER + recordLength;
    const body = bytes.subarray(at + RECORD_HEADER, Math.min(end, bytes.length));
    // The handshake head is checked as soon as its 4 bytes are in, even mid-record, so a
    // message that is not a ClientHello or is too large fails without waiting for the rest.
    if (helloLength < 0 && collected + body.length >= HANDSHAKE_HEADER) {
      const head = Buffer.concat([...fragments, body]).subarray(0, HANDSHAKE_HEADER);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return invalid('not-client-hello');
      helloLength = (head[1]! << 16) | (head[2]! << 8) | head[3]!;
      if (helloLength > MAX_CLIENT_HELLO_LENGTH) return invalid('too-large');
    }
    if (end > bytes.length || end > CLIENT_HELLO_MAX_BYTES) return incomplete(end);
    fragments.push(body);
    collected += recordLength;
    at = end;
    if (helloLength >= 0 && collected >= HANDSHAKE_HEADER + helloLength) break;
  }
  const message = Buffer.concat(fragments).subarray(HANDSHAKE_HEADER, HANDSHAKE_HEADER + helloLength);
  return readClientHello(message);
}

function incomplete(need: number): ClientHelloParse {
  return need > CLIENT_HELLO_MAX_BYTES ? invalid('too-large') : { kind: 'incomplete', need };
}

/**
 * `parseClientHello` as a peek decision: nothing is consumed, so the TLS server or the
 * passthrough reads the ClientHello itself.
 */
export function decideClientHello(bytes: Buffer): PeekVerdict<ClientHelloParse> {
  const parsed = parseClientHello(bytes);
  if (parsed.kind === 'incomplete') return { done: false, atLeast: parsed.need };
  return { done: true, value: parsed };
}

/** A cursor over a byte vector; every read reports failure instead of running off the end. */
class Reader {
  private readonly bytes: Uint8Array;
  private at = 0;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  get empty(): boolean {
    return this.at === this.bytes.length;
  }
  skip(n: number): boolean {
    if (this.at + n > this.bytes.length) return false;
    this.at += n;
    return true;
  }
  u8(): number | null {
    return this.at < this.bytes.length ? this.bytes[this.at++]! : null;
  }
  u16(): number | null {
    if (this.at + 2 > this.bytes.length) return null;
    const v = (this.bytes[this.at]! << 8) | this.bytes[this.at + 1]!;
    this.at += 2;
    return v;
  }
  /** The next `n` bytes as a new reader, or null if there are fewer. */
  take(n: number | null): Reader | null {
    if (n === null || this.at + n > this.bytes.length) return null;
    const sub = new Reader(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return sub;
  }
  text(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.at, this.bytes.length - this.at).toString('utf8');
  }
}

function readClientHello(message: Uint8Array): ClientHelloParse {
  const r = new Reader(message);
  // legacy_version, random
  if (!r.skip(2 + 32)) return invalid('malformed');
  const sessionIdLength = r.u8();
  if (sessionIdLength === null || sessionIdLength > 32 || !r.skip(sessionIdLength)) return invalid('malformed');
  const cipherSuitesLength = r.u16();
  if (cipherSuitesLength === null || cipherSuitesLength % 2 !== 0 || !r.skip(cipherSuitesLength)) return invalid('malformed');
  if (r.take(r.u8()) === null) return invalid('malformed'); // compression methods
  // A ClientHello may stop here (no extensions at all, TLS 1.2 and older).
  if (r.empty) return { kind: 'hello', serverName: '', alpn: [] };
  const extensions = r.take(r.u16());
  if (extensions === null || !r.empty) return invalid('malformed');

  let serverName = '';
  let alpn: string[] = [];
  const seen = new Set<number>();
  // Bounded: each extension consumes at least its 4-byte head.
  while (!extensions.empty) {
    const type = extensions.u16();
    const data = extensions.take(extensions.u16());
    if (type === null || data === null || seen.has(type)) return invalid('malformed');
    seen.add(type);
    if (type === EXTENSION_SERVER_NAME) {
      const name = readServerName(data);
      if (name === null) return invalid('malformed');
      serverName = name;
    } else if (type === EXTENSION_ALPN) {
      const protocols = readAlpn(data);
      if (protocols === null) return invalid('malformed');
      alpn = protocols;
    }
  }
  return { kind: 'hello', serverName: serverName.toLowerCase(), alpn };
}

/** RFC 6066 §3 ServerNameList; null when malformed (Go's rules). */
function readServerName(data: Reader): string | null {
  const list = data.take(data.u16());
  if (list === null || !data.empty || list.empty) return null;
  let name = '';
  while (!list.empty) {
    const nameType = list.u8();
    const entry = list.take(list.u16());
    if (nameType === null || entry === null) return null;
    // Unknown name types are skipped; a second host_name is prohibited.
    if (nameType !== HOST_NAME) continue;
    if (name !== '' || entry.empty) return null;
    name = entry.text();
    if (name.endsWith('.')) return null; // RFC 6066: "the trailing dot is not included"
  }
  return name;
}

/** RFC 7301 §3.1 ProtocolNameList; null when malformed. */
function readAlpn(data: Reader): string[] | null {
  const list = data.take(data.u16());
  if (list === null || !data.empty || list.empty) return null;
  const protocols: string[] = [];
  while (!list.empty) {
    const protocol = list.take(list.u8());
    if (protocol === null || protocol.empty) return null;
    protocols.push(protocol.text());
  }
  return protocols;
}
