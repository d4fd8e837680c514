import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AcmeJsonError, parseAcmeJson, serializeAcmeJson } from './acme-json.ts';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const certPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const keyPem = '-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n';
const accountKey = Buffer.from([0x30, 0x82, 0x01, 0x0a, 0xff]);

/** acme.json exactly as Traefik writes it (Go's json.MarshalIndent, two spaces). */
const traefikFile = `{
  "le": {
    "Account": {
      "Email": "ops@example.com",
      "Registration": {
        "body": {
          "status": "valid",
          "contact": [
            "mailto:ops@example.com"
          ]
        },
        "uri": "https://acme-v02.api.letsencrypt.org/acme/acct/123"
      },
      "PrivateKey": "${accountKey.toString('base64')}",
      "KeyType": "4096"
    },
    "Certificates": [
      {
        "domain": {
          "main": "example.com",
          "sans": [
            "www.example.com"
          ]
        },
        "certificate": "${b64(certPem)}",
        "key": "${b64(keyPem)}",
        "Store": "default"
      }
    ]
  },
  "staging": {
    "Account": null,
    "Certificates": null
  }
}`;

test('reads Traefik acme.json: account, registration, certificates decoded from base64', () => {
  const data = parseAcmeJson(traefikFile);
  assert.deepEqual([...data.keys()], ['le', 'staging']);
  const le = data.get('le')!;
  assert.equal(le.account?.email, 'ops@example.com');
  assert.equal(le.account?.keyType, '4096');
  assert.deepEqual(le.account?.privateKeyDer, accountKey);
  assert.deepEqual(le.account?.registration, {
    uri: 'https://acme-v02.api.letsencrypt.org/acme/acct/123',
    body: { status: 'valid', contact: ['mailto:ops@example.com'] },
  });
  assert.deepEqual(le.certificates, [
    { domain: { main: 'example.com', sans: ['www.example.com'] }, certPem, keyPem, store: 'default' },
  ]);
  assert.deepEqual(data.get('staging'), { certificates: [] });
});

test('writes what Traefik writes, byte for byte', () => {
  assert.equal(serializeAcmeJson(parseAcmeJson(traefikFile)), traefikFile);
});

test('field names match case-insensitively, as Go decodes them', () => {
  const data = parseAcmeJson(JSON.stringify({
    le: { account: { email: 'a@b.c', registration: { BODY: {}, URI: 'u' } }, certificates: [
      { Domain: { Main: 'a.example.com' }, Certificate: b64(certPem), KEY: b64(keyPem), store: 'default' },
    ] },
  }));
  const le = data.get('le')!;
  assert.equal(le.account?.email, 'a@b.c');
  assert.equal(le.account?.registration?.uri, 'u');
  assert.equal(le.certificates[0]?.domain.main, 'a.example.com');
  assert.deepEqual(le.certificates[0]?.domain.sans, []);
});

test('certificates without a certificate or a key are dropped, as Traefik does on load', () => {
  const data = parseAcmeJson(JSON.stringify({
    le: { Certificates: [
      { domain: { main: 'no-key.example.com' }, certificate: b64(certPem), key: '' },
      { domain: { main: 'no-cert.example.com' }, key: b64(keyPem) },
      { domain: { main: 'kept.example.com' }, certificate: b64(certPem), key: b64(keyPem), Store: 'default' },
    ] },
  }));
  assert.deepEqual(data.get('le')!.certificates.map((c) => c.domain.main), ['kept.example.com']);
});

test('an empty file is an empty store', () => {
  assert.equal(parseAcmeJson('').size, 0);
  assert.equal(parseAcmeJson('  \n').size, 0);
  assert.equal(parseAcmeJson('null').size, 0);
});

test('a file that is not acme.json is refused naming the field', () => {
  const cases: [string, RegExp][] = [
    ['{', /^not JSON/],
    ['[]', /^\(top level\): expected an object/],
    ['{"le": 3}', /^le: expected an object/],
    ['{"le": {"Certificates": {}}}', /^le\.Certificates: expected a list/],
    ['{"le": {"Certificates": [{"certificate": "not base64!"}]}}', /^le\.Certificates\[0\]\.certificate: expected base64/],
    ['{"le": {"Account": {"PrivateKey": 42}}}', /^le\.Account\.PrivateKey: expected base64/],
    ['{"le": {"Certificates": [{"domain": {"sans": "x"}}]}}', /^le\.Certificates\[0\]\.domain\.sans: expected a list of strings/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseAcmeJson(text), (err: unknown) => err instanceof AcmeJsonError && message.test(err.message), text);
  }
});

test('resolvers are written in sorted order, an empty certificate list as null', () => {
  const text = serializeAcmeJson(new Map([
    ['zeta', { certificates: [] }],
    ['alpha', { certificates: [{ domain: { main: 'a.example.com', sans: [] }, certPem, keyPem, store: 'default' }] }],
  ]));
  const raw = JSON.parse(text) as Record<string, { Certificates: unknown[] | null }>;
  assert.deepEqual(Object.keys(raw), ['alpha', 'zeta']);
  assert.equal(raw['zeta']!.Certificates, null);
  assert.deepEqual(raw['alpha']!.Certificates![0], { domain: { main: 'a.example.com' }, certificate: b64(certPem), key: b64(keyPem), Store: 'default' });
});
