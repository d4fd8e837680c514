import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goCipherName, goSubjectName, goTlsVersion } from './access-log-tls.ts';

/** A self-signed certificate with this subject (`/C=FR/O=…`), made with openssl for the test run. */
function certificateWithSubject(subject: string): X509Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-subject-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', subject], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  return new X509Certificate(readFileSync(join(dir, 'cert.pem')));
}

describe('access log: TLS names as Go writes them', () => {
  for (const [node, go] of [['TLSv1.3', '1.3'], ['TLSv1.2', '1.2'], ['TLSv1.1', '1.1'], ['TLSv1', '1.0']] as const) {
    it(`writes ${node} as ${go}`, () => assert.equal(goTlsVersion(node), go));
  }

  for (const [openssl, go] of [
    ['ECDHE-ECDSA-AES128-GCM-SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
    ['ECDHE-RSA-CHACHA20-POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
    ['AES256-GCM-SHA384', 'TLS_RSA_WITH_AES_256_GCM_SHA384'],
    ['TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384'],
  ] as const) {
    it(`writes the suite ${openssl} as ${go}`, () => assert.equal(goCipherName(openssl), go));
  }

  it('writes the client subject most specific first, multi-valued attributes joined by +', () => {
    const cert = certificateWithSubject('/C=FR/ST=Rhone/L=Lyon/O=Org, Inc/OU=a/OU=b/CN=user name ');
    assert.equal(goSubjectName(cert), 'CN=user name\\ ,OU=a+OU=b,O=Org\\, Inc,L=Lyon,ST=Rhone,C=FR');
  });

  it('puts attributes Go does not parse last, under their OpenSSL name', () => {
    const cert = certificateWithSubject('/CN=client/emailAddress=client@example.org');
    assert.equal(goSubjectName(cert), 'CN=client,emailAddress=client@example.org');
  });

  it('escapes a leading # and the RFC 2253 specials', () => {
    // openssl's -subj takes `\+` for a literal plus (a bare one starts another attribute).
    const cert = certificateWithSubject('/CN=#1 a\\+b;c<d>"e');
    assert.equal(goSubjectName(cert), 'CN=\\#1 a\\+b\\;c\\<d\\>\\"e');
  });
});
