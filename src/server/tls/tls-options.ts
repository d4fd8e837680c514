/**
 * Compiles one `tls.options.<name>` entry into node:tls settings: the secure context settings
 * (versions, cipher list, curves, client CAs, session tickets) and the per-connection ones
 * (client certificate policy, ALPN protocols, strict SNI).
 *
 * Follows Traefik (pkg/tls/tlsmanager.go buildTLSConfig): options that cannot be built (an
 * unknown cipher suite or curve name, an unreadable or empty CA file, a client auth type that
 * verifies without CA files) are unusable as a whole, and the connections that would use them
 * are refused (Traefik's "broken TLS options" closing route); they never fall back to weaker
 * settings. `caFiles` without `clientAuthType` means RequireAndVerifyClientCert, as in Traefik.
 *
 * Mapped onto node:
 *  - minVersion/maxVersion → minVersion/maxVersion (`TLSv1`…`TLSv1.3`); an empty range is an error.
 *  - cipherSuites → the OpenSSL cipher list for TLS 1.0–1.2, TLS 1.3 suites always all on (Go
 *    does not configure them; their names are accepted and ignored). Absent → Go's defaults.
 *    Known suites this OpenSSL lacks (RC4, 3DES) are left out with a warning: stricter, not weaker.
 *  - curvePreferences → ecdhCurve; absent → OpenSSL's default groups.
 *  - clientAuth → ca + the policy the connection enforces (see client-certificate.ts).
 *  - disableSessionTickets → SSL_OP_NO_TICKET.
 *  - minVersion below TLS 1.2 → `@SECLEVEL=0` in the cipher list (OpenSSL 3 refuses TLS 1.0/1.1
 *    otherwise), with a warning saying what else that relaxes.
 *  - preferServerCipherSuites → a warning, as in Traefik (deprecated, no effect); the server's
 *    order is always used (honorCipherOrder), which is what Go does.
 */
import { constants, createHash, X509Certificate } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';
import type { Diagnostic } from '../../config/diagnostics.ts';
import type { TlsOptionsConfig } from '../../config/tls.ts';
import { itemPath } from '../../pipeline/runtime-items.ts';
import { describeFileOrContent, readFileOrContent, type ReadTextFile } from './file-or-content.ts';
import { DEFAULT_TLS12_CIPHERS, mapCipherSuite, mapCurve, TLS13_CIPHERS, TLS_VERSIONS, type GoTlsVersion } from '../../lib/go-tls-names.ts';

/** Traefik's client auth types. */
export type ClientAuthType =
  | 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';

/** Options compiled for node:tls. */
export interface CompiledTlsOptions {
  /** Qualified options name (`default`, `mtls@file`). */
  readonly name: string;
  /** Secure context settings, everything but the certificate and its key. */
  readonly context: Readonly<SecureContextOptions>;
  /** The client certificate policy connections enforce. */
  readonly clientAuth: ClientAuthType;
  readonly alpnProtocols: readonly string[];
  readonly sniStrict: boolean;
  /** Identity of `context` (CA contents included), to share secure contexts across rebuilds. */
  readonly fingerprint: string;
}

/** The outcome: the options, or null when they are unusable (connections using them are refused). */
export interface TlsOptionsCompilation {
  readonly value: CompiledTlsOptions | null;
  readonly diagnostics: readonly Diagnostic[];
  /** CA files read (paths only), whether or not they could be read. */
  readonly files: readonly string[];
}

