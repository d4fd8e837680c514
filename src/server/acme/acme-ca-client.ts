/**
 * An acme-client `Client` for one resolver: the resolver's CA (`caServer`), trust for the CA's
 * HTTPS certificate (`caCertificates`, `caSystemCertPool`, `caServerName`, as lego reads them:
 * with CA files and no system pool, only those files are trusted), `clientTimeout` per request,
 * external account binding, and the polling pace of order and challenge status.
 *
 * acme-client sends every request through one module-wide axios instance; the trust and timeout
 * are given per client by wrapping the client's request function, so nothing is changed for
 * any other client and certificate verification is never turned off.
 * `clientResponseHeaderTimeout` has no axios equivalent and is not applied.
 */
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { Client } from 'acme-client';
import type { AcmeConfig } from '../../config/static-acme.ts';

/** How often acme-client polls an order or challenge while the CA works (real time). */
export interface AcmePolling {
  readonly minMs: number;
  readonly maxMs: number;
  readonly attempts: number;
}

/** acme-client's own defaults. */
export const defaultAcmePolling: AcmePolling = { minMs: 5_000, maxMs: 30_000, attempts: 10 };

/** How requests reach one resolver's CA. */
export interface CaConnection {
  readonly directoryUrl: string;
  /** undefined: Node's default agent and trust store. */
  readonly agent: Agent | undefined;
  readonly timeoutMs: number;
}

/** Reads the resolver's CA trust files; rejects naming the file that cannot be read. */
export async function caConnectionFor(acme: AcmeConfig): Promise<CaConnection> {
  const ca: string[] = [];
  for (const file of acme.caCertificates) {
    try {
      ca.push(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`caCertificates: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (ca.length > 0 && acme.caSystemCertPool) ca.push(...rootCertificates);
  const servername = acme.caServerName !== undefined && acme.caServerName !== '' ? acme.caServerName : undefined;
  const agent = ca.length > 0 || servername !== undefined
    ? new Agent({ keepAlive: true, ...(ca.length > 0 ? { ca } : {}), ...(servername === undefined ? {} : { servername }) })
    : undefined;
  return { directoryUrl: acme.caServer, agent, timeoutMs: acme.clientTimeout };
}

/** The part of acme-client's internal HTTP client the wrapper relies on. */
interface AcmeHttp {
  request(url: string, method: string, opts?: Record<string, unknown>): Promise<unknown>;
}

/** A client for one account at one CA. */
export function createCaClient(connection: CaConnection, options: {
  readonly accountKeyPem: string;
  readonly accountUrl?: string;
  readonly eab?: { readonly kid: string; readonly hmacEncoded: string };
  readonly polling: AcmePolling;
}): Client {
  const client = new Client({
    directoryUrl: connection.directoryUrl,
    accountKey: options.accountKeyPem,
    ...(options.accountUrl === undefined ? {} : { accountUrl: options.accountUrl }),
    ...(options.eab === undefined ? {} : { externalAccountBinding: { kid: options.eab.kid, hmacKey: options.eab.hmacEncoded } }),
    backoffMin: options.polling.minMs,
    backoffMax: options.polling.maxMs,
    backoffAttempts: options.polling.attempts,
  });
  const http = (client as unknown as { http?: AcmeHttp }).http;
  if (http === undefined || typeof http.request !== 'function') {
    throw new Error('acme-client no longer exposes its HTTP client; the CA trust settings cannot be applied');
  }
  const request = http.request.bind(http);
  http.request = (url, method, opts = {}) => request(url, method, {
    ...opts,
    timeout: connection.timeoutMs,
    ...(connection.agent === undefined ? {} : { httpsAgent: connection.agent }),
  });
  return client;
}
