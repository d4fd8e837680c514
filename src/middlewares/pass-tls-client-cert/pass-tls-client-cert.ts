/**
 * `passTLSClientCert` [Traefik pkg/middlewares/passtlsclientcert]: passes the client's TLS
 * certificate chain to the server in `X-Forwarded-Tls-Client-Cert` (`pem`) and selected fields
 * in `X-Forwarded-Tls-Client-Cert-Info` (`info`), encoded by client-cert-headers.ts.
 *
 * Both headers are always removed from what the client sent first: only Switchyard may set
 * them (Traefik leaves a client-sent one in place when the connection has no client
 * certificate). The chain comes from the TLS connection (RequestHead.tls.peerCertificates),
 * present when the connection's TLS options ask clients for a certificate (clientAuth).
 */
import type { X509Certificate } from 'node:crypto';
import type { PassTLSClientCertMiddleware } from '../../config/http-middlewares-headers.ts';
import { deleteHeader, type Exchange, type Handler, type RequestHead } from '../../lib/exchange.ts';
import type { Middleware, MiddlewareContext, MiddlewareFactory } from '../middleware.ts';
import { clientCertHeader, clientCertInfoHeader, encodeClientCertInfo, encodeClientCertPem } from './client-cert-headers.ts';

/** Where the chain of the client certificate comes from (leaf first; empty without one). */
export type PeerCertificates = (request: RequestHead) => readonly X509Certificate[];

/** The chain the client presented on this request's TLS connection. */
const connectionPeerCertificates: PeerCertificates = (request) => request.tls?.peerCertificates ?? [];

/** Creates the middleware with a source of peer certificates (tests give certificates). */
export function createPassTlsClientCertWith(peerCertificates: PeerCertificates): MiddlewareFactory<PassTLSClientCertMiddleware> {
  return (config: PassTLSClientCertMiddleware, _context: MiddlewareContext): Middleware => {
    const pem = config.pem;
    const info = config.info;
    return (next: Handler): Handler => (exchange: Exchange) => {
      const headers = exchange.request.headers;
      deleteHeader(headers, 'x-forwarded-tls-client-cert');
      deleteHeader(headers, 'x-forwarded-tls-client-cert-info');
      if (exchange.request.tls !== undefined && (pem || info !== undefined)) {
        const certs = peerCertificates(exchange.request);
        if (certs.length > 0) {
          if (pem) headers.push(clientCertHeader, encodeClientCertPem(certs));
          if (info !== undefined) headers.push(clientCertInfoHeader, encodeClientCertInfo(certs, info));
        }
      }
      return next(exchange);
    };
  };
}

/** The passTLSClientCert factory the registry uses. */
export const createPassTlsClientCert = createPassTlsClientCertWith(connectionPeerCertificates);
