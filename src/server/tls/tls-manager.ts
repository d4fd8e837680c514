/**
 * The TLS manager: built once per configuration, it answers, for each TLS connection, which
 * certificate and which TLS options terminate it, as a ready node:tls decision.
 *
 * Follows Traefik (pkg/tls/tlsmanager.go Get, pkg/server/router/tcp/manager.go):
 *  - the options of an HTTPS connection are those its server name maps to on its entry point
 *    (options-by-host.ts: `default` when no router names it, or when routers disagree);
 *    a TCP router's connections use that router's own options (`forOptions`);
 *  - the certificate is the default store's best match for the server name (exact, then one-label
 *    wildcard; with no server name, the connection's local IP address), else — unless `sniStrict`
 *    refuses the handshake — the default certificate;
 *  - a ClientHello offering `acme-tls/1` is answered from the `acme-tls/1` store only, with the
 *    default options, and refused when that store has no certificate for the name;
 *  - options that cannot be built refuse the handshakes that would use them.
 *
 * Secure contexts are made once per (options, certificate) pair on first use and shared with the
 * next manager when both are unchanged (same options settings and CA contents, same PEM texts),
 * so session tickets keep working across reloads; nothing is built per connection.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext, type TLSSocketOptions } from 'node:tls';
import type { Diagnostic } from '../../config/diagnostics.ts';
import { tlsOptionsSchema, type TlsConfig } from '../../config/tls.ts';
import { itemPath } from '../../pipeline/runtime-items.ts';
import { canonicalIp, type ServedCertificate } from './certificate-key-pair.ts';
import type { ReadTextFile } from './file-or-content.ts';
import type { GeneratedCertificateSource } from './generated-certificate.ts';
import { loadCertificates, type ExtraCertificate } from './load-certificates.ts';
import { mapOptionsByHost, type HostOptions, type TlsHttpRouter } from './options-by-host.ts';
import { compileTlsOptions, type ClientAuthType, type CompiledTlsOptions } from './tls-options.ts';

export type { ExtraCertificate } from './load-certificates.ts';
export { tlsHttpRouters, type TlsHttpRouter } from './options-by-host.ts';

/** What a manager is built from. */
export interface TlsManagerInput {
  /** RuntimeConfig.tls: certificates, options (qualified names), stores. */
  readonly tls: TlsConfig;
  /** The enabled HTTP routers that have `tls`. */
  readonly httpRouters: readonly TlsHttpRouter[];
  /** Certificates obtained by ACME (`stores: ['acme-tls/1']` for challenge certificates). */
  readonly extraCertificates?: readonly ExtraCertificate[];
  /** Reads certificate, key and CA files; readFileSync(utf8) by default. */
  readonly readFile?: ReadTextFile;
  /** The generated default certificate; one source per process, shared by every manager. */
  readonly generatedCertificate: GeneratedCertificateSource;
  /** The manager this one replaces: its secure contexts are reused where nothing changed. */
  readonly previous?: TlsManager;
}

/** ClientHello facts beyond the server name. */
export interface ClientHelloFacts {
  /** ALPN protocols offered. */
  readonly alpn?: readonly string[];
  /** The connection's local address: matched against IP certificates when there is no SNI. */
  readonly localAddress?: string;
}

/** Terminate the connection with these settings. */
export interface TlsServe {
  readonly refusal: null;
  /** The options used (qualified name). */
  readonly optionsName: string;
  readonly secureContext: SecureContext;
  readonly requestCert: boolean;
  /** Makes OpenSSL refuse a handshake without a client certificate. */
  readonly rejectUnauthorized: boolean;
  /** The client certificate policy; acceptTlsSocket enforces it after the handshake. */
  readonly clientAuth: ClientAuthType;
  readonly alpnProtocols: readonly string[];
  /** The certificate served. */
  readonly certificate: ServedCertificate;
  /** An ACME TLS-ALPN-01 challenge: close the connection once the handshake is done. */
  readonly acmeChallenge: boolean;
  /** Options for `new tls.TLSSocket(socket, …)` (shared: do not modify). */
  readonly socketOptions: TLSSocketOptions;
}

/** Refuse the handshake (close the connection without a ServerHello). */
export interface TlsRefusal {
  /** `sniStrict`: no certificate for the name; `optionsUnusable`: the options could not be built; `noChallengeCertificate`: no ACME challenge certificate for the name. */
  readonly refusal: 'sniStrict' | 'optionsUnusable' | 'noChallengeCertificate';
  readonly optionsName: string;
  readonly message: string;
}

export type TlsDecision = TlsServe | TlsRefusal;

