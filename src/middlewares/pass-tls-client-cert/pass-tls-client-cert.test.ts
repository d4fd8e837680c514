import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { passTlsClientCertSchema } from '../../config/http-middlewares-headers.ts';
import { getHeader } from '../../lib/exchange.ts';
import { queryEscape } from '../query-escape.ts';
import { run, testContext } from '../testing/test-context.ts';
import { encodeClientCertInfo, encodeClientCertPem, subjectAltNames } from './client-cert-headers.ts';
import { createPassTlsClientCert, createPassTlsClientCertWith } from './pass-tls-client-cert.ts';

// A CA and a leaf it signed, made by openssl for this run, like Traefik's test certificates.
let dir: string;
let ca: X509Certificate;
let leaf: X509Certificate;
let leafPem: string;

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'passtls-'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30',
    '-subj', '/DC=org/DC=cheese/C=FR/ST=Signing State/L=TOULOUSE/O=Cheese/OU=Cheese Section/CN=Simple Signing CA/serialNumber=42');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr',
    '-subj', '/DC=org/DC=cheese/C=FR/C=US/ST=Cheese org state/L=TOULOUSE/O=Cheese/O=Cheese 2/OU=Simple Signing Section/OU=Simple Signing Section 2/CN=*.example.org/serialNumber=1234',
    '-addext', 'subjectAltName=DNS:*.example.org,DNS:*.example.net,email:test@example.org,IP:10.0.1.0,IP:::1,URI:spiffe://foo/bar');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '10', '-copy_extensions', 'copy', '-out', 'leaf.pem');
  ca = new X509Certificate(readFileSync(join(dir, 'ca.pem')));
  leafPem = readFileSync(join(dir, 'leaf.pem'), 'utf8');
  leaf = new X509Certificate(leafPem);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** What openssl itself says, to check the encoder independently of node's parsing. */
function opensslFacts(file: string): { serial: string; nb: number; na: number } {
  const out = openssl('x509', '-in', file, '-noout', '-serial', '-startdate', '-enddate');
  const field = (name: string): string => new RegExp(`^${name}=(.*)$`, 'm').exec(out)![1]!;
  return {
    serial: BigInt(`0x${field('serial')}`).toString(),
    nb: Date.parse(field('notBefore')) / 1000,
    na: Date.parse(field('notAfter')) / 1000,
  };
}

const allSubject = { country: true, province: true, locality: true, organization: true, organizationalUnit: true, commonName: true, serialNumber: true, domainComponent: true };
const allIssuer = { country: true, province: true, locality: true, organization: true, commonName: true, serialNumber: true, domainComponent: true };

describe('client certificate headers', () => {
  it('encodes the PEM chain without delimiters or line breaks, comma-separated', () => {
    const body = leafPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\n/g, '');
    assert.equal(encodeClientCertPem([leaf]), body);
    assert.equal(encodeClientCertPem([leaf, ca]).split(',').length, 2);
  });

  it('encodes every info field in Traefik\'s format and escaping', () => {
    const info = passTlsClientCertSchema.parse({ info: { notAfter: true, notBefore: true, sans: true, serialNumber: true, subject: allSubject, issuer: allIssuer } }).info!;
    const facts = opensslFacts('leaf.pem');
    const expected = [
      'Subject="DC=org,DC=cheese,C=FR,C=US,ST=Cheese org state,L=TOULOUSE,O=Cheese,O=Cheese 2,OU=Simple Signing Section,OU=Simple Signing Section 2,SN=1234,CN=*.example.org"',
      'Issuer="DC=org,DC=cheese,C=FR,ST=Signing State,L=TOULOUSE,O=Cheese,SN=42,CN=Simple Signing CA"',
      `SerialNumber="${facts.serial}"`,
      `NB="${facts.nb}"`,
      `NA="${facts.na}"`,
      'SAN="*.example.org,*.example.net,test@example.org,10.0.1.0,::1,spiffe://foo/bar"',
    ].join(';');
    assert.equal(encodeClientCertInfo([leaf], info), queryEscape(expected));
    assert.match(encodeClientCertInfo([leaf], info), /^Subject%3D%22DC%3Dorg%2CDC%3Dcheese%2C/);
  });

  const partial: [string, Record<string, unknown>, string][] = [
    ['only the selected subject parts', { subject: { commonName: true, organization: true } }, 'Subject="O=Cheese,O=Cheese 2,CN=*.example.org"'],
    ['nothing for an empty selection', { subject: {} }, ''],
    ['the issuer common name', { issuer: { commonName: true } }, 'Issuer="CN=Simple Signing CA"'],
  ];
  for (const [title, config, expected] of partial) {
    it(`encodes ${title}`, () => {
      const info = passTlsClientCertSchema.parse({ info: config }).info!;
      assert.equal(encodeClientCertInfo([leaf], info), queryEscape(expected));
    });
  }

  it('separates the certificates of a chain with a comma', () => {
    const info = passTlsClientCertSchema.parse({ info: { subject: { commonName: true } } }).info!;
    assert.equal(encodeClientCertInfo([leaf, ca], info), 'Subject%3D%22CN%3D%2A.example.org%22%2CSubject%3D%22CN%3DSimple+Signing+CA%22');
  });

  it('groups SANs like Go and reads quoted values', () => {
    assert.deepEqual(subjectAltNames('URI:a:b, IP Address:0:0:0:0:0:0:0:1, email:e@x, DNS:"a, b"'), ['a, b', 'e@x', '::1', 'a:b']);
    assert.deepEqual(subjectAltNames(undefined), []);
  });
});

describe('passTLSClientCert', () => {
  const config = passTlsClientCertSchema.parse({ pem: true, info: { subject: { commonName: true } } });

  it('removes client-sent certificate headers and adds nothing without a client certificate', async () => {
    const { next } = await run(createPassTlsClientCert(config, testContext()), {
      tls: true, headers: ['X-Forwarded-Tls-Client-Cert', 'forged', 'x-forwarded-tls-client-cert-info', 'forged'],
    });
    assert.equal(getHeader(next.seen[0]!.headers, 'x-forwarded-tls-client-cert'), undefined);
    assert.equal(getHeader(next.seen[0]!.headers, 'x-forwarded-tls-client-cert-info'), undefined);
  });

  it('sets both headers from the client certificate chain', async () => {
    const middleware = createPassTlsClientCertWith(() => [leaf, ca])(config, testContext());
    const { next } = await run(middleware, { tls: true, headers: ['X-Forwarded-Tls-Client-Cert', 'forged'] });
    const headers = next.seen[0]!.headers;
    assert.equal(getHeader(headers, 'x-forwarded-tls-client-cert'), encodeClientCertPem([leaf, ca]));
    assert.equal(getHeader(headers, 'x-forwarded-tls-client-cert-info'), queryEscape('Subject="CN=*.example.org",Subject="CN=Simple Signing CA"'));
  });

  it('adds nothing on a connection without TLS', async () => {
    const middleware = createPassTlsClientCertWith(() => [leaf])(config, testContext());
    const { next } = await run(middleware);
    assert.equal(getHeader(next.seen[0]!.headers, 'x-forwarded-tls-client-cert'), undefined);
  });
});
