/**
 * An `AcmeStore` in a Kubernetes Secret, so that every replica of Switchyard serves (and renews)
 * the same certificates: the Secret's `acme.json` key holds exactly Traefik's acme.json, so the
 * content can be copied to or from a file store unchanged.
 *
 * Selected with `certificatesResolvers.<name>.acme.storage: "kubernetes-secret://<namespace>/<name>"`.
 *
 * Each save reads the Secret, replaces only its resolver's part and writes it back with the
 * resourceVersion it read: when another replica wrote in between (409 Conflict), it reads again
 * and retries, so concurrent saves never lose each other's resolvers. A missing Secret is an
 * empty store and is created on the first save (a create that loses the race retries as an
 * update). Traefik's free edition has no shared storage; this is beyond it.
 */
import { statusOf, type KubeClient } from '../../providers/kubernetes/kube-client.ts';
import { parseAcmeJson, serializeAcmeJson, type AcmeJson } from './acme-json.ts';
import { createSerialAcmeStore, type AcmeStore } from './acme-store.ts';

/** The `storage` prefix that selects this store. */
export const secretStoragePrefix = 'kubernetes-secret://';

/** `kubernetes-secret://ns/name` → `{namespace, name}`, or null when `storage` is not one. */
export function parseSecretStorage(storage: string): { namespace: string; name: string } | null {
  if (!storage.startsWith(secretStoragePrefix)) return null;
  const rest = storage.slice(secretStoragePrefix.length);
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(rest);
  if (m === null) return null;
  return { namespace: m[1]!, name: m[3]! };
}

const dataKey = 'acme.json';
/** Conflicts in a row before a save gives up (each one means another replica just wrote). */
const maxConflicts = 10;

interface SecretBody {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly data?: Readonly<Record<string, string>>;
}

/** A store in the Secret `name` of `namespace`, through `client`. */
export function createSecretAcmeStore(client: KubeClient, namespace: string, name: string): AcmeStore {
  const path = `/api/v1/namespaces/${namespace}/secrets/${name}`;

  /** The stored data and the resourceVersion it was read at ('' when the Secret does not exist). */
  async function read(): Promise<{ data: AcmeJson; resourceVersion: string }> {
    let body: SecretBody;
    try {
      body = (await client.request({ method: 'GET', path })) as SecretBody;
    } catch (err) {
      if (statusOf(err) === 404) return { data: new Map(), resourceVersion: '' };
      throw err;
    }
    const encoded = body.data?.[dataKey];
    const text = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
    try {
      return { data: parseAcmeJson(text), resourceVersion: body.metadata?.resourceVersion ?? '' };
    } catch (err) {
      throw new Error(`the Secret ${namespace}/${name} does not hold a valid acme.json: ${(err as Error).message}`, { cause: err });
    }
  }

  async function write(data: AcmeJson, resourceVersion: string): Promise<void> {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name, namespace, ...(resourceVersion !== '' ? { resourceVersion } : {}), labels: { 'app.kubernetes.io/managed-by': 'switchyard' } },
      data: { [dataKey]: Buffer.from(serializeAcmeJson(data)).toString('base64') },
    };
    if (resourceVersion === '') await client.request({ method: 'POST', path: `/api/v1/namespaces/${namespace}/secrets`, body: secret });
    else await client.request({ method: 'PUT', path, body: secret });
  }

  return createSerialAcmeStore({
    read: async () => (await read()).data,
    async update(change) {
      for (let attempt = 0; ; attempt++) {
        const { data, resourceVersion } = await read();
        try {
          await write(change(data), resourceVersion);
          return;
        } catch (err) {
          // 409: another replica wrote (or created the Secret) since we read it; read again.
          if (statusOf(err) !== 409 || attempt + 1 >= maxConflicts) throw err;
        }
      }
    },
  });
}
