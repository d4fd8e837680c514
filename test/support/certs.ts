/**
 * Test certificates, generated per test run with the `openssl` command (no fixtures checked in,
 * nothing that expires in the repository): a private CA, and leaf certificates it signs for
 * server names (wildcards allowed), for IP addresses, or for clients.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** PEM of the CA certificate. */
  readonly cert: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** Issues a leaf certificate signed by this CA. */
  issue(options: LeafOptions): TestCert;
}

export interface LeafOptions {
  /** Subject CN (default: the first DNS name, or `client`). */
  readonly commonName?: string;
  /** DNS subjectAltNames (`*.example.com` allowed). */
  readonly dns?: readonly string[];
  /** IP subjectAltNames. */
  readonly ips?: readonly string[];
  /** URI subjectAltNames (SPIFFE IDs, peerCertURI). */
  readonly uris?: readonly string[];
  /** A client certificate (extendedKeyUsage clientAuth) instead of a server one. */
  readonly client?: boolean;
  /** Validity in days from now (default 30, at least 1). */
  readonly days?: number;
  /** Key type: `ec` (P-256, default) or `rsa` (2048). */
  readonly keyType?: 'ec' | 'rsa';
}

export interface TestCert {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKey(dir: string, file: string, keyType: 'ec' | 'rsa'): void {
  if (keyType === 'rsa') openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file], dir);
  else openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file], dir);
}

let counter = 0;

/** Creates a CA in a new temporary directory. */
export function createTestCa(name = 'Switchyard Test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-ca-'));
  newKey(dir, 'ca.key', 'ec');
  openssl(['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '30', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'ca.crt'], dir);
  const caFile = join(dir, 'ca.crt');
  return {
    cert: readFileSync(caFile, 'utf8'),
    certFile: caFile,
    keyFile: join(dir, 'ca.key'),
    issue(options) {
      const id = `leaf${++counter}`;
      const cn = options.commonName ?? options.dns?.[0] ?? 'client';
      newKey(dir, `${id}.key`, options.keyType ?? 'ec');
      openssl(['req', '-new', '-key', `${id}.key`, '-subj', `/CN=${cn}`, '-out', `${id}.csr`], dir);
      const sans = [
        ...(options.dns ?? []).map((d) => `DNS:${d}`),
        ...(options.ips ?? []).map((ip) => `IP:${ip}`),
        ...(options.uris ?? []).map((u) => `URI:${u}`),
      ];
      const ext = [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        `extendedKeyUsage=${options.client === true ? 'clientAuth' : 'serverAuth'}`,
        ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []),
      ].join('\n');
      writeFileSync(join(dir, `${id}.ext`), `${ext}\n`);
      const days = options.days ?? 30;
      openssl(['x509', '-req', '-in', `${id}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-sha256',
        '-days', String(Math.max(1, days)),
        '-extfile', `${id}.ext`, '-out', `${id}.crt`], dir);
      const certFile = join(dir, `${id}.crt`);
      const keyFile = join(dir, `${id}.key`);
      return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
    },
  };
}