/** The TLS view of one entry point. */
export interface EntryPointTls {
  /** The decision for a ClientHello with this server name (SNI; '' when absent). */
  forServerName(serverName: string, hello?: ClientHelloFacts): TlsDecision;
  /** The options name a request Host (without port) maps to on this entry point. */
  optionsForHost(host: string): string;
  /**
   * Traefik's domain fronting check: true when a request whose Host differs from the
   * connection's server name maps to other TLS options; answer 421 Misdirected Request.
   */
  isMisdirected(host: string, serverName: string): boolean;
  /** True when an HTTPS router here names `serverName` (exactly or by wildcard). */
  namesHost(serverName: string): boolean;
}

export interface TlsManager {
  entryPoint(name: string): EntryPointTls;
  /** The decision for a TCP router's connection: its own options (qualified name). */
  forOptions(optionsName: string, serverName: string, hello?: ClientHelloFacts): TlsDecision;
  /** Unusable certificates and options, conflicts between routers' options, ignored stores. */
  readonly diagnostics: readonly Diagnostic[];
  /** Certificate, key and CA files read (paths, not inline content): rebuild when one changes. */
  watchedFiles(): string[];
  /** The certificates of the default store, and the default certificate. */
  certificates(): { readonly store: readonly ServedCertificate[]; readonly default: ServedCertificate };
}

const ACME_TLS_ALPN = 'acme-tls/1';
const contextCaches = new WeakMap<TlsManager, Map<string, SecureContext>>();

