/**
 * forwardAuth's `tls` against a real HTTPS auth server that asks for client certificates:
 * a CA, a server certificate for 127.0.0.1 and a client certificate, made by openssl per run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { forwardAuthSchema, type ForwardAuthMiddleware } from '../../config/http-middlewares-auth.ts';
import { createUpstreamPools } from '../../proxy/upstream-pools.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createForwardAuth } from './forward-auth.ts';

let dir: string;
let server: Server;
let address: string;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'forwardauth-tls-'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test CA');
  for (const [name, ext] of [['server', 'subjectAltName=IP:127.0.0.1'], ['client', 'extendedKeyUsage=clientAuth']] as const) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`, '-addext', ext);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-copy_extensions', 'copy', '-out', `${name}.pem`);
  }
  // Grants only a caller that presented a certificate the CA signed.
  server = createServer({
    key: readFileSync(join(dir, 'server.key')),
    cert: readFileSync(join(dir, 'server.pem')),
    ca: readFileSync(join(dir, 'ca.pem')),
    requestCert: true,
    rejectUnauthorized: false,
  }, (req, res) => {
    const socket = req.socket as TLSSocket;
    res.writeHead(socket.authorized ? 200 : 401, { 'x-client-cn': String(socket.getPeerCertificate().subject?.CN ?? '') });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `https://127.0.0.1:${(server.address() as { port: number }).port}/verify`;
});

after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('forwardAuth tls', () => {
  const cases: ReadonlyArray<{ title: string; tls: () => Record<string, unknown> | undefined; status: number }> = [
    { title: 'presents the client certificate and trusts the server through tls.ca (paths)', tls: () => ({ ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client.key') }), status: 200 },
    { title: 'accepts PEM text for tls.ca, tls.cert and tls.key', tls: () => ({ ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), cert: readFileSync(join(dir, 'client.pem'), 'utf8'), key: readFileSync(join(dir, 'client.key'), 'utf8') }), status: 200 },
    { title: 'presents no certificate without tls.cert (the auth server denies)', tls: () => ({ ca: join(dir, 'ca.pem') }), status: 401 },
    { title: 'answers 500 when the server certificate is not trusted', tls: () => undefined, status: 500 },
    { title: 'skips server verification with insecureSkipVerify', tls: () => ({ insecureSkipVerify: true, cert: join(dir, 'client.pem'), key: join(dir, 'client.key') }), status: 200 },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const tls = c.tls();
      const parsed = forwardAuthSchema.parse({ address, ...(tls !== undefined ? { tls } : {}) }) as ForwardAuthMiddleware;
      const disposers: Array<() => void> = [];
      const pools = createUpstreamPools();
      const middleware = createForwardAuth(parsed, testContext({}, { pools, onDispose: (d) => disposers.push(d) }));
      const { exchange, next } = await run(middleware);
      for (const d of disposers) d();
      await pools.dispose();
      assert.equal(exchange.sent.status, c.status);
      assert.equal(next.seen.length, c.status === 200 ? 1 : 0);
    });
  }
});
