import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestCa } from '../../../test/support/certs.ts';
import { canonicalIp, parseKeyPair } from './certificate-key-pair.ts';

const ca = createTestCa();

test('a certificate answers to its CN, DNS names and IP addresses, lower-cased and canonical', () => {
  const leaf = ca.issue({ commonName: 'Portal.Example.com', dns: ['*.Example.com', 'portal.example.com'], ips: ['10.0.0.1', '0:0:0:0:0:0:0:1', '::ffff:192.0.2.7'] });
  const parsed = parseKeyPair(leaf.cert, leaf.key, 'test');
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.certificate.names, ['portal.example.com', '*.example.com', '10.0.0.1', '::1', '192.0.2.7']);
});

test('a key of another certificate, a non-PEM certificate and a non-PEM key are told apart', () => {
  const one = ca.issue({ dns: ['one.example.com'] });
  const two = ca.issue({ dns: ['two.example.com'] });
  const problem = (cert: string, key: string) => {
    const parsed = parseKeyPair(cert, key, 'test');
    return parsed.ok ? 'ok' : parsed.problem;
  };
  assert.equal(problem(one.cert, one.key), 'ok');
  assert.equal(problem(one.cert, two.key), 'mismatch');
  assert.equal(problem('garbage', one.key), 'certificate');
  assert.equal(problem(one.cert, 'garbage'), 'key');
  assert.equal(problem(one.cert + two.cert, one.key), 'ok', 'a chain: the first certificate is the leaf');
});

test('canonical IP addresses', () => {
  assert.equal(canonicalIp('127.0.0.1'), '127.0.0.1');
  assert.equal(canonicalIp('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(canonicalIp('FE80:0:0:0:0:0:1:2'), 'fe80::1:2');
  assert.equal(canonicalIp('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(canonicalIp('[::1]'), '::1');
  assert.equal(canonicalIp('not-an-ip'), 'not-an-ip');
});
