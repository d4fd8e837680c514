/**
 * From a servers transport as configured (`http.serversTransports.<name>`, or the static
 * `serversTransport` behind `default@internal`) to the TransportSettings pools are keyed by:
 * files read, certificates parsed, Go TLS names translated, durations clamped.
 *
 * Where Traefik logs a problem and carries on with a weaker transport (an unreadable rootCAs
 * file skipped, an unknown cipher replaced by the defaults, a bad certificate dropped), this
 * returns the problems instead, each naming its field, and the caller disables the transport
 * and the services using it (DESIGN.md: values Traefik replaces silently are refused).
 *
 * Differences from Traefik, on purpose:
 * - `spiffe` is refused: Switchyard has no SPIFFE Workload API client to fetch SVIDs from.
 *   (`rootCAs` + `certificates` + `peerCertURI` cover a static SPIFFE setup.)
 * - `peerCertSANs` is refused as not implemented yet.
 * - `minVersion` equal to `maxVersion` is allowed (Traefik falls back to its defaults then);
 *   only a minimum above the maximum is refused.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { HttpServersTransport } from '../config/http-servers-transports.ts';
import type { StaticServersTransportConfig } from '../config/static-transports.ts';
import { compareTlsVersions, goTlsVersionNames, nodeTlsVersion, openSslCiphers } from '../lib/go-tls-names.ts';
import type { ClientCertificate, TransportSettings } from './upstream-pools.ts';

/** One reason a servers transport cannot be used. `field` is relative to the transport (`rootCAs[0]`). */
export interface TransportProblem {
  readonly code: 'SERVERS_TRANSPORT_FILE_UNREADABLE' | 'SERVERS_TRANSPORT_INVALID_CERTIFICATE' | 'SERVERS_TRANSPORT_INVALID_VALUE'
    | 'SERVERS_TRANSPORT_SPIFFE_UNSUPPORTED' | 'SERVERS_TRANSPORT_NOT_IMPLEMENTED';
  readonly field: string;
  readonly message: string;
}

export type TransportResolution =
  | { readonly ok: true; readonly settings: TransportSettings }
  | { readonly ok: false; readonly problems: readonly TransportProblem[] };

/** The fields both the dynamic and the static section may carry. */
type AnyServersTransport = HttpServersTransport | StaticServersTransportConfig;

const resolved = new WeakMap<object, { name: string; result: TransportResolution }>();

/**
 * Resolves a servers transport named `name` (qualified). Memoized per configuration object, so
 * the services of one build that share a transport read its files once; a reload parses a new
 * object and reads them again.
 */
export function resolveServersTransport(name: string, config: AnyServersTransport): TransportResolution {
  const hit = resolved.get(config);
  if (hit !== undefined && hit.name === name) return hit.result;
  const result = resolve(name, config);
  resolved.set(config, { name, result });
  return result;
}

