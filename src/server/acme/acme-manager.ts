/**
 * ACME certificates for the routers that ask for them (`tls.certResolver`), as Traefik's ACME
 * provider obtains and renews them [Traefik pkg/provider/acme/provider.go,
 * provider_acme_renewal.go], with acme-client speaking to the CA.
 *
 * What entry points and the TLS store use: `http01Response` and `tlsAlpn01Context` answer the
 * CA's validation requests; `certificates()` and `onChange` give the certificates to serve;
 * `ensure` asks for certificates (never blocking: orders run in the background).
 *
 * Like Traefik: stored certificates are served at once (expired ones too, until replaced);
 * names already covered by a served certificate (wildcards included) are not ordered again;
 * the account key is RSA 4096 and the account is registered again when `caServer` points at
 * another host; renewal follows Traefik's table (renewal-policy.ts), checked at start and
 * then every interval of `certificatesDuration`; renewal reuses the certificate's key (lego).
 * Differences: failed orders are retried with exponential backoff on the injected clock
 * (Traefik retries only when the configuration changes); before ordering, the resolver's
 * store is read again and a certificate another replica stored is adopted instead; a
 * certificate whose key does not match, or that cannot be read, is not served (it is
 * replaced); wildcards are refused (they need DNS-01, which Switchyard does not have).
 */
import type { Client } from 'acme-client';
import { createPrivateKey } from 'node:crypto';
import type { SecureContext } from 'node:tls';
import type { AcmeConfig } from '../../config/static-acme.ts';
import { usableChallenges } from '../../config/static-acme.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { Logger } from '../../observability/logger.ts';
import { caConnectionFor, createCaClient, defaultAcmePolling, type AcmePolling, type CaConnection } from './acme-ca-client.ts';
import {
  accountKeyFromDer, certificateFacts, generateAccountKeyDer, keyMatchesCertificate, legoKeyTypeNames, pkcs8Pem,
  type CertificateFacts,
} from './acme-crypto.ts';
import { obtainCertificate, type ChallengeType } from './acme-order.ts';
import type { AcmeAccountRecord, AcmeCertificateRecord, AcmeStore } from './acme-store.ts';
import { createChallengeResponder } from './challenge-responder.ts';
import {
  domainKey, domainNames, isWildcard, matchesName, normalizeDomain, type DomainRequest, type DomainSet,
} from './domains.ts';
import { createFileAcmeStore } from './file-acme-store.ts';
import { isRenewalDue, renewDurations } from './renewal-policy.ts';

export type { DomainRequest } from './domains.ts';

/** A certificate to serve. */
export interface AcmeCertificate {
  /** The DNS names it is valid for (wildcards included). */
  readonly domains: readonly string[];
  readonly certPem: string;
  readonly keyPem: string;
  readonly notAfter: Date;
  /** The resolver that obtained it. */
  readonly resolver: string;
}

export interface AcmeManagerOptions {
  /** Resolver name → `acme` section (see `acmeResolvers` in config/static-acme.ts). */
  readonly resolvers: ReadonlyMap<string, AcmeConfig>;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * The store for a resolver's `storage` value. Default: one acme.json file store per path,
   * shared by the resolvers naming the same file (as Traefik).
   */
  readonly storeFor?: (storage: string, resolver: string) => AcmeStore;
  /** Wall-clock time (epoch ms) for certificate validity. Default: the time at creation, moved on by `clock`. */
  readonly now?: () => number;
  /**
   * True when certificates from elsewhere (the TLS store's own) already cover every name:
   * Traefik orders nothing then. Default: only ACME certificates count.
   */
  readonly coveredElsewhere?: (names: readonly string[]) => boolean;
  /** Backoff of failed orders (default: 5 minutes, doubling, at most a day). */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  /** acme-client's polling of orders and challenges, in real time (default: acme-client's). */
  readonly polling?: AcmePolling;
}

export interface AcmeManager {
  /** The key authorization for `GET /.well-known/acme-challenge/<token>`, while outstanding. */
  http01Response(token: string): string | undefined;
  /** The TLS-ALPN-01 context for a ClientHello offering ALPN `acme-tls/1` to `serverName`. */
  tlsAlpn01Context(serverName: string): SecureContext | undefined;
  /**
   * Asks `resolver` for certificates covering each domain set; orders what is missing in the
   * background. Unknown resolvers, wildcards and resolvers without a usable challenge are
   * logged (once per domain set), never thrown.
   */
  ensure(resolver: string, domains: readonly DomainRequest[]): void;
  /** Every certificate to serve now. */
  certificates(): Iterable<AcmeCertificate>;
  /** Calls `listener` after the certificates changed; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Stops timers and waits for running orders to settle; nothing changes afterwards. */
  dispose(): Promise<void>;
}

