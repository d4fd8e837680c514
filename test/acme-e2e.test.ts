/**
 * ACME through the real binary against Pebble: bin/switchyard obtains certificates for routers
 * with `tls.certResolver`, answering Pebble's HTTP-01 validation on the `web` entry point and its
 * TLS-ALPN-01 validation on `websecure`, and serves each certificate from the next handshake on.
 * Both resolvers share one acme.json, as Traefik setups commonly do; it is checked in Traefik's
 * format, then Switchyard is started again on it with Pebble gone and serves the same
 * certificates at once, ordering nothing.
 *
 * Pebble validates on ports fixed in its configuration, so the two entry point ports are picked
 * first (bound on port 0, read, closed) and given to both; another process could take one in
 * between, a window accepted here.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { startBackend, type Backend } from './support/backends.ts';
import { workerCount } from './support/one-connection.ts';
import { freeTcpPort, startPebble, type Pebble } from './support/pebble.ts';
import { startSwitchyard, tempDir, type LogLine, type SwitchyardProcess } from './support/switchyard-process.ts';

let pebble: Pebble;
/** Pebble's issuing root, the only CA the TLS clients below trust. */
let root: string;
let backend: Backend;
let dir: string;
let storage: string;
let sy: SwitchyardProcess | undefined;

/**
 * Worker processes do not answer TLS-ALPN-01 challenges yet (docs/workers.md, ACME). With
 * several workers, the alpn resolver and its router are left out and only HTTP-01 is checked.
 */
const alpnSkipped = workerCount() > 1
  ? `TLS-ALPN-01 is not supported with worker processes yet (SWITCHYARD_WORKERS=${process.env['SWITCHYARD_WORKERS']}): see docs/workers.md, ACME`
  : false;
/** The resolvers and the hosts they order certificates for, in this run. */
const resolvers: readonly (readonly ['pebble' | 'alpn', string])[] = alpnSkipped === false
  ? [['pebble', 'shop.test'], ['alpn', 'alpn.test']]
  : [['pebble', 'shop.test']];

const dynamic = (backendUrl: string): string => `
http:
  routers:
    shop:
      rule: "Host(\`shop.test\`)"
      entryPoints: [websecure]
      service: shop
      tls: {certResolver: pebble}
${alpnSkipped !== false ? '' : `    alpn:
      rule: "Host(\`alpn.test\`)"
      entryPoints: [websecure]
      service: shop
      tls: {certResolver: alpn}
`}  services:
    shop:
      loadBalancer:
        servers: [{url: "${backendUrl}"}]
`;

/** The static configuration: entry points on the given ports (0: any), two resolvers, one acme.json. */
function staticConfig(webPort: number, websecurePort: number): string {
  const acme = (challenge: string) => `
      email: ops@shop.test
      storage: ${JSON.stringify(storage)}
      caServer: ${JSON.stringify(pebble.directoryUrl)}
      caCertificates: [${JSON.stringify(pebble.httpsCaFile)}]
      keyType: EC256
      ${challenge}`;
  return `entryPoints:
  web:
    address: "127.0.0.1:${webPort}"
  websecure:
    address: "127.0.0.1:${websecurePort}"
certificatesResolvers:
  pebble:
    acme:${acme('httpChallenge: {entryPoint: web}')}
${alpnSkipped !== false ? '' : `  alpn:
    acme:${acme('tlsChallenge: {}')}
`}providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(join(dir, 'dynamic.yml'))}
log:
  level: INFO
  format: json
`;
}

async function start(webPort: number, websecurePort: number): Promise<SwitchyardProcess> {
  const file = join(dir, `static-${webPort}-${websecurePort}.yml`);
  writeFileSync(file, staticConfig(webPort, websecurePort));
  return startSwitchyard([`--configFile=${file}`], ['web', 'websecure']);
}

before(async () => {
  const [webPort, websecurePort] = [await freeTcpPort(), await freeTcpPort()];
  pebble = await startPebble({ httpPort: webPort, tlsPort: websecurePort });
  root = await pebble.issuingRoot();
  backend = await startBackend('shop');
  dir = tempDir();
  storage = join(dir, 'acme.json');
  writeFileSync(join(dir, 'dynamic.yml'), dynamic(backend.url));
  sy = await start(webPort, websecurePort);
});

after(async () => {
  await sy?.stop();
  await pebble?.stop();
  await backend?.close();
});

/**
 * Resolves once `resolver` has obtained a certificate for `domain` and the configuration built
 * right after it (which serves it) is applied.
 */
