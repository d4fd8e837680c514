/**
 * ACME end to end against Pebble (a real ACME server): certificates obtained through HTTP-01 and
 * TLS-ALPN-01 answered by real node servers on the ports Pebble validates, verified by real TLS
 * handshakes against Pebble's issuing root; renewal and retry driven by the manual clock; a
 * Traefik acme.json written by hand served without any request to the CA.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { acmeResolvers } from '../src/config/static-acme.ts';
import { parseStaticConfig } from '../src/config/static.ts';
import { createManualClock } from '../src/lib/manual-clock.ts';
import { createLogger, type Logger } from '../src/observability/logger.ts';
import { parseAcmeJson } from '../src/server/acme/acme-json.ts';
import { createAcmeManager, type AcmeCertificate, type AcmeManager } from '../src/server/acme/acme-manager.ts';
import { createFileAcmeStore } from '../src/server/acme/file-acme-store.ts';
import { createTestCa } from './support/certs.ts';
import { startPebble, type Pebble } from './support/pebble.ts';

const fastPolling = { minMs: 50, maxMs: 500, attempts: 40 };
const validitySeconds = 3600;

let pebble: Pebble;
let httpServer: HttpServer;
let tlsServer: TlsServer;
/** The manager whose challenges the servers answer. */
let current: AcmeManager | undefined;
let answerHttp01 = true;

function listen(server: HttpServer | TlsServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

before(async () => {
  httpServer = createHttpServer((req, res) => {
    const token = /^\/\.well-known\/acme-challenge\/([^/?]+)$/.exec(req.url ?? '')?.[1];
    const body = answerHttp01 && token !== undefined ? current?.http01Response(token) : undefined;
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' }).end(body ?? 'not found');
  });
  tlsServer = createTlsServer({
    ALPNProtocols: ['acme-tls/1'],
    SNICallback: (name, done) => done(null, current?.tlsAlpn01Context(name)),
  });
  tlsServer.on('tlsClientError', () => { /* Pebble probing a name with no answer. */ });
  const [httpPort, tlsPort] = [await listen(httpServer), await listen(tlsServer)];
  pebble = await startPebble({ httpPort, tlsPort, validitySeconds });
});

after(async () => {
  await pebble?.stop();
  httpServer?.close();
  tlsServer?.close();
});

function captureLogger(): { logger: Logger; records: Record<string, unknown>[]; next(match: (r: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> } {
  const records: Record<string, unknown>[] = [];
  const waiters: { match: (r: Record<string, unknown>) => boolean; resolve: (r: Record<string, unknown>) => void }[] = [];
  const logger = createLogger({
    level: 'INFO', format: 'json', output: {
      write(line: string) {
        const record = JSON.parse(line) as Record<string, unknown>;
        records.push(record);
        for (const waiter of [...waiters]) {
          if (waiter.match(record)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(record);
          }
        }
      },
    },
  });
  return {
    logger, records,
    next: (match) => new Promise((resolve) => { waiters.push({ match, resolve }); }),
  };
}

/** Resolves with the first certificate satisfying `match`, now or after a change. */
function certificateWhere(manager: AcmeManager, match: (c: AcmeCertificate) => boolean): Promise<AcmeCertificate> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const found = [...manager.certificates()].find(match);
      if (found === undefined) return false;
      resolve(found);
      return true;
    };
    if (check()) return;
    const stop = manager.onChange(() => { if (check()) stop(); });
  });
}

function resolversFrom(acme: Record<string, Record<string, unknown>>): ReturnType<typeof acmeResolvers> {
  const raw = { certificatesResolvers: Object.fromEntries(Object.entries(acme).map(([name, value]) => [name, { acme: value }])) };
  const parsed = parseStaticConfig(raw, { resource: 'test' });
  assert.ok(parsed.config, JSON.stringify(parsed.diagnostics));
  return acmeResolvers(parsed.config.certificatesResolvers);
}

function tempStorage(): string {
  return join(mkdtempSync(join(tmpdir(), 'switchyard-acme-')), 'acme.json');
}

function pebbleResolver(storage: string, challenge: Record<string, unknown>): Record<string, unknown> {
  return {
    email: 'ops@example.com', caServer: pebble.directoryUrl, storage, keyType: 'EC256',
    certificatesDuration: 1, caCertificates: [pebble.httpsCaFile], ...challenge,
  };
}

