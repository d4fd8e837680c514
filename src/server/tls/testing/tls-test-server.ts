/**
 * Test support for the TLS manager: a loopback TCP server that peeks each ClientHello (server
 * name and ALPN), asks for a decision, and terminates TLS with acceptTlsSocket — the way an
 * entry point uses the manager — answering each secured connection with a JSON line; and a
 * client that reports what it saw (peer certificate, protocol, the answer, or the error).
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { connect, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { acceptTlsSocket } from '../accept-tls-socket.ts';
import type { ClientHelloFacts, TlsDecision } from '../tls-manager.ts';

/** Server name and ALPN of a ClientHello, or null when `data` does not start with one. */
export function parseClientHello(data: Buffer): { serverName: string; alpn: string[] } | null {
  try {
    return readClientHello(data);
  } catch {
    return null; // truncated
  }
}

function readClientHello(data: Buffer): { serverName: string; alpn: string[] } | null {
  // Record: type 22 (handshake), version, length; handshake: type 1 (ClientHello), length.
  if (data.length < 9 || data[0] !== 22 || data[5] !== 1) return null;
  let at = 9 + 2 + 32; // client version, random
  const skip8 = () => { at += 1 + data[at]!; };
  const skip16 = () => { at += 2 + data.readUInt16BE(at); };
  skip8(); // session id
  skip16(); // cipher suites
  skip8(); // compression methods
  let serverName = '';
  const alpn: string[] = [];
  const end = Math.min(data.length, at + 2 + data.readUInt16BE(at));
  at += 2;
  while (at + 4 <= end) {
    const type = data.readUInt16BE(at);
    const next = at + 4 + data.readUInt16BE(at + 2);
    // server_name: list length, name type 0 (host_name), name length, name.
    if (type === 0 && data[at + 6] === 0) serverName = data.toString('ascii', at + 9, at + 9 + data.readUInt16BE(at + 7));
    // ALPN: list length, then length-prefixed protocol names.
    if (type === 16) {
      for (let p = at + 6; p < next; p += 1 + data[p]!) alpn.push(data.toString('ascii', p + 1, p + 1 + data[p]!));
    }
    at = next;
  }
  return { serverName: serverName.toLowerCase(), alpn };
}

/** What the server saw for one connection. */
export interface ServerEvent {
  readonly serverName: string;
  readonly decision: TlsDecision;
  readonly outcome: 'secure' | 'refusedBeforeHandshake' | 'refusedAfterHandshake' | 'handshakeError';
  readonly detail?: string;
}

export interface TlsTestServer {
  readonly port: number;
  readonly events: ServerEvent[];
  close(): Promise<void>;
}

/** Starts the server; `decide` is e.g. `manager.entryPoint('websecure').forServerName`. */
export async function startTlsTestServer(decide: (serverName: string, hello: ClientHelloFacts) => TlsDecision): Promise<TlsTestServer> {
  const events: ServerEvent[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    raw.once('data', (chunk: Buffer) => {
      raw.pause();
      raw.unshift(chunk);
      const hello = parseClientHello(chunk) ?? { serverName: '', alpn: [] };
      const decision = decide(hello.serverName, { alpn: hello.alpn, localAddress: raw.localAddress ?? '' });
      if (decision.refusal !== null) {
        events.push({ serverName: hello.serverName, decision, outcome: 'refusedBeforeHandshake' });
        raw.destroy();
        return;
      }
      const socket = acceptTlsSocket(raw, decision, {
        onSecure(secured) {
          events.push({ serverName: hello.serverName, decision, outcome: 'secure' });
          secured.end(`${JSON.stringify({ options: decision.optionsName, authorized: secured.authorized, alpn: secured.alpnProtocol })}\n`);
        },
        onRefused(_socket, reason) {
          events.push({ serverName: hello.serverName, decision, outcome: 'refusedAfterHandshake', detail: reason });
        },
      });
      socket.on('error', (error) => events.push({ serverName: hello.serverName, decision, outcome: 'handshakeError', detail: error.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    events,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** What a client saw. */
export interface ClientResult {
  /** The peer certificate, when the handshake completed on the client's side. */
  readonly certificate?: PeerCertificate;
  /** The negotiated protocol (`TLSv1.3`), when the handshake completed. */
  readonly protocol?: string;
  /** Whether the handshake resumed the session passed in `options.session`. */
  readonly reused?: boolean;
  /** The session (ticket) the server handed out, to resume with. */
  readonly session?: Buffer;
  /** The server's JSON answer, when it got that far. */
  readonly answer?: { readonly options: string; readonly authorized: boolean; readonly alpn: string | false };
  readonly error?: string;
}

/** Connects to `port` (not verifying the server: tests check the certificate themselves). */
export function connectTls(port: number, options: ConnectionOptions): Promise<ClientResult> {
  return new Promise((resolve) => {
    const result: { certificate?: PeerCertificate; protocol?: string; reused?: boolean; session?: Buffer; error?: string } = {};
    let data = '';
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options }, () => {
      result.certificate = socket.getPeerCertificate();
      result.protocol = socket.getProtocol() ?? '';
      result.reused = socket.isSessionReused();
    });
    socket.on('session', (session: Buffer) => { result.session = session; });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => { data += chunk; });
    socket.on('error', (error) => { result.error ??= error.message; });
    socket.on('close', () => {
      const line = data.split('\n')[0] ?? '';
      resolve(line === '' ? result : { ...result, answer: JSON.parse(line) as ClientResult['answer'] & object });
    });
  });
}

/** The DNS names of a peer certificate's subjectAltName. */
export function dnsNames(certificate: PeerCertificate | undefined): string[] {
  return (certificate?.subjectaltname ?? '').split(', ').filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
}