interface Held {
  readonly record: AcmeCertificateRecord;
  /** undefined: unreadable, or the key does not match; not served. */
  readonly facts: CertificateFacts | undefined;
}

interface Resolver {
  readonly name: string;
  readonly config: AcmeConfig;
  readonly store: AcmeStore;
  readonly challenges: readonly ChallengeType[];
  /** Why this resolver cannot order (storage or CA trust unreadable). */
  problem?: string;
  connection?: CaConnection;
  account?: AcmeAccountRecord;
  client?: Promise<Client> | undefined;
  readonly held: Map<string, Held>;
  checkTimer?: TimerHandle;
}

interface Task {
  readonly resolver: Resolver;
  readonly domain: DomainSet;
  /** The domain set's key in `resolver.held`. */
  readonly key: string;
  /** The task's key in `tasks` (resolver and domain set). */
  readonly id: string;
  failures: number;
  running?: Promise<void> | undefined;
  retryTimer?: TimerHandle;
}

const defaultRetry = { initialMs: 5 * 60_000, maxMs: 24 * 3_600_000 };

function hold(record: AcmeCertificateRecord): Held {
  const facts = certificateFacts(record.certPem);
  return { record, facts: facts !== undefined && keyMatchesCertificate(record.keyPem, record.certPem) ? facts : undefined };
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).hostname === new URL(b).hostname;
  } catch {
    return false;
  }
}

/** The fields of lego's `acme.Account` kept in acme.json's `Registration.body`. */
function accountBody(account: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of ['status', 'contact', 'termsOfServiceAgreed', 'orders']) {
    if (account[key] !== undefined) body[key] = account[key];
  }
  return body;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Loads every resolver's stored account and certificates, then starts renewal checks. */