async function obtained(resolver: string, domain: string): Promise<void> {
  const p = sy!;
  const line = await p.waitFor((l) => l.message === 'obtained an ACME certificate' && l.resolver === resolver
    && Array.isArray(l.domains) && l.domains.includes(domain), `a certificate for ${domain} from ${resolver}`);
  const from = p.lines.indexOf(line);
  await p.waitFor((l: LogLine) => l.message === 'configuration applied' && p.lines.indexOf(l) > from, 'the configuration serving it');
}

interface Handshake {
  readonly authorized: boolean;
  readonly authorizationError: string | undefined;
  readonly peer: PeerCertificate;
}

/** A TLS handshake with websecure for `serverName`, trusting only Pebble's root. */
function handshake(serverName: string): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: sy!.ports.get('websecure')!, servername: serverName, ca: root, rejectUnauthorized: false }, () => {
      const error = socket.authorizationError;
      resolve({
        authorized: socket.authorized,
        authorizationError: error === null ? undefined : String(error),
        peer: socket.getPeerCertificate(),
      });
      socket.end();
    });
    socket.on('error', reject);
  });
}

/** An HTTPS GET through websecure for `host`, verified against Pebble's root. */
function httpsGet(host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({
      host: '127.0.0.1', port: sy!.ports.get('websecure')!, servername: host, ca: root, agent: false,
      path: '/order', headers: { host },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

async function assertServedByPebble(host: string): Promise<string> {
  const h = await handshake(host);
  assert.equal(h.authorizationError, undefined);
  assert.equal(h.authorized, true);
  assert.match(h.peer.subjectaltname ?? '', new RegExp(`\\bDNS:${host.replaceAll('.', '\\.')}\\b`));
  const r = await httpsGet(host);
  assert.equal(r.status, 200);
  assert.equal((JSON.parse(r.body) as { server: string; url: string }).server, 'shop');
  return h.peer.serialNumber;
}

const served = new Map<string, string>();

test('HTTP-01 answered on the web entry point: the certificate is served for shop.test on the next handshake', { timeout: 45_000 }, async () => {
  await obtained('pebble', 'shop.test');
  served.set('shop.test', await assertServedByPebble('shop.test'));
});

test('TLS-ALPN-01 answered on the websecure entry point: the certificate is served for alpn.test', { timeout: 45_000, skip: alpnSkipped }, async () => {
  await obtained('alpn', 'alpn.test');
  served.set('alpn.test', await assertServedByPebble('alpn.test'));
});

test('acme.json holds both resolvers in Traefik\'s format, and a restart serves them at once without the CA', { timeout: 45_000 }, async () => {
  assert.equal(served.size, resolvers.length, 'the certificates were obtained');
  // Stopping waits for the certificates to be saved.
  await sy!.stop();
  sy = undefined;
  await pebble.stop();

  type Stored = { Account: Record<string, unknown>; Certificates: { domain: { main: string }; certificate: string; key: string; Store: string }[] };
  const json = JSON.parse(readFileSync(storage, 'utf8')) as Record<string, Stored>;
  assert.deepEqual(Object.keys(json).sort(), resolvers.map(([resolver]) => resolver).sort());
  for (const [resolver, host] of resolvers) {
    const { Account: account, Certificates: certificates } = json[resolver]!;
    assert.equal(account.Email, 'ops@shop.test');
    assert.match(String((account.Registration as { uri: string }).uri), /^https:\/\/127\.0\.0\.1:\d+\//);
    assert.equal(typeof account.PrivateKey, 'string');
    assert.equal(certificates.length, 1);
    const [stored] = certificates;
    assert.deepEqual(stored!.domain, { main: host });
    assert.equal(stored!.Store, 'default');
    const pem = Buffer.from(stored!.certificate, 'base64').toString();
    assert.match(Buffer.from(stored!.key, 'base64').toString(), /^-----BEGIN EC PRIVATE KEY-----/);
    const leaf = new X509Certificate(pem);
    assert.equal(leaf.subjectAltName, `DNS:${host}`);
    assert.equal(leaf.serialNumber.toLowerCase(), served.get(host)!.toLowerCase());
  }

  sy = await start(0, 0);
  for (const [, host] of resolvers) {
    assert.equal((await assertServedByPebble(host)).toLowerCase(), served.get(host)!.toLowerCase(), `${host}: the stored certificate`);
  }
  assert.deepEqual(sy.lines.filter((l) => /ACME/.test(String(l.message))).map((l) => l.message), []);
});
