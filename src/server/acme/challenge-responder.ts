/**
 * The answers to ACME challenges while they are outstanding: HTTP-01 key authorizations by
 * token (served at `/.well-known/acme-challenge/<token>`, RFC 8555 §8.3) and TLS-ALPN-01
 * certificates by server name (served to ClientHellos offering `acme-tls/1`, RFC 8737). The
 * order flow puts an answer in before asking the CA to validate and takes it out afterwards.
 * Traefik keeps the same two maps [pkg/provider/acme/challenge_http.go, challenge_tls.go].
 */
import { createSecureContext, type SecureContext } from 'node:tls';

export interface ChallengeResponder {
  /** The key authorization for an outstanding HTTP-01 token. */
  http01Response(token: string): string | undefined;
  /** The acmeIdentifier certificate for an outstanding TLS-ALPN-01 name (case-insensitive). */
  tlsAlpn01Context(serverName: string): SecureContext | undefined;
  /** Publishes an HTTP-01 answer; the returned function withdraws it. */
  addHttp01(token: string, keyAuthorization: string): () => void;
  /** Publishes a TLS-ALPN-01 certificate for `serverName`; the returned function withdraws it. */
  addTlsAlpn01(serverName: string, certPem: string, keyPem: string): () => void;
}

/** An empty responder. */
export function createChallengeResponder(): ChallengeResponder {
  const http01 = new Map<string, string>();
  const tlsAlpn01 = new Map<string, SecureContext>();
  return {
    http01Response: (token) => http01.get(token),
    tlsAlpn01Context: (serverName) => tlsAlpn01.get(serverName.toLowerCase()),
    addHttp01(token, keyAuthorization) {
      http01.set(token, keyAuthorization);
      return () => {
        if (http01.get(token) === keyAuthorization) http01.delete(token);
      };
    },
    addTlsAlpn01(serverName, certPem, keyPem) {
      const name = serverName.toLowerCase();
      const context = createSecureContext({ cert: certPem, key: keyPem });
      tlsAlpn01.set(name, context);
      return () => {
        // Two orders for one name at once: only the later answer's withdrawal removes it.
        if (tlsAlpn01.get(name) === context) tlsAlpn01.delete(name);
      };
    },
  };
}
