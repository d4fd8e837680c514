/**
 * Terminates TLS on one accepted connection with a decision of the TLS manager, and enforces
 * the client certificate policy of its options.
 *
 * Why this exists: a server-side `tls.TLSSocket` created directly (rather than by a listening
 * `tls.Server`) never checks the client certificate's verification result, and never sets
 * `authorized`: node does that in tls.Server's connection listener only. With
 * `rejectUnauthorized` OpenSSL still refuses a handshake without a certificate, but a
 * certificate from an unknown CA would pass. So after the handshake the result is read here
 * (from the same handle method node's listener uses) and Go's client auth types applied:
 *
 * | clientAuthType             | requested | connection closed when                      |
 * |----------------------------|-----------|---------------------------------------------|
 * | NoClientCert               | no        | never                                       |
 * | RequestClientCert          | yes       | never (not verified)                        |
 * | RequireAnyClientCert       | yes       | no certificate (any certificate is accepted) |
 * | VerifyClientCertIfGiven    | yes       | a certificate that does not verify          |
 * | RequireAndVerifyClientCert | yes       | no certificate (in the handshake) or one that does not verify |
 *
 * `authorized` and `authorizationError` are set as node's server sets them. Go refuses during the
 * handshake with an alert; here the connection is closed right after it (node's own
 * rejectUnauthorized does the same), before any application data is read.
 *
 * An ACME TLS-ALPN-01 challenge connection is closed right after its handshake, as in Traefik.
 */
import { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { TlsServe } from './tls-manager.ts';

/** What happens once the handshake is over. */
export interface TlsAcceptHandlers {
  /** The handshake completed and the client certificate policy holds: the socket is ready. */
  readonly onSecure: (socket: TLSSocket) => void;
  /** The connection was closed after the handshake for `reason` (for logs). */
  readonly onRefused?: (socket: TLSSocket, reason: string) => void;
}

interface VerifyingHandle {
  verifyError?(): Error | null;
}

/**
 * Wraps `raw` (whose peeked ClientHello bytes must have been unshifted back, or never read) in a
 * server TLSSocket with `decision`, and calls `handlers.onSecure` when it may be used. Errors
 * (a failed handshake) are emitted on the returned socket as usual.
 */
export function acceptTlsSocket(raw: Duplex, decision: TlsServe, handlers: TlsAcceptHandlers): TLSSocket {
  const socket = new TLSSocket(raw, decision.socketOptions);
  socket.once('secure', () => {
    const refusal = checkClientCertificate(socket, decision);
    if (refusal !== null) {
      handlers.onRefused?.(socket, refusal);
      socket.destroy();
      return;
    }
    if (decision.acmeChallenge) {
      handlers.onRefused?.(socket, 'ACME TLS-ALPN-01 challenge answered');
      socket.destroy();
      return;
    }
    // tls.Server clears this when its connection is secure; a socket made by hand keeps it set,
    // and an HTTP/2 session handed such a socket waits for a 'secureConnect' that never comes.
    (socket as TLSSocket & { secureConnecting: boolean }).secureConnecting = false;
    handlers.onSecure(socket);
  });
  return socket;
}

/** Applies the policy; returns why the connection must close, or null. */
function checkClientCertificate(socket: TLSSocket, decision: TlsServe): string | null {
  if (!decision.requestCert) return null;
  const handle = (socket as unknown as { _handle?: VerifyingHandle })._handle;
  const verifyError = handle?.verifyError?.() ?? null;
  const presented = Object.keys(socket.getPeerCertificate()).length > 0;
  // node's server sets a code string here (its typings say Error).
  const reason = verifyError === null ? null : (verifyError as NodeJS.ErrnoException).code ?? verifyError.message;
  if (presented && verifyError === null) socket.authorized = true;
  else if (reason !== null) (socket as unknown as { authorizationError: string }).authorizationError = reason;
  switch (decision.clientAuth) {
    case 'NoClientCert':
    case 'RequestClientCert':
      return null;
    case 'RequireAnyClientCert':
      return presented ? null : 'no client certificate';
    case 'VerifyClientCertIfGiven':
      return presented && verifyError !== null ? `client certificate not verified: ${reason}` : null;
    case 'RequireAndVerifyClientCert':
      if (!presented) return 'no client certificate';
      return verifyError !== null ? `client certificate not verified: ${reason}` : null;
    default:
      return decision.clientAuth satisfies never;
  }
}
