/**
 * Where ACME accounts and certificates are kept between runs: the `AcmeStore` seam, and the
 * records it holds. The records carry exactly what Traefik's acme.json holds per resolver
 * [Traefik pkg/provider/acme/store.go, account.go, provider.go CertAndStore], so a store can
 * read and write Traefik's format and certificates carry over in both directions.
 *
 * Implementations: `createFileAcmeStore` (Traefik's acme.json). A Kubernetes Secret store can
 * implement the same interface; replicas sharing one store share certificates, because the
 * manager loads the resolver's records again before ordering and adopts a certificate another
 * replica already saved.
 */

/** An ACME account: Traefik's `Account`. */
export interface AcmeAccountRecord {
  readonly email: string;
  /** The account's private key, DER. Traefik stores RSA PKCS#1; Switchyard writes the same. */
  readonly privateKeyDer: Buffer;
  /** Traefik's `KeyType` as written by lego (`4096`, `P256`, …), kept as found. */
  readonly keyType: string;
  /** The registration; absent until the account is registered with the CA. */
  readonly registration?: {
    /** The account URL (the ACME `kid`). */
    readonly uri: string;
    /** The account object the CA returned (status, contact, orders, …). */
    readonly body: Readonly<Record<string, unknown>>;
  };
}

/** A certificate obtained for one domain set: Traefik's `CertAndStore`. */
export interface AcmeCertificateRecord {
  readonly domain: { readonly main: string; readonly sans: readonly string[] };
  /** PEM chain: the certificate followed by its issuers. */
  readonly certPem: string;
  /** PEM private key of the certificate. */
  readonly keyPem: string;
  /** The TLS store it belongs to (Traefik: always `default`). */
  readonly store: string;
}

/** What a store holds for one resolver. */
export interface AcmeResolverData {
  readonly account?: AcmeAccountRecord;
  readonly certificates: readonly AcmeCertificateRecord[];
}

/**
 * Persistent storage of one or more resolvers' ACME data.
 *
 * Contract:
 *  - `load` returns what is stored now for the resolver (empty when nothing is), reading the
 *    backing storage again each time, so changes by another process or replica are seen;
 *    it rejects when the storage exists but cannot be read or parsed;
 *  - `saveAccount` / `saveCertificates` replace that part of the resolver's data and leave
 *    other resolvers' data as stored; they resolve once the data is durable;
 *  - calls may overlap; an implementation applies them in call order.
 */
export interface AcmeStore {
  load(resolver: string): Promise<AcmeResolverData>;
  saveAccount(resolver: string, account: AcmeAccountRecord): Promise<void>;
  saveCertificates(resolver: string, certificates: readonly AcmeCertificateRecord[]): Promise<void>;
}

/** The storage under a store: the whole acme.json content, read and replaced. */
export interface AcmeStorage {
  /** Everything stored now (an empty map when nothing is). */
  read(): Promise<ReadonlyMap<string, AcmeResolverData>>;
  /**
   * Replaces the stored content by `change(current)`, reading the current content itself (and
   * reading again when a concurrent writer got in between, where the storage can tell).
   */
  update(change: (current: ReadonlyMap<string, AcmeResolverData>) => ReadonlyMap<string, AcmeResolverData>): Promise<void>;
}

/**
 * An AcmeStore over a storage: saves of this process are applied one after another in call
 * order, each replacing only its resolver's part, and a load waits for the saves before it.
 */
export function createSerialAcmeStore(storage: AcmeStorage): AcmeStore {
  let queue: Promise<void> = Promise.resolve();
  const save = (resolver: string, change: (data: AcmeResolverData) => AcmeResolverData): Promise<void> => {
    const next = queue.then(() => storage.update((current) => {
      const all = new Map(current);
      all.set(resolver, change(current.get(resolver) ?? { certificates: [] }));
      return all;
    }));
    // The queue goes on after a failed save; the caller sees the failure.
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    async load(resolver) {
      await queue;
      return (await storage.read()).get(resolver) ?? { certificates: [] };
    },
    saveAccount: (resolver, account) => save(resolver, (data) => ({ ...data, account })),
    saveCertificates: (resolver, certificates) => save(resolver, (data) => ({ ...data, certificates: [...certificates] })),
  };
}
