/**
 * Traefik's acme.json, read and written [Traefik pkg/provider/acme/local_store.go, store.go,
 * account.go; lego registration.Resource, acme.Account, certcrypto.KeyType]:
 *
 *   { "<resolver>": {
 *       "Account": { "Email", "Registration": { "body": {...}, "uri" }, "PrivateKey", "KeyType" },
 *       "Certificates": [ { "domain": { "main", "sans" }, "certificate", "key", "Store" } ] } }
 *
 * `PrivateKey` is base64 of the account key's DER (RSA PKCS#1); `certificate` and `key` are
 * base64 of PEM text. Go's decoder matches field names case-insensitively and so does this
 * reader. As Traefik does on load, certificates with an empty certificate or key are dropped.
 * The writer produces Go's field order and two-space indentation.
 */
import type { AcmeAccountRecord, AcmeCertificateRecord, AcmeResolverData } from './acme-store.ts';

/** acme.json contents: resolver name → its data. */
export type AcmeJson = ReadonlyMap<string, AcmeResolverData>;

/** Thrown for a file that is not Traefik's acme.json; the message names the field. */
export class AcmeJsonError extends Error {
  override readonly name = 'AcmeJsonError';
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's encoding/json: an exact key first, then a case-insensitive one. */
function field(object: JsonObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function fail(path: string, message: string): never {
  throw new AcmeJsonError(`${path}: ${message}`);
}

function optionalString(object: JsonObject, name: string, path: string): string {
  const value = field(object, name);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') fail(`${path}.${name}`, 'expected a string');
  return value;
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/** Go's `[]byte` in JSON: standard base64 (line breaks ignored, as Go does). */
function bytes(object: JsonObject, name: string, path: string): Buffer {
  const value = field(object, name);
  if (value === undefined || value === null) return Buffer.alloc(0);
  if (typeof value !== 'string') fail(`${path}.${name}`, 'expected base64 text');
  const text = value.replace(/[\r\n]/g, '');
  if (!base64Pattern.test(text) || text.length % 4 !== 0) fail(`${path}.${name}`, 'expected base64 text');
  return Buffer.from(text, 'base64');
}

function readAccount(value: unknown, path: string): AcmeAccountRecord | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) fail(path, 'expected an object');
  const registration = field(value, 'Registration');
  let parsedRegistration: AcmeAccountRecord['registration'];
  if (registration !== undefined && registration !== null) {
    if (!isObject(registration)) fail(`${path}.Registration`, 'expected an object');
    const body = field(registration, 'body') ?? {};
    if (!isObject(body)) fail(`${path}.Registration.body`, 'expected an object');
    parsedRegistration = { uri: optionalString(registration, 'uri', `${path}.Registration`), body };
  }
  return {
    email: optionalString(value, 'Email', path),
    privateKeyDer: bytes(value, 'PrivateKey', path),
    keyType: optionalString(value, 'KeyType', path),
    ...(parsedRegistration === undefined ? {} : { registration: parsedRegistration }),
  };
}

function readCertificate(value: unknown, path: string): AcmeCertificateRecord | undefined {
  if (!isObject(value)) fail(path, 'expected an object');
  const domain = field(value, 'domain') ?? {};
  if (!isObject(domain)) fail(`${path}.domain`, 'expected an object');
  const sans = field(domain, 'sans') ?? [];
  if (!Array.isArray(sans) || sans.some((san) => typeof san !== 'string')) fail(`${path}.domain.sans`, 'expected a list of strings');
  const certPem = bytes(value, 'certificate', path).toString('utf8');
  const keyPem = bytes(value, 'key', path).toString('utf8');
  if (certPem === '' || keyPem === '') return undefined;
  return {
    domain: { main: optionalString(domain, 'main', `${path}.domain`), sans: sans as string[] },
    certPem,
    keyPem,
    store: optionalString(value, 'Store', path),
  };
}

function readResolver(value: unknown, path: string): AcmeResolverData {
  if (value === null) return { certificates: [] };
  if (!isObject(value)) fail(path, 'expected an object');
  const certificates = field(value, 'Certificates');
  if (certificates !== undefined && certificates !== null && !Array.isArray(certificates)) {
    fail(`${path}.Certificates`, 'expected a list');
  }
  const account = readAccount(field(value, 'Account'), `${path}.Account`);
  const list: AcmeCertificateRecord[] = [];
  (certificates ?? []).forEach((item: unknown, index: number) => {
    const certificate = readCertificate(item, `${path}.Certificates[${index}]`);
    if (certificate !== undefined) list.push(certificate);
  });
  return { ...(account === undefined ? {} : { account }), certificates: list };
}

/** Reads acme.json text; empty text is an empty file. Throws `AcmeJsonError` naming the field. */
export function parseAcmeJson(text: string): AcmeJson {
  const out = new Map<string, AcmeResolverData>();
  if (text.trim() === '') return out;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AcmeJsonError(`not JSON: ${(err as Error).message}`);
  }
  if (raw === null) return out;
  if (!isObject(raw)) fail('(top level)', 'expected an object of resolver names');
  for (const [name, value] of Object.entries(raw)) out.set(name, readResolver(value, name));
  return out;
}

function writeAccount(account: AcmeAccountRecord | undefined): unknown {
  if (account === undefined) return null;
  return {
    Email: account.email,
    Registration: account.registration === undefined ? null : { body: account.registration.body, uri: account.registration.uri },
    PrivateKey: account.privateKeyDer.toString('base64'),
    KeyType: account.keyType,
  };
}

function writeCertificate(certificate: AcmeCertificateRecord): unknown {
  const domain: JsonObject = {};
  if (certificate.domain.main !== '') domain['main'] = certificate.domain.main;
  if (certificate.domain.sans.length > 0) domain['sans'] = [...certificate.domain.sans];
  return {
    domain,
    certificate: Buffer.from(certificate.certPem, 'utf8').toString('base64'),
    key: Buffer.from(certificate.keyPem, 'utf8').toString('base64'),
    Store: certificate.store,
  };
}

/** Writes acme.json text: resolvers in sorted order (as Go sorts map keys), two-space indent. */
export function serializeAcmeJson(data: AcmeJson): string {
  const out: JsonObject = {};
  for (const name of [...data.keys()].sort()) {
    const resolver = data.get(name)!;
    out[name] = {
      Account: writeAccount(resolver.account),
      Certificates: resolver.certificates.length === 0 ? null : resolver.certificates.map(writeCertificate),
    };
  }
  return JSON.stringify(out, null, 2);
}
