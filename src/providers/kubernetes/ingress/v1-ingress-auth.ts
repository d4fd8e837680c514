/**
 * Traefik 1.x authentication annotations on an Ingress, as the 1.x `auth` section of a frontend:
 * `auth-type` basic | digest | forward; basic and digest read their users from the Secret named by
 * `auth-secret` (one data entry, one `user:hash` per line, as 1.x required), with `auth-realm`
 * (only `traefik`, the one realm 1.x allowed), `auth-remove-header`, `auth-header-field`; forward
 * uses `auth-url`, `auth-trust-headers`, `auth-response-headers` and, for TLS towards the auth
 * server, the Secret `auth-tls-secret` (tls.crt, tls.key) and `auth-tls-insecure`.
 * Any problem makes the whole Ingress invalid: serving its paths without the authentication
 * they ask for would expose them.
 */
import type { KubeSnapshot } from '../kube-objects.ts';
import { parseGoBool, type AnnotationReader } from './annotation-values.ts';
import { secretKeys, secretValue } from './secret-data.ts';
import type { V1Bridge } from './v1-bridge.ts';
import { v1Key } from './v1-bridge.ts';

/** The 1.x authentication options. */
export const v1AuthOptions = [
  'auth-type', 'auth-secret', 'auth-realm', 'auth-remove-header', 'auth-header-field', 'auth-url', 'auth-trust-headers',
  'auth-response-headers', 'auth-tls-secret', 'auth-tls-insecure',
] as const;

/** The 1.x `auth` section, undefined without `auth-type`, null when invalid (reported). */
export function v1AuthSection(reader: AnnotationReader, snapshot: KubeSnapshot, bridge: V1Bridge): Record<string, unknown> | undefined | null {
  const keys = new Map<string, string>();
  for (const option of v1AuthOptions) {
    const key = v1Key(reader.all, option);
    if (key !== undefined) keys.set(option, key);
  }
  const typeKey = keys.get('auth-type');
  if (typeKey === undefined) return undefined;
  const get = (option: string): string | undefined => (keys.has(option) ? reader.string(keys.get(option)!) : undefined);
  const flag = (option: string): boolean | undefined | null => {
    const raw = get(option);
    if (raw === undefined) return undefined;
    const parsed = parseGoBool(raw);
    return parsed === undefined ? reader.invalid(keys.get(option)!, `expected true or false, got ${JSON.stringify(raw)}`) : parsed;
  };
  const namespace = reader.object.metadata.namespace ?? '';
  const type = get('auth-type')!.toLowerCase();
  const auth: Record<string, unknown> = {};
  const headerField = get('auth-header-field');
  if (headerField !== undefined && headerField !== '') auth['headerField'] = headerField;

  if (type === 'basic' || type === 'digest') {
    const realm = get('auth-realm');
    if (realm !== undefined && realm !== '' && realm !== 'traefik') {
      return reader.invalid(keys.get('auth-realm')!, `Traefik 1.x allowed no realm but "traefik", got ${JSON.stringify(realm)}`);
    }
    const secretName = get('auth-secret');
    if (secretName === undefined || secretName === '') return reader.invalid(typeKey, `auth-type ${type} needs auth-secret naming a Secret with the users`);
    const secret = snapshot.get('Secret', namespace, secretName);
    if (secret === undefined) return reader.invalid(keys.get('auth-secret')!, `Secret ${namespace}/${secretName} not found`);
    const entries = secretKeys(secret);
    if (entries.length !== 1) {
      return reader.invalid(keys.get('auth-secret')!, `Secret ${namespace}/${secretName} must have exactly one data entry (Traefik 1.x), it has ${entries.length}`);
    }
    const content = secretValue(secret, entries[0]!);
    if (content === null || content === undefined) return reader.invalid(keys.get('auth-secret')!, `Secret ${namespace}/${secretName} holds invalid base64`);
    const users = content.split(/\r?\n/).filter((line) => line !== '');
    if (users.length === 0) return reader.invalid(keys.get('auth-secret')!, `Secret ${namespace}/${secretName} holds no users`);
    const removeHeader = flag('auth-remove-header');
    if (removeHeader === null) return null;
    auth[type] = removeHeader === undefined ? { users } : { users, removeHeader };
    bridge.from(`auth.${type}`, keys.get('auth-secret')!);
    bridge.from('auth', typeKey);
    return auth;
  }
  if (type === 'forward') {
    const address = get('auth-url');
    if (address === undefined || address === '') return reader.invalid(typeKey, 'auth-type forward needs auth-url');
    const forward: Record<string, unknown> = { address };
    const trust = flag('auth-trust-headers');
    if (trust === null) return null;
    if (trust !== undefined) forward['trustForwardHeader'] = trust;
    if (keys.has('auth-response-headers')) forward['authResponseHeaders'] = reader.list(keys.get('auth-response-headers')!);
    const tlsSecret = get('auth-tls-secret');
    if (tlsSecret !== undefined && tlsSecret !== '') {
      const secret = snapshot.get('Secret', namespace, tlsSecret);
      if (secret === undefined) return reader.invalid(keys.get('auth-tls-secret')!, `Secret ${namespace}/${tlsSecret} not found`);
      const cert = secretValue(secret, 'tls.crt');
      const key = secretValue(secret, 'tls.key');
      if (typeof cert !== 'string' || cert === '' || typeof key !== 'string' || key === '') {
        return reader.invalid(keys.get('auth-tls-secret')!, `Secret ${namespace}/${tlsSecret} needs non-empty tls.crt and tls.key`);
      }
      const insecure = flag('auth-tls-insecure');
      if (insecure === null) return null;
      forward['tls'] = insecure === undefined ? { cert, key } : { cert, key, insecureSkipVerify: insecure };
    }
    auth['forward'] = forward;
    bridge.from('auth.forward', keys.get('auth-url')!);
    bridge.from('auth', typeKey);
    return auth;
  }
  return reader.invalid(typeKey, `expected basic, digest or forward, got ${JSON.stringify(get('auth-type'))}`);
}