/** Builds the manager of one configuration. Never throws on configuration mistakes. */
export function createTlsManager(input: TlsManagerInput): TlsManager {
  const readFile = input.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const certificates = loadCertificates({
    tls: input.tls, extraCertificates: input.extraCertificates ?? [], readFile, generatedCertificate: input.generatedCertificate,
  });
  const diagnostics: Diagnostic[] = [...certificates.diagnostics];
  const files = new Set(certificates.files);

  const contexts = new Map<string, SecureContext>();
  const previousContexts = input.previous === undefined ? undefined : contextCaches.get(input.previous);
  const contextFor = (options: CompiledTlsOptions, certificate: ServedCertificate): SecureContext => {
    const key = `${options.fingerprint}|${certificate.id}`;
    let context = contexts.get(key) ?? previousContexts?.get(key);
    if (context === undefined) context = createSecureContext({ ...options.context, cert: certificate.certPem, key: certificate.keyPem });
    contexts.set(key, context);
    return context;
  };

  const options = new Map<string, CompiledTlsOptions | null>();
  const configured = Object.entries(input.tls.options);
  if (input.tls.options['default'] === undefined) configured.push(['default', tlsOptionsSchema.parse({})]);
  for (const [name, config] of configured) {
    const compiled = compileTlsOptions(name, config, readFile);
    diagnostics.push(...compiled.diagnostics);
    for (const file of compiled.files) files.add(file);
    let value = compiled.value;
    if (value !== null) {
      try {
        // Build one context now, so that OpenSSL's own objections surface as diagnostics.
        contextFor(value, certificates.defaultCertificate);
      } catch (error) {
        diagnostics.push({
          severity: 'error', code: 'TLS_OPTIONS_REJECTED', resource: name, path: itemPath('tls.options', name),
          message: `OpenSSL refuses these options: ${error instanceof Error ? error.message : String(error)}`,
        });
        value = null;
      }
    }
    options.set(name, value);
  }

  const hostOptions = mapOptionsByHost(input.httpRouters);
  diagnostics.push(...hostOptions.diagnostics);

  // Decisions are cached by object identity: answering a ClientHello allocates nothing once warm.
  const served = new Map<CompiledTlsOptions, Map<ServedCertificate, TlsServe>>();
  const challenges = new Map<ServedCertificate, TlsServe>();
  const refusals = new Map<string, Map<TlsRefusal['refusal'], TlsRefusal>>();
  const refuse = (refusal: TlsRefusal['refusal'], optionsName: string, message: string): TlsRefusal => {
    let byReason = refusals.get(optionsName);
    if (byReason === undefined) refusals.set(optionsName, byReason = new Map());
    let decision = byReason.get(refusal);
    if (decision === undefined) byReason.set(refusal, decision = { refusal, optionsName, message });
    return decision;
  };
  const makeServe = (compiled: CompiledTlsOptions, certificate: ServedCertificate, acmeChallenge: boolean): TlsServe => {
    const secureContext = contextFor(compiled, certificate);
    const clientAuth: ClientAuthType = acmeChallenge ? 'NoClientCert' : compiled.clientAuth;
    const requestCert = clientAuth !== 'NoClientCert';
    const rejectUnauthorized = clientAuth === 'RequireAndVerifyClientCert';
    const alpnProtocols = acmeChallenge ? [ACME_TLS_ALPN] : compiled.alpnProtocols;
    return {
      refusal: null, optionsName: compiled.name, secureContext, requestCert, rejectUnauthorized, clientAuth, alpnProtocols,
      certificate, acmeChallenge,
      socketOptions: { isServer: true, secureContext, requestCert, rejectUnauthorized, ALPNProtocols: [...alpnProtocols] },
    };
  };
  const serve = (compiled: CompiledTlsOptions, certificate: ServedCertificate): TlsDecision => {
    let byCertificate = served.get(compiled);
    if (byCertificate === undefined) served.set(compiled, byCertificate = new Map());
    let decision = byCertificate.get(certificate);
    if (decision === undefined) {
      try {
        decision = makeServe(compiled, certificate, false);
      } catch (error) {
        // OpenSSL may object to one certificate with these options (a key below its security level):
        // refuse those handshakes rather than throw on the connection path.
        return refuse('optionsUnusable', compiled.name, `OpenSSL refuses ${certificate.source} with the TLS options ${compiled.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
      byCertificate.set(certificate, decision);
    }
    return decision;
  };

  const decide = (optionsName: string, serverName: string, hello: ClientHelloFacts | undefined): TlsDecision => {
    const compiled = options.get(optionsName);
    if (compiled === undefined) return refuse('optionsUnusable', optionsName, `unknown TLS options: ${optionsName}`);
    if (compiled === null) return refuse('optionsUnusable', optionsName, `the TLS options ${optionsName} are unusable (see their diagnostics)`);
    const name = normalizeServerName(serverName, hello);
    const certificate = certificates.defaultStore.best(name);
    if (certificate !== undefined) return serve(compiled, certificate);
    if (compiled.sniStrict) return refuse('sniStrict', optionsName, 'strict SNI enabled: no certificate for the server name');
    return serve(compiled, certificates.defaultCertificate);
  };

  const challenge = (serverName: string, hello: ClientHelloFacts | undefined): TlsDecision => {
    const certificate = certificates.challengeStore.best(normalizeServerName(serverName, hello));
    if (certificate === undefined) return refuse('noChallengeCertificate', 'default', 'no ACME TLS-ALPN-01 certificate for the server name');
    const compiled = options.get('default');
    if (compiled === undefined || compiled === null) return refuse('optionsUnusable', 'default', 'the default TLS options are unusable');
    let decision = challenges.get(certificate);
    if (decision === undefined) {
      try {
        decision = makeServe(compiled, certificate, true);
      } catch (error) {
        return refuse('optionsUnusable', 'default', `OpenSSL refuses the challenge certificate: ${error instanceof Error ? error.message : String(error)}`);
      }
      challenges.set(certificate, decision);
    }
    return decision;
  };

  const entryPoints = new Map<string, EntryPointTls>();
  const entryPointTls = (map: HostOptions): EntryPointTls => ({
    forServerName(serverName, hello) {
      if (hello?.alpn?.includes(ACME_TLS_ALPN) === true) return challenge(serverName, hello);
      return decide(map.lookup(serverName), serverName, hello);
    },
    optionsForHost: (host) => map.lookup(stripPort(host)),
    isMisdirected(host, serverName) {
      const bare = stripPort(host);
      if (bare.toLowerCase() === serverName.trim().toLowerCase()) return false;
      return map.lookup(bare) !== map.lookup(serverName.trim());
    },
    namesHost: (serverName) => map.names(serverName),
  });

  const manager: TlsManager = {
    entryPoint(name) {
      let view = entryPoints.get(name);
      if (view === undefined) entryPoints.set(name, view = entryPointTls(hostOptions.forEntryPoint(name)));
      return view;
    },
    forOptions: (optionsName, serverName, hello) => decide(optionsName, serverName, hello),
    diagnostics,
    watchedFiles: () => [...files],
    certificates: () => ({ store: certificates.defaultStore.certificates, default: certificates.defaultCertificate }),
  };
  contextCaches.set(manager, contexts);
  return manager;
}

/** Lower-cased, trimmed server name; with none, the local IP address (Traefik does the same). */
function normalizeServerName(serverName: string, hello: ClientHelloFacts | undefined): string {
  const name = serverName.trim().toLowerCase();
  if (name !== '' || hello?.localAddress === undefined) return name;
  return canonicalIp(hello.localAddress);
}

/** `host:port` → host; `[v6]:port` → v6; a bare IPv6 address is left whole. */
function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(1, end);
  }
  const colon = host.indexOf(':');
  return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.slice(0, colon) : host;
}