/** Serves the certificate on a real TLS server and connects to it as `name`, trusting only `ca`. */
async function handshake(cert: { certPem: string; keyPem: string }, name: string, ca: string): Promise<string | null> {
  const server = createTlsServer({ cert: cert.certPem, key: cert.keyPem });
  const port = await listen(server);
  try {
    return await new Promise<string | null>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, servername: name, ca }, () => {
        resolve(null);
        socket.end();
      });
      socket.on('error', (err) => resolve(err.message));
    });
  } finally {
    server.close();
  }
}

test('obtains a certificate through HTTP-01 that verifies against the CA root for every requested name', { timeout: 30_000 }, async () => {
  const storage = tempStorage();
  const { logger } = captureLogger();
  const manager = await createAcmeManager({
    resolvers: resolversFrom({ web: pebbleResolver(storage, { httpChallenge: { entryPoint: 'web' } }) }),
    clock: createManualClock(), logger, polling: fastPolling,
  });
  current = manager;
  try {
    manager.ensure('web', [{ main: 'http01.example.com', sans: ['www.http01.example.com'] }]);
    const cert = await certificateWhere(manager, (c) => c.domains.includes('http01.example.com'));
    assert.deepEqual([...cert.domains].sort(), ['http01.example.com', 'www.http01.example.com']);
    assert.equal(cert.resolver, 'web');
    const root = await pebble.issuingRoot();
    assert.equal(await handshake(cert, 'http01.example.com', root), null);
    assert.equal(await handshake(cert, 'www.http01.example.com', root), null);
    assert.match(await handshake(cert, 'other.example.com', root) ?? '', /altnames|does not match/i);

    await manager.dispose();
    // What the manager wrote is Traefik's acme.json, mode 0600, and reads back equal.
    assert.equal(statSync(storage).mode & 0o777, 0o600);
    const stored = parseAcmeJson(readFileSync(storage, 'utf8')).get('web')!;
    const account = stored.account!;
    assert.ok(account.registration?.uri.startsWith('https://127.0.0.1:'));
    assert.equal(account.email, 'ops@example.com');
    assert.equal(account.keyType, 'P256');
    assert.deepEqual(stored.certificates.map((c) => ({ domain: c.domain, certPem: c.certPem, keyPem: c.keyPem, store: c.store })), [
      { domain: { main: 'http01.example.com', sans: ['www.http01.example.com'] }, certPem: cert.certPem, keyPem: cert.keyPem, store: 'default' },
    ]);
    assert.match(cert.keyPem, /^-----BEGIN EC PRIVATE KEY-----/);
  } finally {
    await manager.dispose();
  }
});

test('obtains a certificate through TLS-ALPN-01 answered with the acmeIdentifier certificate', { timeout: 30_000 }, async () => {
  const { logger } = captureLogger();
  const manager = await createAcmeManager({
    resolvers: resolversFrom({ alpn: pebbleResolver(tempStorage(), { tlsChallenge: {} }) }),
    clock: createManualClock(), logger, polling: fastPolling,
  });
  current = manager;
  try {
    assert.equal(manager.tlsAlpn01Context('alpn.example.com'), undefined);
    manager.ensure('alpn', [{ main: 'alpn.example.com' }]);
    const cert = await certificateWhere(manager, (c) => c.domains.includes('alpn.example.com'));
    assert.equal(await handshake(cert, 'alpn.example.com', await pebble.issuingRoot()), null);
    // The challenge answer is withdrawn once the order is done.
    assert.equal(manager.tlsAlpn01Context('alpn.example.com'), undefined);
  } finally {
    await manager.dispose();
  }
});

test('renews a certificate once the clock reaches its renewal period, reusing its key', { timeout: 30_000 }, async () => {
  const clock = createManualClock();
  const { logger } = captureLogger();
  const manager = await createAcmeManager({
    resolvers: resolversFrom({ web: pebbleResolver(tempStorage(), { httpChallenge: { entryPoint: 'web' } }) }),
    clock, logger, polling: fastPolling,
  });
  current = manager;
  try {
    manager.ensure('web', [{ main: 'renew.example.com' }]);
    const first = await certificateWhere(manager, (c) => c.domains.includes('renew.example.com'));
    const firstSerial = new X509Certificate(first.certPem).serialNumber;
    // A one-hour certificate is renewed when less than 20 minutes remain (Traefik's table);
    // checks run every minute (certificatesDuration: 1).
    clock.advance(first.notAfter.getTime() - 20 * 60_000 - Date.now() - 5 * 60_000);
    assert.equal([...manager.certificates()][0]?.certPem, first.certPem, 'not renewed before its period');
    const renewed = certificateWhere(manager, (c) => new X509Certificate(c.certPem).serialNumber !== firstSerial);
    clock.advance(7 * 60_000);
    const second = await renewed;
    assert.deepEqual(second.domains, ['renew.example.com']);
    assert.equal(second.keyPem, first.keyPem);
    assert.equal(await handshake(second, 'renew.example.com', await pebble.issuingRoot()), null);
  } finally {
    await manager.dispose();
  }
});

