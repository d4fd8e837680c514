import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { createTestCa } from '../../../test/support/certs.ts';
import {
  accountKeyFromDer, certificateFacts, generateAccountKeyDer, generateCertificateKey, keyMatchesCertificate, storageKeyPem,
} from './acme-crypto.ts';

test('a certificate is known by its DNS names and IP addresses, and its validity', () => {
  const ca = createTestCa();
  const leaf = ca.issue({ dns: ['A.example.com', '*.example.com'], ips: ['192.0.2.1', '::1'], days: 3 });
  const facts = certificateFacts(leaf.cert + ca.cert)!;
  assert.deepEqual(facts.names, ['a.example.com', '*.example.com', '192.0.2.1', '::1']);
  const days = (facts.notAfter - facts.notBefore) / 86_400_000;
  assert.ok(days > 2.9 && days < 3.1, String(days));
  assert.equal(certificateFacts('not a certificate'), undefined);
});

test('a key matches only its own certificate', () => {
  const ca = createTestCa();
  const one = ca.issue({ dns: ['one.example.com'] });
  const two = ca.issue({ dns: ['two.example.com'] });
  assert.equal(keyMatchesCertificate(one.key, one.cert), true);
  assert.equal(keyMatchesCertificate(two.key, one.cert), false);
  assert.equal(keyMatchesCertificate('garbage', one.cert), false);
});

test('keys are stored as lego writes them: RSA PKCS#1, EC SEC1; account keys as PKCS#1 DER', async () => {
  assert.match(storageKeyPem(await generateCertificateKey('EC384')), /^-----BEGIN EC PRIVATE KEY-----/);
  assert.match(storageKeyPem(await generateCertificateKey('RSA2048')), /^-----BEGIN RSA PRIVATE KEY-----/);
  const der = await generateAccountKeyDer();
  const key = accountKeyFromDer(der);
  assert.equal(key.asymmetricKeyDetails?.modulusLength, 4096);
  assert.deepEqual(createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }).export({ format: 'der', type: 'pkcs1' }), der);
  assert.throws(() => accountKeyFromDer(Buffer.from('nope')), /not an RSA PKCS#1, PKCS#8 or SEC1 DER key/);
});
