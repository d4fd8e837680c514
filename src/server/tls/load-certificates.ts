/**
 * Reads the certificates of a configuration into certificate stores: `tls.certificates`, the
 * extra (ACME) certificates, and the default store's default certificate.
 *
 * Follows Traefik (pkg/tls/tlsmanager.go UpdateConfigs, getDefaultCertificate):
 *  - a certificate without `stores` goes to the `default` store; `acme-tls/1` is the store of
 *    TLS-ALPN-01 challenge certificates; any other store is never used (Traefik ignores every
 *    store but `default`): a warning says so;
 *  - a certificate that cannot be read or parsed, or whose key does not match, is skipped with
 *    an error naming its field; the others still serve;
 *  - the default certificate is `tls.stores.default.defaultCertificate`, else the certificate of
 *    the store covering `defaultGeneratedCert.domain` (an ACME one) when a resolver is named,
 *    else the generated one.
 *
 * Differs: a `defaultCertificate` that cannot be used falls back to the generated certificate
 * with an error (Traefik leaves the store without a default certificate).
 */
import type { Diagnostic } from '../../config/diagnostics.ts';
import type { TlsConfig } from '../../config/tls.ts';
import { itemPath } from '../../pipeline/runtime-items.ts';
import { parseKeyPair, type KeyPairResult, type ServedCertificate } from './certificate-key-pair.ts';
import { createCertificateStore, type CertificateStore } from './certificate-store.ts';
import { describeFileOrContent, readFileOrContent, type ReadTextFile } from './file-or-content.ts';
import type { GeneratedCertificateSource } from './generated-certificate.ts';

/** A certificate obtained elsewhere (ACME), served like a configured one. */
export interface ExtraCertificate {
  /** The domains it was obtained for (for messages; serving uses the certificate's own names). */
  readonly domains: readonly string[];
  readonly certPem: string;
  readonly keyPem: string;
  /** Stores it belongs to; `default` when absent (`acme-tls/1` for a challenge certificate). */
  readonly stores?: readonly string[];
}

export interface CertificateSources {
  readonly tls: TlsConfig;
  readonly extraCertificates: readonly ExtraCertificate[];
  readonly readFile: ReadTextFile;
  readonly generatedCertificate: GeneratedCertificateSource;
}

export interface LoadedCertificates {
  /** The `default` store: what SNI lookups search. */
  readonly defaultStore: CertificateStore;
  /** The `acme-tls/1` store: TLS-ALPN-01 challenge certificates. */
  readonly challengeStore: CertificateStore;
  /** Served when no certificate matches and SNI is not strict. */
  readonly defaultCertificate: ServedCertificate;
  readonly diagnostics: readonly Diagnostic[];
  /** Certificate and key files read (paths, not inline content), readable or not. */
  readonly files: readonly string[];
}

const DEFAULT_STORE = 'default';
const CHALLENGE_STORE = 'acme-tls/1';

/** Loads every certificate of `sources`. */
export function loadCertificates(sources: CertificateSources): LoadedCertificates {
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const inDefault: ServedCertificate[] = [];
  const inChallenge: ServedCertificate[] = [];

  const place = (certificate: ServedCertificate, stores: readonly string[] | undefined, warnIgnored: (store: string, index: number) => void) => {
    (stores === undefined || stores.length === 0 ? [DEFAULT_STORE] : stores).forEach((store, index) => {
      if (store === DEFAULT_STORE) inDefault.push(certificate);
      else if (store === CHALLENGE_STORE) inChallenge.push(certificate);
      else warnIgnored(store, index);
    });
  };

  sources.tls.certificates.forEach((entry, i) => {
    const path = `tls.certificates[${i}]`;
    const loaded = readPair(entry.certFile, entry.keyFile, path, sources.readFile, diagnostics, files);
    if (loaded === undefined) return;
    place(loaded, entry.stores, (store, index) => diagnostics.push({
      severity: 'warning', code: 'TLS_STORE_IGNORED', resource: path, path: `${path}.stores[${index}]`,
      message: `only the default TLS store is used: the certificate is not served from store ${store}`,
    }));
  });

  sources.extraCertificates.forEach((extra, i) => {
    const label = `acme certificate for ${extra.domains.join(', ')}`;
    const parsed = parseKeyPair(extra.certPem, extra.keyPem, label);
    if (!parsed.ok) {
      diagnostics.push({ severity: 'error', code: 'TLS_EXTRA_CERTIFICATE_INVALID', resource: label, path: `extraCertificates[${i}]`, message: parsed.message });
      return;
    }
    place(parsed.certificate, extra.stores, () => {});
  });

  for (const name of Object.keys(sources.tls.stores)) {
    if (name === DEFAULT_STORE) continue;
    diagnostics.push({
      severity: 'warning', code: 'TLS_STORE_IGNORED', resource: name, path: itemPath('tls.stores', name),
      message: `only the TLS store named default is used; store ${name} is ignored`,
    });
  }

  const defaultStore = createCertificateStore(inDefault);
  const defaultCertificate = chooseDefaultCertificate(sources, defaultStore, diagnostics, files);
  return { defaultStore, challengeStore: createCertificateStore(inChallenge), defaultCertificate, diagnostics, files };
}