function resolve(name: string, config: AnyServersTransport): TransportResolution {
  const problems: TransportProblem[] = [];
  const dyn = 'disableHTTP2' in config ? config : null;

  if (config.spiffe !== undefined) {
    problems.push({
      code: 'SERVERS_TRANSPORT_SPIFFE_UNSUPPORTED', field: 'spiffe',
      message: 'SPIFFE needs a Workload API to fetch certificates from, and Switchyard has no SPIFFE client; '
        + 'use rootCAs, certificates and peerCertURI with certificates you provision instead',
    });
  }
  if (dyn?.peerCertSANs !== undefined && dyn.peerCertSANs.length > 0) {
    problems.push({ code: 'SERVERS_TRANSPORT_NOT_IMPLEMENTED', field: 'peerCertSANs', message: 'peerCertSANs is not implemented yet in Switchyard; peerCertURI is' });
  }

  const rootCAs: string[] = [];
  (config.rootCAs ?? []).forEach((entry, i) => {
    const pem = readFileOrContent(entry, `rootCAs[${i}]`, problems);
    if (pem === null) return;
    const problem = certificatesProblem(pem);
    if (problem !== undefined) problems.push({ code: 'SERVERS_TRANSPORT_INVALID_CERTIFICATE', field: `rootCAs[${i}]`, message: problem });
    else rootCAs.push(pem);
  });

  const certificates: ClientCertificate[] = [];
  (dyn?.certificates ?? []).forEach((pair, i) => {
    const cert = readFileOrContent(pair.certFile, `certificates[${i}].certFile`, problems);
    const key = readFileOrContent(pair.keyFile, `certificates[${i}].keyFile`, problems);
    if (cert === null || key === null) return;
    const problem = certificatesProblem(cert);
    if (problem !== undefined) {
      problems.push({ code: 'SERVERS_TRANSPORT_INVALID_CERTIFICATE', field: `certificates[${i}].certFile`, message: problem });
      return;
    }
    try {
      createPrivateKey(key);
    } catch (err) {
      problems.push({ code: 'SERVERS_TRANSPORT_INVALID_CERTIFICATE', field: `certificates[${i}].keyFile`, message: `not a usable private key: ${(err as Error).message}` });
      return;
    }
    try {
      // OpenSSL checks that the key belongs to the certificate.
      createSecureContext({ cert, key });
    } catch (err) {
      problems.push({ code: 'SERVERS_TRANSPORT_INVALID_CERTIFICATE', field: `certificates[${i}]`, message: `the key does not match the certificate: ${(err as Error).message}` });
      return;
    }
    certificates.push({ cert, key });
  });

  let ciphers = '';
  if (dyn?.cipherSuites !== undefined) {
    const r = openSslCiphers(dyn.cipherSuites);
    if ('unknown' in r) {
      problems.push({ code: 'SERVERS_TRANSPORT_INVALID_VALUE', field: `cipherSuites[${r.unknown}]`, message: `unknown cipher suite ${JSON.stringify(dyn.cipherSuites[r.unknown])}` });
    } else {
      ciphers = r.ciphers;
    }
  }
  const minVersion = tlsVersion(dyn?.minVersion, 'minVersion', problems);
  const maxVersion = tlsVersion(dyn?.maxVersion, 'maxVersion', problems);
  if (minVersion !== undefined && maxVersion !== undefined && compareTlsVersions(minVersion, maxVersion) > 0) {
    problems.push({ code: 'SERVERS_TRANSPORT_INVALID_VALUE', field: 'maxVersion', message: `maxVersion ${dyn!.maxVersion!} is below minVersion ${dyn!.minVersion!}` });
  }

  if (problems.length > 0) return { ok: false, problems };

  const t = config.forwardingTimeouts;
  const settings: TransportSettings = {
    name,
    dialTimeoutMs: Math.max(0, t.dialTimeout),
    responseHeaderTimeoutMs: Math.max(0, t.responseHeaderTimeout),
    idleConnTimeoutMs: Math.max(0, t.idleConnTimeout),
    insecureSkipVerify: config.insecureSkipVerify,
    serverName: dyn?.serverName ?? '',
    rootCAs,
    certificates,
    // 0 in a dynamic transport means the default (Traefik).
    maxIdleConnsPerHost: config.maxIdleConnsPerHost === 0 ? 200 : config.maxIdleConnsPerHost,
    disableHTTP2: dyn?.disableHTTP2 ?? false,
    peerCertURI: dyn?.peerCertURI ?? '',
    ciphers,
    ...(minVersion !== undefined ? { minVersion } : {}),
    ...(maxVersion !== undefined ? { maxVersion } : {}),
    readIdleTimeoutMs: Math.max(0, t.readIdleTimeout),
    pingTimeoutMs: Math.max(0, t.pingTimeout),
  };
  return { ok: true, settings };
}

const unusable = new WeakMap<TransportSettings, readonly TransportProblem[]>();

/**
 * Stands for a transport that cannot be used, where a TransportSettings value is expected (the
 * static default is resolved once at start, before any service asks for it). Never hand it to
 * a pool: check `transportProblems` first.
 */
export function unusableTransport(name: string, problems: readonly TransportProblem[]): TransportSettings {
  const t: TransportSettings = { name, dialTimeoutMs: 0, responseHeaderTimeoutMs: 0, idleConnTimeoutMs: 0, insecureSkipVerify: false, serverName: '', rootCAs: [] };
  unusable.set(t, problems);
  return t;
}

/** The problems of a transport made by `unusableTransport`, else undefined. */
export function transportProblems(t: TransportSettings): readonly TransportProblem[] | undefined {
  return unusable.get(t);
}

/** `field: message; field: message`, each field prefixed with `prefix`. */
export function describeProblems(problems: readonly TransportProblem[], prefix: string): string {
  return problems.map((p) => `${prefix}${p.field}: ${p.message}`).join('; ');
}

/**
 * Traefik's FileOrContent: PEM text itself, or the path of a file holding it. A value with a
 * PEM header (`-----BEGIN`) is content, anything else a path (as src/server/tls reads them), so
 * a missing file is reported as one. Returns null (with a problem) when the file cannot be read.
 */
function readFileOrContent(value: string, field: string, problems: TransportProblem[]): string | null {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (err as Error).message;
    problems.push({ code: 'SERVERS_TRANSPORT_FILE_UNREADABLE', field, message: `cannot read ${JSON.stringify(value)}: ${why}` });
    return null;
  }
}

const pemCertificate = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Why a PEM text is not a list of certificates, or undefined when it is. */
function certificatesProblem(pem: string): string | undefined {
  const blocks = pem.match(pemCertificate);
  if (blocks === null) return 'contains no PEM certificate (-----BEGIN CERTIFICATE-----)';
  for (let i = 0; i < blocks.length; i++) {
    try {
      new X509Certificate(blocks[i]!);
    } catch (err) {
      return `certificate ${i + 1} of the PEM cannot be parsed: ${(err as Error).message}`;
    }
  }
  return undefined;
}

function tlsVersion(value: string | undefined, field: string, problems: TransportProblem[]): ReturnType<typeof nodeTlsVersion> {
  if (value === undefined || value === '') return undefined;
  const v = nodeTlsVersion(value);
  if (v === undefined) {
    problems.push({ code: 'SERVERS_TRANSPORT_INVALID_VALUE', field, message: `unknown TLS version ${JSON.stringify(value)}; expected one of ${goTlsVersionNames.join(', ')}` });
  }
  return v;
}
