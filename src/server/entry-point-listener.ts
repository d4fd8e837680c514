/**
 * One TCP entry point's listener: owns the listening sockets and decides, per connection, who
 * serves it (reference §1.4, routing order on one entry point):
 *
 *  1. With `proxyProtocol` set, a PROXY v1/v2 header is read first. It sets the client address
 *     only when the peer is trusted (or `insecure`); from anyone else it is read and ignored, and
 *     the TCP peer stays the client (Traefik's go-proxyproto IGNORE policy).
 *  2. When the entry point has neither TLS TCP routers nor HTTPS routers, a non-TLS TCP router
 *     matching on the client IP takes the connection before a byte is read (server-speaks-first
 *     protocols work); otherwise the first bytes are peeked.
 *  3. Not TLS: non-TLS TCP routers first, then HTTP (HTTP/2 when the cleartext preface came,
 *     else HTTP/1.1).
 *  4. TLS (a ClientHello, peeked for its SNI and ALPN): an ACME TLS-ALPN-01 challenge is
 *     answered here; then an HTTPS router naming the SNI beats a TCP TLS router naming it, which
 *     beats HTTPS catch-alls, which beat a TCP TLS catch-all; the rest is terminated and served
 *     as HTTPS (404 when no router matches). TCP routers either pass the TLS bytes through or
 *     terminate with the TLS options their SNI selects.
 *
 * Everything the decision needs is read once per connection from `routing()`, so a reload
 * never changes the rules for a connection already being decided.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Clock, TimerHandle } from '../lib/clock.ts';
import type { TcpConnectionFacts } from '../lib/matcher.ts';
import type { TcpConnection, TcpHandler } from '../lib/tcp-connection.ts';
import type { IpRangeSet } from '../lib/ip-range.ts';
import { listenWithAcceptors, type Acceptors } from './acceptors.ts';
import { connectionFacts, setConnectionFacts, tlsFactsOf } from './connection-facts.ts';
import type { HttpEntryPoint } from './http-entry-point.ts';
import { plainAddress } from './node-exchange.ts';
import { CLIENT_HELLO_MAX_BYTES, parseClientHello } from './connection/client-hello.ts';
import { peekSocket, type PeekVerdict } from './connection/peek.ts';
import { decideProxyHeader, PROXY_HEADER_MAX_BYTES } from './connection/proxy-protocol.ts';
import { acceptTlsSocket } from './tls/accept-tls-socket.ts';
import type { ClientHelloFacts, TlsDecision } from './tls/tls-manager.ts';

/** What an entry point routes by, read once per connection. */
export interface EntryPointRouting {
  /** TCP routers of this entry point, if any. */
  readonly tcp: TcpRoutes | undefined;
  /** Whether HTTPS routers exist here: by SNI, `specific` when one names it, `catchAll` when one takes any name. */
  httpsFor(serverName: string): 'specific' | 'catchAll' | 'none';
  readonly hasHttpsRouters: boolean;
  /** How to terminate an HTTPS connection (the options its server name maps to). */
  tlsForHttps(serverName: string, hello: ClientHelloFacts): TlsDecision;
  /** How to terminate a TCP router's connection (the router's own options). */
  tlsForTcp(optionsName: string, serverName: string, hello: ClientHelloFacts): TlsDecision;
  /** The ACME TLS-ALPN-01 challenge certificate for a name being validated, if any. */
  acmeChallenge(serverName: string): SecureContext | undefined;
}

export interface TcpRoutes {
  readonly hasTlsRouters: boolean;
  readonly hasNonTlsRouters: boolean;
  find(facts: TcpConnectionFacts): TcpRoute | undefined;
}

export interface TcpRoute {
  readonly routerName: string;
  readonly handler: TcpHandler;
  /** True when the router's rule is the catch-all ``HostSNI(`*`)``. */
  readonly catchAll: boolean;
  /** null: a non-TLS router; otherwise pass the TLS bytes through, or terminate with `options`. */
  readonly tls: null | { readonly passthrough: boolean; readonly options: string };
}

export interface EntryPointListenerOptions {
  readonly name: string;
  /** Host to bind ('' = all interfaces). */
  readonly host: string;
  readonly port: number;
  readonly http: HttpEntryPoint;
  routing(): EntryPointRouting;
  readonly proxyProtocol?: { readonly insecure: boolean; readonly trustedIPs: IpRangeSet };
  /** How long the PROXY header and the first bytes may take (the entry point's readTimeout). */
  readonly readTimeoutMs: number;
  readonly clock: Clock;
  /** Called for connections refused or dropped before HTTP, for the log (never for each request). */
  onConnectionError?(err: Error, stage: string): void;
}

export interface EntryPointListener {
  listen(): Promise<{ host: string; port: number }>;
  /** Stops accepting; connections already accepted go on. */
  close(): void;
  /** Connections handed to TCP services, for the graceful stop. */
  readonly tcpConnections: ReadonlySet<TcpConnection>;
  /** Resolves once no connection is held by a TCP service (at once when none is). */
  whenTcpIdle(): Promise<void>;
}

