import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapCipherSuite, mapCurve } from './go-tls-names.ts';

test('Go cipher suite names map to OpenSSL names', () => {
  const cases: [string, ReturnType<typeof mapCipherSuite>][] = [
    ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', { kind: 'tls12', openssl: 'ECDHE-RSA-AES128-GCM-SHA256' }],
    ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', { kind: 'tls12', openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384' }],
    ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', { kind: 'tls12', openssl: 'ECDHE-RSA-CHACHA20-POLY1305' }],
    ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', { kind: 'tls12', openssl: 'ECDHE-RSA-CHACHA20-POLY1305' }],
    ['TLS_RSA_WITH_AES_128_CBC_SHA', { kind: 'tls12', openssl: 'AES128-SHA' }],
    ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', { kind: 'tls12', openssl: 'ECDHE-ECDSA-AES128-SHA256' }],
    ['TLS_AES_256_GCM_SHA384', { kind: 'ignored' }],
    ['TLS_FALLBACK_SCSV', { kind: 'ignored' }],
    ['TLS_RSA_WITH_RC4_128_SHA', { kind: 'unavailable', openssl: 'RC4-SHA' }],
    ['TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', { kind: 'unavailable', openssl: 'ECDHE-RSA-DES-CBC3-SHA' }],
    ['tls_ecdhe_rsa_with_aes_128_gcm_sha256', { kind: 'unknown' }],
    ['ECDHE-RSA-AES128-GCM-SHA256', { kind: 'unknown' }],
    ['toString', { kind: 'unknown' }],
  ];
  for (const [name, expected] of cases) assert.deepEqual(mapCipherSuite(name), expected, name);
});

test('curve names Traefik accepts map to OpenSSL groups', () => {
  const cases: [string, string | undefined][] = [
    ['CurveP256', 'P-256'], ['secp256r1', 'P-256'], ['CurveP384', 'P-384'], ['secp521r1', 'P-521'],
    ['X25519', 'X25519'], ['x25519', 'X25519'], ['X25519MLKEM768', 'X25519MLKEM768'],
    ['SecP256r1MLKEM768', 'SecP256r1MLKEM768'], ['P-256', undefined], ['constructor', undefined],
  ];
  for (const [name, expected] of cases) assert.equal(mapCurve(name), expected, name);
});