/** Compiles the options called `name` (qualified). */
export function compileTlsOptions(name: string, options: TlsOptionsConfig, readFile: ReadTextFile): TlsOptionsCompilation {
  const path = itemPath('tls.options', name);
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  let usable = true;
  const report = (severity: Diagnostic['severity'], code: string, field: string, message: string) => {
    diagnostics.push({ severity, code, resource: name, path: `${path}.${field}`, message });
    if (severity === 'error') usable = false;
  };

  const minVersion = TLS_VERSIONS[options.minVersion];
  const maxVersion = TLS_VERSIONS[options.maxVersion ?? 'VersionTLS13'];
  if (versionRank(options.minVersion) > versionRank(options.maxVersion ?? 'VersionTLS13')) {
    report('error', 'TLS_OPTIONS_VERSION_RANGE_EMPTY', 'maxVersion', `maxVersion ${options.maxVersion} is below minVersion ${options.minVersion}: no version is left`);
  }

  const tls12: string[] = [];
  const listed = options.cipherSuites ?? [];
  listed.forEach((suite, i) => {
    const mapping = mapCipherSuite(suite);
    switch (mapping.kind) {
      case 'tls12':
        if (!tls12.includes(mapping.openssl)) tls12.push(mapping.openssl);
        break;
      case 'ignored':
        break;
      case 'unavailable':
        report('warning', 'TLS_OPTIONS_CIPHER_SUITE_UNAVAILABLE', `cipherSuites[${i}]`, `cipher suite ${suite} (${mapping.openssl}) is not available in this OpenSSL build; it is left out`);
        break;
      case 'unknown':
        report('error', 'TLS_OPTIONS_CIPHER_SUITE_UNKNOWN', `cipherSuites[${i}]`, `invalid CipherSuite: ${suite}`);
        break;
      default:
        mapping satisfies never;
    }
  });
  const below13 = versionRank(options.maxVersion ?? 'VersionTLS13') < versionRank('VersionTLS13');
  if (listed.length > 0 && tls12.length === 0) {
    if (below13) report('error', 'TLS_OPTIONS_NO_CIPHER_SUITE', 'cipherSuites', 'no TLS 1.0–1.2 cipher suite is left and maxVersion is below TLS 1.3: no handshake could succeed');
    else report('warning', 'TLS_OPTIONS_NO_CIPHER_SUITE', 'cipherSuites', 'no TLS 1.0–1.2 cipher suite is left: only TLS 1.3 clients can connect');
  }
  // OpenSSL 3 negotiates TLS 1.0/1.1 only at security level 0; Go serves them when asked to.
  const legacy = versionRank(options.minVersion) < versionRank('VersionTLS12');
  if (legacy) {
    report('warning', 'TLS_OPTIONS_LEGACY_VERSION', 'minVersion', `${options.minVersion} needs OpenSSL security level 0, which also lifts its minimum key sizes and digest restrictions for these options`);
  }
  const ciphers = [...TLS13_CIPHERS, ...(listed.length === 0 ? DEFAULT_TLS12_CIPHERS : tls12), ...(legacy ? ['@SECLEVEL=0'] : [])].join(':');

  const curves: string[] = [];
  (options.curvePreferences ?? []).forEach((curve, i) => {
    const group = mapCurve(curve);
    if (group === undefined) report('error', 'TLS_OPTIONS_CURVE_UNKNOWN', `curvePreferences[${i}]`, `invalid CurveID in curvePreferences: ${curve}`);
    else if (!curves.includes(group)) curves.push(group);
  });

  const caFiles = options.clientAuth?.caFiles ?? [];
  const ca: string[] = [];
  caFiles.forEach((caFile, i) => {
    const read = readFileOrContent(caFile, readFile);
    if (!read.ok) {
      files.push(read.path);
      report('error', 'TLS_OPTIONS_CA_UNREADABLE', `clientAuth.caFiles[${i}]`, `cannot read CA file ${read.path}: ${read.error}`);
      return;
    }
    if (read.path !== null) files.push(read.path);
    if (!containsCertificate(read.content)) {
      report('error', 'TLS_OPTIONS_CA_INVALID', `clientAuth.caFiles[${i}]`, `invalid certificate(s) in ${describeFileOrContent(caFile)}`);
      return;
    }
    ca.push(read.content);
  });
  // `clientAuthType` may be absent: then CA files mean RequireAndVerifyClientCert (Traefik).
  const configuredType = (options.clientAuth as { readonly clientAuthType?: ClientAuthType } | undefined)?.clientAuthType;
  const clientAuth: ClientAuthType = configuredType ?? (caFiles.length > 0 ? 'RequireAndVerifyClientCert' : 'NoClientCert');
  if ((clientAuth === 'VerifyClientCertIfGiven' || clientAuth === 'RequireAndVerifyClientCert') && caFiles.length === 0) {
    report('error', 'TLS_OPTIONS_CLIENT_AUTH_NEEDS_CA', 'clientAuth.clientAuthType', `invalid clientAuthType: ${clientAuth}, CAFiles is required`);
  }

  if (options.preferServerCipherSuites !== undefined) {
    report('warning', 'TLS_OPTIONS_DEPRECATED_FIELD', 'preferServerCipherSuites', 'preferServerCipherSuites is deprecated and has no effect; the server\'s order is always used');
  }

  const context: SecureContextOptions = {
    minVersion,
    maxVersion,
    ciphers,
    honorCipherOrder: true,
    ...(curves.length > 0 ? { ecdhCurve: curves.join(':') } : {}),
    ...(ca.length > 0 ? { ca } : {}),
    ...(options.disableSessionTickets ? { secureOptions: constants.SSL_OP_NO_TICKET } : {}),
  };
  const fingerprint = createHash('sha256').update(JSON.stringify(context)).digest('hex');
  // A session resumed with a client certificate needs a session id context (tls.Server sets one).
  const withSession: SecureContextOptions = { ...context, sessionIdContext: fingerprint.slice(0, 32) };
  const value: CompiledTlsOptions | null = usable
    ? { name, context: withSession, clientAuth, alpnProtocols: options.alpnProtocols, sniStrict: options.sniStrict, fingerprint }
    : null;
  return { value, diagnostics, files };
}

function versionRank(version: GoTlsVersion): number {
  return Object.keys(TLS_VERSIONS).indexOf(version);
}

/** True when the PEM text holds at least one certificate that parses (Go's AppendCertsFromPEM). */
function containsCertificate(text: string): boolean {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.some((block) => {
    try {
      new X509Certificate(block);
      return true;
    } catch {
      return false;
    }
  });
}