const h2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export function createEntryPointListener(options: EntryPointListenerOptions): EntryPointListener {
  const tcpConnections = new Set<TcpConnection>();
  let tcpIdleWaiters: (() => void)[] = [];
  let acceptors: Acceptors | null = null;
  const fail = (socket: Socket, stage: string) => (err: unknown): void => {
    options.onConnectionError?.(err instanceof Error ? err : new Error(String(err)), stage);
    socket.destroy();
  };

  const serveTcp = (socket: Socket, stream: Socket | TLSSocket, route: TcpRoute): void => {
    const facts = connectionFacts(socket);
    let closed = false;
    const listeners: (() => void)[] = [];
    const connection: TcpConnection = {
      remoteAddress: facts?.clientAddress ?? plainAddress(socket.remoteAddress ?? ''),
      remotePort: facts?.clientPort ?? socket.remotePort ?? 0,
      // A PROXY header sent on to servers names what the client connected to (go-proxyproto's
      // LocalAddr): the original destination when a trusted header gave one.
      localAddress: facts?.localAddress ?? plainAddress(socket.localAddress ?? ''),
      localPort: facts?.localPort ?? socket.localPort ?? 0,
      socket: stream,
      close() {
        stream.destroy();
      },
      onClose(listener) {
        if (closed) listener();
        else listeners.push(listener);
      },
    };
    tcpConnections.add(connection);
    stream.once('close', () => {
      closed = true;
      tcpConnections.delete(connection);
      for (const l of listeners.splice(0)) l();
      if (tcpConnections.size === 0 && tcpIdleWaiters.length > 0) {
        const waiters = tcpIdleWaiters;
        tcpIdleWaiters = [];
        for (const w of waiters) w();
      }
    });
    stream.on('error', () => stream.destroy());
    route.handler(connection);
  };

  /** Terminates TLS as decided; resolves with the established socket, or null when refused. */
  const terminate = (socket: Socket, decision: TlsDecision): Promise<TLSSocket | null> => {
    if (decision.refusal !== null) {
      options.onConnectionError?.(new Error(decision.message), 'tls');
      socket.destroy();
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const done = (value: TLSSocket | null): void => {
        if (timer !== undefined) options.clock.clearTimeout(timer);
        timer = undefined;
        resolve(value);
      };
      const tlsSocket = acceptTlsSocket(socket, decision, {
        onSecure: (secured) => done(secured),
        onRefused: (_refused, reason) => {
          if (!decision.acmeChallenge) options.onConnectionError?.(new Error(reason), 'tls client certificate');
          done(null);
        },
      });
      if (options.readTimeoutMs > 0) timer = options.clock.setTimeout(() => tlsSocket.destroy(), options.readTimeoutMs);
      tlsSocket.once('error', (err) => {
        options.onConnectionError?.(err, 'tls handshake');
        tlsSocket.destroy();
        done(null);
      });
      tlsSocket.once('close', () => done(null));
    });
  };

  const serveHttps = async (socket: Socket, serverName: string, hello: ClientHelloFacts, routing: EntryPointRouting): Promise<void> => {
    const decision = routing.tlsForHttps(serverName, hello);
    const tlsSocket = await terminate(socket, decision);
    if (tlsSocket === null) return;
    const base = connectionFacts(socket);
    setConnectionFacts(tlsSocket, {
      clientAddress: base?.clientAddress ?? plainAddress(socket.remoteAddress ?? ''),
      clientPort: base?.clientPort ?? socket.remotePort ?? 0,
      tls: tlsFactsOf(tlsSocket, decision.optionsName),
    });
    options.http.serve(tlsSocket, tlsSocket.alpnProtocol === 'h2' ? 'h2' : 'http/1.1');
  };

  const serveTls = async (socket: Socket, serverName: string, alpn: readonly string[], routing: EntryPointRouting): Promise<void> => {
    const hello: ClientHelloFacts = { alpn, localAddress: plainAddress(socket.localAddress ?? '') };
    if (alpn.includes('acme-tls/1')) {
      // An ACME TLS-ALPN-01 validation: the challenge certificate for the name, then closed.
      const context = routing.acmeChallenge(serverName);
      if (context === undefined) {
        socket.destroy();
        return;
      }
      const challenge = new TLSSocket(socket, { isServer: true, secureContext: context, ALPNProtocols: ['acme-tls/1'] });
      challenge.once('secure', () => challenge.end());
      challenge.on('error', () => challenge.destroy());
      return;
    }
    const facts: TcpConnectionFacts = { remoteAddress: clientAddressOf(socket), serverName, isTls: true, alpn };
    const https = routing.httpsFor(serverName);
    const tcp = routing.tcp?.find(facts);
    let route: TcpRoute | undefined;
    if (https === 'specific') route = undefined;
    else if (tcp !== undefined && tcp.tls !== null && !tcp.catchAll) route = tcp;
    else if (https === 'catchAll') route = undefined;
    else if (tcp !== undefined && tcp.tls !== null) route = tcp;
    if (route?.tls == null) {
      await serveHttps(socket, serverName, hello, routing);
      return;
    }
    if (route.tls.passthrough) {
      serveTcp(socket, socket, route);
      return;
    }
    const tlsSocket = await terminate(socket, routing.tlsForTcp(route.tls.options, serverName, hello));
    if (tlsSocket !== null) serveTcp(socket, tlsSocket, route);
  };

  const onConnection = (socket: Socket): void => {
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    void handle(socket).catch(fail(socket, 'routing'));
  };

  const handle = async (socket: Socket): Promise<void> => {
    const peer = plainAddress(socket.remoteAddress ?? '');
    if (options.proxyProtocol !== undefined) {
      const pp = options.proxyProtocol;
      const read = await peekSocket(socket, decideProxyHeader, { maxBytes: PROXY_HEADER_MAX_BYTES, timeoutMs: options.readTimeoutMs, clock: options.clock });
      if (read.kind !== 'decided' || read.value.kind === 'error') {
        if (read.kind === 'decided' && read.value.kind === 'error') options.onConnectionError?.(new Error(read.value.message), 'proxy protocol');
        socket.destroy();
        return;
      }
      // A header is read (and dropped) from anyone; only a trusted peer's source is believed.
      const header = read.value.kind === 'header' ? read.value.header : undefined;
      if (header?.source != null && (pp.insecure || pp.trustedIPs.contains(peer))) {
        setConnectionFacts(socket, {
          clientAddress: plainAddress(header.source.address),
          clientPort: header.source.port,
          ...(header.destination != null ? { localAddress: plainAddress(header.destination.address), localPort: header.destination.port } : {}),
          tls: undefined,
        });
      }
    }
    const routing = options.routing();
    const tcp = routing.tcp;
    const clientAddress = clientAddressOf(socket);
    if (tcp?.hasNonTlsRouters === true && !tcp.hasTlsRouters && !routing.hasHttpsRouters) {
      // Step 1: nothing here needs TLS; a server-speaks-first protocol must not wait for bytes.
      const route = tcp.find({ remoteAddress: clientAddress, serverName: '', isTls: false, alpn: [] });
      if (route !== undefined) {
        serveTcp(socket, socket, route);
        return;
      }
    }
    const first = await peekSocket(socket, classify, { maxBytes: CLIENT_HELLO_MAX_BYTES, timeoutMs: options.readTimeoutMs, clock: options.clock });
    if (first.kind !== 'decided') {
      socket.destroy();
      return;
    }
    const what = first.value;
    if (what.kind === 'tls') {
      await serveTls(socket, what.serverName, what.alpn, routing);
      return;
    }
    // Not TLS: non-TLS TCP routers first, then HTTP (HTTP/2 with prior knowledge, or HTTP/1.1).
    const route = tcp?.find({ remoteAddress: clientAddress, serverName: '', isTls: false, alpn: [] });
    if (route !== undefined && route.tls === null) {
      serveTcp(socket, socket, route);
      return;
    }
    options.http.serve(socket, what.kind === 'h2c' ? 'h2' : 'http/1.1');
  };

  return {
    tcpConnections,
    whenTcpIdle() {
      if (tcpConnections.size === 0) return Promise.resolve();
      return new Promise((resolve) => tcpIdleWaiters.push(resolve));
    },
    async listen() {
      acceptors = await listenWithAcceptors(onConnection, options.host, options.port);
      return { host: acceptors.host, port: acceptors.port };
    },
    close() {
      acceptors?.close();
    },
  };
}

type FirstBytes = { kind: 'tls'; serverName: string; alpn: readonly string[] } | { kind: 'h2c' } | { kind: 'plain' };

/** What the first bytes of a connection are: TLS (with its SNI and ALPN), HTTP/2 cleartext, or plain. */
function classify(bytes: Buffer): PeekVerdict<FirstBytes> {
  const hello = parseClientHello(bytes);
  if (hello.kind === 'incomplete') return { done: false };
  if (hello.kind === 'hello') return { done: true, value: { kind: 'tls', serverName: hello.serverName, alpn: hello.alpn } };
  // TLS we cannot read: Go's handshake fails before choosing a configuration, as with no SNI.
  if (hello.kind === 'invalid') return { done: true, value: { kind: 'tls', serverName: '', alpn: [] } };
  const n = Math.min(bytes.length, h2Preface.length);
  if (bytes.subarray(0, n).equals(h2Preface.subarray(0, n))) return n === h2Preface.length ? { done: true, value: { kind: 'h2c' } } : { done: false };
  return { done: true, value: { kind: 'plain' } };
}

function clientAddressOf(socket: Socket): string {
  return connectionFacts(socket)?.clientAddress ?? plainAddress(socket.remoteAddress ?? '');
}
