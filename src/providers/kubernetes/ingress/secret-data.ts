/**
 * Reading Secret values: `data` holds base64 (what the API server sends); `stringData`, which
 * only exists in manifests, is read too so fixtures and hand-fed snapshots may use it.
 */
import type { KubeObject } from '../kube-objects.ts';
import { isRecord } from './ingress-model.ts';

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The keys of a Secret's data. */
export function secretKeys(secret: KubeObject): string[] {
  const plain = (secret as { stringData?: unknown }).stringData;
  const data: unknown = secret.data;
  return [...new Set([...(isRecord(data) ? Object.keys(data) : []), ...(isRecord(plain) ? Object.keys(plain) : [])])];
}

/** The decoded value of `key`; undefined when absent, null when it is not a base64 string. */
export function secretValue(secret: KubeObject, key: string): string | undefined | null {
  const plain = (secret as { stringData?: unknown }).stringData;
  if (isRecord(plain) && typeof plain[key] === 'string') return plain[key];
  const data: unknown = secret.data;
  const encoded = isRecord(data) ? data[key] : undefined;
  if (encoded === undefined || encoded === null) return undefined;
  if (typeof encoded !== 'string') return null;
  const compact = encoded.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !base64.test(compact)) return null;
  return Buffer.from(compact, 'base64').toString('utf8');
}