function chooseDefaultCertificate(sources: CertificateSources, store: CertificateStore, diagnostics: Diagnostic[], files: string[]): ServedCertificate {
  const generated = (): ServedCertificate => {
    const { certPem, keyPem } = sources.generatedCertificate.get();
    const parsed = parseKeyPair(certPem, keyPem, 'generated');
    if (!parsed.ok) throw new Error(`the generated default certificate does not parse: ${parsed.message}`);
    return parsed.certificate;
  };
  const config = sources.tls.stores[DEFAULT_STORE];
  const path = 'tls.stores.default';
  if (config?.defaultCertificate !== undefined) {
    const { certFile, keyFile } = config.defaultCertificate;
    const loaded = readPair(certFile, keyFile, `${path}.defaultCertificate`, sources.readFile, diagnostics, files);
    return loaded ?? generated();
  }
  const wanted = config?.defaultGeneratedCert;
  if (wanted?.domain !== undefined && wanted.resolver !== undefined && wanted.resolver !== '') {
    const domains = [wanted.domain.main ?? '', ...(wanted.domain.sans ?? [])]
      .map((domain) => domain.trim().toLowerCase().replace(/\.+$/, ''))
      .filter((domain) => domain !== '');
    const found = domains.length > 0 ? store.covering(domains) : undefined;
    if (found !== undefined) return found;
    diagnostics.push({
      severity: 'warning', code: 'TLS_DEFAULT_GENERATED_CERT_NOT_FOUND', resource: DEFAULT_STORE, path: `${path}.defaultGeneratedCert`,
      message: domains.length === 0
        ? 'falling back to the internal generated certificate because invalid domains: no domain was given'
        : `unable to find certificate for domains "${domains.join(',')}": falling back to the internal generated certificate`,
    });
  }
  return generated();
}

/** Reads and parses one certificate/key pair written at `path`; undefined (with a diagnostic) when unusable. */
function readPair(certFile: string, keyFile: string, path: string, readFile: ReadTextFile, diagnostics: Diagnostic[], files: string[]): ServedCertificate | undefined {
  const resource = describeFileOrContent(certFile) === 'inline content' ? path : certFile;
  const fail = (code: string, field: 'certFile' | 'keyFile', message: string): undefined => {
    diagnostics.push({ severity: 'error', code, resource, path: `${path}.${field}`, message: `${message}; the certificate is not served` });
    return undefined;
  };
  const cert = readFileOrContent(certFile, readFile);
  if (cert.path !== null) files.push(cert.path);
  const key = readFileOrContent(keyFile, readFile);
  if (key.path !== null) files.push(key.path);
  if (!cert.ok) return fail('TLS_CERTIFICATE_UNREADABLE', 'certFile', `cannot read certificate file ${cert.path}: ${cert.error}`);
  if (!key.ok) return fail('TLS_KEY_UNREADABLE', 'keyFile', `cannot read key file ${key.path}: ${key.error}`);
  const parsed: KeyPairResult = parseKeyPair(cert.content, key.content, path);
  if (parsed.ok) return parsed.certificate;
  switch (parsed.problem) {
    case 'certificate':
      return fail('TLS_CERTIFICATE_INVALID', 'certFile', `${describeFileOrContent(certFile)} is ${parsed.message}`);
    case 'key':
      return fail('TLS_KEY_INVALID', 'keyFile', `${describeFileOrContent(keyFile)} is ${parsed.message}`);
    case 'mismatch':
      return fail('TLS_KEY_MISMATCH', 'keyFile', `${describeFileOrContent(keyFile)}: ${parsed.message} ${describeFileOrContent(certFile)}`);
    default:
      return parsed.problem satisfies never;
  }
}
