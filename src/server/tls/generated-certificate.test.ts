import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createGeneratedCertificateSource, GENERATED_CERTIFICATE_COMMON_NAME } from './generated-certificate.ts';

const DAY = 24 * 60 * 60 * 1000;

test('the generated certificate is self-signed, names a random .switchyard.default host and lasts a year', () => {
  const now = Date.UTC(2030, 0, 15, 12, 0, 0);
  const generated = createGeneratedCertificateSource({ now: () => now }).get();
  const x509 = new X509Certificate(generated.certPem);
  assert.equal(x509.subject, `CN=${GENERATED_CERTIFICATE_COMMON_NAME}`);
  assert.equal(x509.issuer, x509.subject);
  assert.ok(x509.verify(x509.publicKey), 'signed by its own key');
  assert.ok(x509.checkPrivateKey(createPrivateKey(generated.keyPem)));
  assert.match(x509.subjectAltName ?? '', /^DNS:[0-9a-f]{32}\.[0-9a-f]{32}\.switchyard\.default$/);
  assert.equal(x509.validFromDate.getTime(), now);
  assert.equal(x509.validToDate.getTime(), now + 365 * DAY);
  assert.equal(generated.notAfter, now + 365 * DAY);
  assert.equal(x509.ca, false);
  assert.deepEqual(x509.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.equal(x509.publicKey.asymmetricKeyType, 'rsa');
});

test('one source generates once, and again only near expiry', () => {
  let now = Date.UTC(2030, 0, 1);
  const source = createGeneratedCertificateSource({ now: () => now });
  const first = source.get();
  now += 300 * DAY;
  assert.equal(source.get(), first);
  now += 40 * DAY;
  const renewed = source.get();
  assert.notEqual(renewed, first);
  assert.equal(renewed.notAfter, now + 365 * DAY);
});

test('times past 2049 are written as GeneralizedTime', () => {
  const now = Date.UTC(2049, 6, 1);
  const x509 = new X509Certificate(createGeneratedCertificateSource({ now: () => now }).get().certPem);
  assert.equal(x509.validToDate.getTime(), now + 365 * DAY);
});