export async function createAcmeManager(options: AcmeManagerOptions): Promise<AcmeManager> {
  const { clock, logger } = options;
  const anchor = Date.now() - clock.now();
  const now = options.now ?? (() => anchor + clock.now());
  const retry = options.retry ?? defaultRetry;
  const polling = options.polling ?? defaultAcmePolling;
  const responder = createChallengeResponder();
  const listeners = new Set<() => void>();
  const tasks = new Map<string, Task>();
  const reported = new Set<string>();
  const persisting = new Set<Promise<void>>();
  let disposed = false;

  const fileStores = new Map<string, AcmeStore>();
  const storeFor = options.storeFor ?? ((storage: string) => {
    let store = fileStores.get(storage);
    if (store === undefined) fileStores.set(storage, store = createFileAcmeStore(storage));
    return store;
  });

  const resolvers = new Map<string, Resolver>();
  for (const [name, config] of options.resolvers) {
    resolvers.set(name, { name, config, store: storeFor(config.storage, name), challenges: usableChallenges(config), held: new Map() });
  }

  function notify(): void {
    for (const listener of listeners) {
      try {
        listener();
      } catch (err) {
        logger.error({ error: message(err) }, 'ACME certificate listener failed');
      }
    }
  }

  function reportOnce(key: string, log: () => void): void {
    if (reported.has(key)) return;
    reported.add(key);
    log();
  }

  /** Merges stored certificates into memory (the later expiry wins); true when something changed. */
  function adopt(resolver: Resolver, records: readonly AcmeCertificateRecord[]): boolean {
    let changed = false;
    for (const record of records) {
      const key = domainKey({ main: record.domain.main, sans: record.domain.sans });
      const current = resolver.held.get(key);
      if (current?.record.certPem === record.certPem) continue;
      const candidate = hold(record);
      if (current?.facts !== undefined && (candidate.facts === undefined || candidate.facts.notAfter <= current.facts.notAfter)) continue;
      resolver.held.set(key, candidate);
      changed = true;
    }
    return changed;
  }

  async function refreshFromStore(resolver: Resolver): Promise<void> {
    const data = await resolver.store.load(resolver.name);
    if (!disposed && adopt(resolver, data.certificates)) notify();
  }

  async function makeClient(resolver: Resolver): Promise<Client> {
    const { config } = resolver;
    resolver.connection ??= await caConnectionFor(config);
    let account = resolver.account;
    if (account?.registration !== undefined && !sameHost(account.registration.uri, config.caServer)) {
      logger.info({ resolver: resolver.name }, 'the ACME account belongs to another CA server; registering a new account');
      account = undefined;
    }
    account ??= { email: config.email, privateKeyDer: await generateAccountKeyDer(), keyType: legoKeyTypeNames[config.keyType] };
    const client = createCaClient(resolver.connection, {
      accountKeyPem: pkcs8Pem(accountKeyFromDer(account.privateKeyDer)),
      ...(account.registration === undefined ? {} : { accountUrl: account.registration.uri }),
      ...(config.eab === undefined ? {} : { eab: config.eab }),
      polling,
    });
    if (account.registration === undefined) {
      const created = await client.createAccount({
        termsOfServiceAgreed: true,
        ...(config.email === '' ? {} : { contact: [`mailto:${config.email}`] }),
      });
      account = { ...account, registration: { uri: client.getAccountUrl(), body: accountBody(created as unknown as Record<string, unknown>) } };
      logger.info({ resolver: resolver.name }, 'registered an ACME account');
    }
    resolver.account = account;
    // Saved before any certificate, as Traefik does: no certificate without its account.
    await resolver.store.saveAccount(resolver.name, account);
    return client;
  }

  function clientFor(resolver: Resolver): Promise<Client> {
    if (resolver.client === undefined) {
      const pending = makeClient(resolver);
      resolver.client = pending;
      pending.catch(() => {
        if (resolver.client === pending) resolver.client = undefined;
      });
    }
    return resolver.client;
  }

  function delayBeforeValidation(config: AcmeConfig): (type: ChallengeType) => Promise<void> {
    return (type) => {
      const ms = type === 'http-01' ? config.httpChallenge?.delay ?? 0 : config.tlsChallenge?.delay ?? 0;
      return ms <= 0 ? Promise.resolve() : new Promise((resolve) => { clock.setTimeout(resolve, ms); });
    };
  }

  /** Orders the task's certificate unless a served one is still good; true when one was obtained. */
  async function attempt(task: Task): Promise<boolean> {
    const { resolver, domain } = task;
    const { config } = resolver;
    await refreshFromStore(resolver);
    const existing = resolver.held.get(task.key);
    if (disposed || (existing?.facts !== undefined && !isRenewalDue(existing.facts, now()))) return false;
    const client = await clientFor(resolver);
    if (disposed) return false;
    logger.info({ resolver: resolver.name, domains: domainNames(domain) },
      existing === undefined ? 'obtaining an ACME certificate' : 'renewing an ACME certificate');
    const obtained = await obtainCertificate(
      { client, responder, challenges: resolver.challenges, delayBeforeValidation: delayBeforeValidation(config) },
      {
        names: domainNames(domain),
        keyType: config.keyType,
        ...(existing?.facts === undefined ? {} : { key: createPrivateKey(existing.record.keyPem) }),
        disableCommonName: config.disableCommonName,
        ...(config.profile === undefined ? {} : { profile: config.profile }),
        ...(config.preferredChain === undefined || config.preferredChain === '' ? {} : { preferredChain: config.preferredChain }),
      });
    if (disposed) return false;
    const record: AcmeCertificateRecord = { domain, certPem: obtained.certPem, keyPem: obtained.keyPem, store: existing?.record.store ?? 'default' };
    resolver.held.set(task.key, hold(record));
    logger.info({ resolver: resolver.name, domains: domainNames(domain) }, 'obtained an ACME certificate');
    return true;
  }

  /** Saves the resolver's certificates, merged with what the store holds now. */
  function persist(resolver: Resolver): void {
    const saving = (async () => {
      try {
        await refreshFromStore(resolver);
        await resolver.store.saveCertificates(resolver.name, [...resolver.held.values()].map((h) => h.record));
      } catch (err) {
        logger.error({ resolver: resolver.name, storage: resolver.config.storage, error: message(err) }, 'unable to save ACME certificates');
      }
    })();
    persisting.add(saving);
    void saving.finally(() => persisting.delete(saving));
  }

  function run(task: Task): void {
    task.running = attempt(task).then((obtained) => {
      tasks.delete(task.id);
      if (!obtained || disposed) return;
      notify();
      persist(task.resolver);
    }, (err: unknown) => {
      if (disposed) return;
      task.failures += 1;
      const delay = Math.min(retry.initialMs * 2 ** (task.failures - 1), retry.maxMs);
      logger.error({
        resolver: task.resolver.name, domains: domainNames(task.domain), error: message(err), retryInMs: delay,
      }, 'unable to obtain an ACME certificate');
      task.retryTimer = clock.setTimeout(() => {
        task.retryTimer = undefined;
        if (!disposed) run(task);
      }, delay);
    }).finally(() => {
      task.running = undefined;
    });
  }

  function start(resolver: Resolver, domain: DomainSet): void {
    const id = `${resolver.name}\u0000${domainKey(domain)}`;
    if (tasks.has(id)) return;
    if (resolver.problem !== undefined) {
      reportOnce(`problem ${resolver.name}`, () => logger.error({ resolver: resolver.name, error: resolver.problem },
        'the certificate resolver cannot obtain certificates'));
      return;
    }
    if (resolver.challenges.length === 0) {
      reportOnce(`challenge ${resolver.name}`, () => logger.error({ resolver: resolver.name },
        'the certificate resolver has no usable challenge (httpChallenge or tlsChallenge); no certificate is obtained'));
      return;
    }
    const task: Task = { resolver, domain, key: domainKey(domain), id, failures: 0 };
    tasks.set(id, task);
    run(task);
  }

  function covered(names: readonly string[]): boolean {
    const served: string[] = [];
    for (const resolver of resolvers.values()) {
      for (const held of resolver.held.values()) if (held.facts !== undefined) served.push(...held.facts.names);
    }
    if (names.every((name) => served.some((certName) => matchesName(name, certName)))) return true;
    return options.coveredElsewhere?.(names) ?? false;
  }

  function checkRenewals(resolver: Resolver): void {
    for (const held of resolver.held.values()) {
      if (held.facts === undefined || isRenewalDue(held.facts, now())) {
        start(resolver, { main: held.record.domain.main, sans: held.record.domain.sans });
      }
    }
  }

  function scheduleChecks(resolver: Resolver): void {
    const { checkInterval } = renewDurations(resolver.config.certificatesDuration);
    resolver.checkTimer = clock.setTimeout(() => {
      if (disposed) return;
      checkRenewals(resolver);
      scheduleChecks(resolver);
    }, checkInterval);
  }

  for (const resolver of resolvers.values()) {
    try {
      const data = await resolver.store.load(resolver.name);
      if (data.account !== undefined) resolver.account = data.account;
      adopt(resolver, data.certificates);
      resolver.connection = await caConnectionFor(resolver.config);
    } catch (err) {
      resolver.problem = message(err);
      logger.error({ resolver: resolver.name, error: resolver.problem }, 'unable to initialize the certificate resolver');
    }
  }
  for (const resolver of resolvers.values()) {
    checkRenewals(resolver);
    scheduleChecks(resolver);
  }

  return {
    http01Response: (token) => responder.http01Response(token),
    tlsAlpn01Context: (serverName) => responder.tlsAlpn01Context(serverName),
    ensure(resolverName, domains) {
      if (disposed) return;
      const resolver = resolvers.get(resolverName);
      if (resolver === undefined) {
        reportOnce(`unknown ${resolverName}`, () => logger.error({ resolver: resolverName },
          'the certificate resolver does not exist (certificatesResolvers in the static configuration)'));
        return;
      }
      for (const request of domains) {
        const domain = normalizeDomain(request);
        if (domain === undefined) continue;
        const names = domainNames(domain);
        if (names.some(isWildcard)) {
          reportOnce(`wildcard ${resolverName} ${domainKey(domain)}`, () => logger.error({ resolver: resolverName, domains: names },
            'a wildcard certificate needs the DNS-01 challenge, which Switchyard does not support'));
          continue;
        }
        if (!covered(names)) start(resolver, domain);
      }
    },
    certificates() {
      const out: AcmeCertificate[] = [];
      for (const resolver of resolvers.values()) {
        for (const held of resolver.held.values()) {
          if (held.facts === undefined) continue;
          out.push({
            domains: held.facts.names, certPem: held.record.certPem, keyPem: held.record.keyPem,
            notAfter: new Date(held.facts.notAfter), resolver: resolver.name,
          });
        }
      }
      return out;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    async dispose() {
      disposed = true;
      listeners.clear();
      for (const resolver of resolvers.values()) {
        if (resolver.checkTimer !== undefined) clock.clearTimeout(resolver.checkTimer);
      }
      const running: Promise<void>[] = [];
      for (const task of tasks.values()) {
        if (task.retryTimer !== undefined) clock.clearTimeout(task.retryTimer);
        if (task.running !== undefined) running.push(task.running);
      }
      await Promise.allSettled(running);
      await Promise.allSettled([...persisting]);
      for (const resolver of resolvers.values()) resolver.connection?.agent?.destroy();
    },
  };
}