test('a failed order is logged with its resolver and names and retried with backoff on the clock', { timeout: 30_000 }, async () => {
  const clock = createManualClock();
  const log = captureLogger();
  const manager = await createAcmeManager({
    resolvers: resolversFrom({ web: pebbleResolver(tempStorage(), { httpChallenge: { entryPoint: 'web' } }) }),
    clock, logger: log.logger, polling: fastPolling,
  });
  current = manager;
  answerHttp01 = false;
  try {
    const failure = log.next((r) => r['message'] === 'unable to obtain an ACME certificate');
    manager.ensure('web', [{ main: 'retry.example.com' }]);
    const record = await failure;
    assert.equal(record['resolver'], 'web');
    assert.deepEqual(record['domains'], ['retry.example.com']);
    assert.match(String(record['error']), /http-01 challenge for retry\.example\.com failed/);
    assert.equal(record['retryInMs'], 5 * 60_000);

    // Asking again while the retry is pending orders nothing new.
    manager.ensure('web', [{ main: 'retry.example.com' }]);
    answerHttp01 = true;
    const obtained = certificateWhere(manager, (c) => c.domains.includes('retry.example.com'));
    clock.advance(5 * 60_000);
    await obtained;
    assert.equal(log.records.filter((r) => r['message'] === 'obtaining an ACME certificate').length, 2);
  } finally {
    answerHttp01 = true;
    await manager.dispose();
  }
});

test('a Traefik acme.json written by hand is served without contacting the CA, and writes back equal', { timeout: 30_000 }, async () => {
  let caRequests = 0;
  const ca = createHttpServer((_req, res) => { caRequests += 1; res.writeHead(500).end(); });
  const caPort = await listen(ca);
  const testCa = createTestCa();
  const leaf = testCa.issue({ dns: ['stored.example.com'], days: 30 });
  const accountKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'der', type: 'pkcs1' });
  const caServer = `http://127.0.0.1:${caPort}/dir`;
  const handWritten = JSON.stringify({
    stored: {
      Account: {
        Email: 'ops@example.com',
        Registration: { body: { status: 'valid', contact: ['mailto:ops@example.com'] }, uri: `http://127.0.0.1:${caPort}/acct/1` },
        PrivateKey: accountKey.toString('base64'),
        KeyType: '4096',
      },
      Certificates: [{
        domain: { main: 'stored.example.com' },
        certificate: Buffer.from(leaf.cert + testCa.cert).toString('base64'),
        key: Buffer.from(leaf.key).toString('base64'),
        Store: 'default',
      }],
    },
  }, null, 2);
  const storage = tempStorage();
  writeFileSync(storage, handWritten, { mode: 0o600 });

  const { logger } = captureLogger();
  const manager = await createAcmeManager({
    resolvers: resolversFrom({ stored: { email: 'ops@example.com', caServer, storage, httpChallenge: { entryPoint: 'web' } } }),
    clock: createManualClock(), logger, polling: fastPolling,
  });
  try {
    manager.ensure('stored', [{ main: 'stored.example.com' }]);
    const [cert, ...others] = [...manager.certificates()];
    assert.equal(others.length, 0);
    assert.deepEqual(cert?.domains, ['stored.example.com']);
    assert.equal(await handshake(cert!, 'stored.example.com', testCa.cert), null);
  } finally {
    await manager.dispose();
    ca.close();
  }
  assert.equal(caRequests, 0);

  // The store writes the same data back in Traefik's format.
  const copy = tempStorage();
  const original = await createFileAcmeStore(storage).load('stored');
  const store = createFileAcmeStore(copy);
  await store.saveAccount('stored', original.account!);
  await store.saveCertificates('stored', original.certificates);
  assert.deepEqual(parseAcmeJson(readFileSync(copy, 'utf8')), parseAcmeJson(handWritten));
});
