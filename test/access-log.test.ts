/**
 * End to end: the access log through the real binary, written to a file in a temporary folder
 * and read back as lines appear (fs.watch events, bounded). JSON lines carry the router, the
 * service and its server, the durations, retries, the client IP as resolved behind a trusted
 * proxy, TLS facts, and redacted headers and query parameters; requests to internal services
 * and routers with access logs off leave no line. Common-format lines keep only what the
 * filters (status codes, minimum duration) keep.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { closedPort, startBackend, type Backend } from './support/backends.ts';
import { createTestCa, type TestCa } from './support/certs.ts';
import { send } from './support/http-client.ts';
import { oneConnection } from './support/one-connection.ts';
import { startSwitchyard, tempDir, type SwitchyardProcess } from './support/switchyard-process.ts';

/**
 * Resolves with the lines of `file` once `done` accepts them, re-reading after every change in
 * its folder. Bounded: a file that stops changing fails the test at its timeout, and one that
 * keeps changing without ever satisfying `done` fails after 1000 changes.
 */
async function waitForLines(file: string, done: (lines: string[]) => boolean, what: string): Promise<string[]> {
  let changed = (): void => {};
  const watcher = watch(join(file, '..'), () => changed());
  try {
    for (let i = 0; i < 1000; i++) {
      // Armed before reading, so a write between the read and the wait is not missed.
      const next = new Promise<void>((resolve) => { changed = resolve; });
      const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
      if (done(lines)) return lines;
      await next;
    }
    throw new Error(`${what}: the access log changed 1000 times without it`);
  } finally {
    watcher.close();
  }
}

interface Started {
  readonly sy: SwitchyardProcess;
  readonly logFile: string;
}

/** Starts Switchyard with these entry points (YAML under `entryPoints:`), `accessLog` block and dynamic configuration. */
async function start(entryPoints: string, accessLog: string, dynamic: string, extra = ''): Promise<Started> {
  const dir = tempDir();
  const logFile = join(dir, 'logs', 'access.log');
  const dynamicFile = join(dir, 'dynamic.yml');
  writeFileSync(dynamicFile, dynamic);
  writeFileSync(join(dir, 'static.yml'), `entryPoints:
${entryPoints}providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(dynamicFile)}
log:
  level: INFO
  format: json
accessLog:
  filePath: ${JSON.stringify(logFile)}
${accessLog}${extra}`);
  const names = [...entryPoints.matchAll(/^ {2}(\w+):$/gm)].map((m) => m[1]!);
  return { sy: await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`], names), logFile };
}

type LogRecord = { readonly [key: string]: unknown };

describe('access log in JSON', () => {
  let ca: TestCa;
  let backend: Backend;
  let started: Started;
  let deadPort: number;

  before(async () => {
    ca = createTestCa();
    const cert = ca.issue({ dns: ['secure.test'] });
    backend = await startBackend('origin');
    deadPort = await closedPort();
    started = await start(`  web:
    address: "127.0.0.1:0"
  trusted:
    address: "127.0.0.1:0"
    forwardedHeaders:
      trustedIPs: ["127.0.0.1/32"]
  websecure:
    address: "127.0.0.1:0"
  traefik:
    address: "127.0.0.1:0"
`, `  format: json
  fields:
    headers:
      defaultMode: keep
      names:
        Authorization: redact
        X-Secret: drop
    queryParameters:
      names:
        token: redact
`, `
http:
  routers:
    app:
      rule: "Host(\`app.test\`)"
      entryPoints: [web, trusted]
      service: origin
    retried:
      rule: "Host(\`retry.test\`)"
      entryPoints: [web]
      middlewares: [retry]
      service: flaky
    quiet:
      rule: "Host(\`quiet.test\`)"
      entryPoints: [web]
      service: origin
      observability:
        accessLogs: false
    secure:
      rule: "Host(\`secure.test\`)"
      entryPoints: [websecure]
      service: origin
      tls: {}
  middlewares:
    retry:
      retry: {attempts: 2}
  services:
    origin:
      loadBalancer:
        servers: [{url: "${backend.url}"}]
    flaky:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:${deadPort}"}, {url: "${backend.url}"}]
tls:
  certificates:
    - certFile: ${JSON.stringify(cert.certFile)}
      keyFile: ${JSON.stringify(cert.keyFile)}
`, 'api:\n  insecure: true\nping: {}\n');
  });

  after(async () => {
    await started?.sy.stop();
    await backend?.close();
  });

  const port = (entryPoint: string): number | undefined => started.sy.ports.get(entryPoint);

  /** The JSON records of the lines whose RequestHost is `host`, once `count` of them are written. */
  async function recordsFor(host: string, count = 1): Promise<LogRecord[]> {
    const records = (lines: string[]): LogRecord[] => lines.map((l) => JSON.parse(l) as LogRecord).filter((r) => r['RequestHost'] === host);
    return records(await waitForLines(started.logFile, (lines) => records(lines).length >= count, `${count} line(s) for ${host}`));
  }

  it('names the router, the service and the server, with durations that add up', async () => {
    const answer = await send(port('web'), { path: '/hello?token=abc&page=1', headers: { host: 'app.test' } });
    assert.equal(answer.status, 200);
    const [r] = await recordsFor('app.test');
    assert.equal(r!['RouterName'], 'app@file');
    assert.equal(r!['ServiceName'], 'origin@file');
    assert.equal(r!['ServiceURL'], backend.url);
    assert.equal(r!['ServiceAddr'], `127.0.0.1:${backend.port}`);
    assert.equal(r!['OriginStatus'], 200);
    assert.equal(r!['DownstreamStatus'], 200);
    assert.equal(r!['RetryAttempts'], 0);
    assert.equal(r!['RequestScheme'], 'http');
    const duration = r!['Duration'] as number;
    const origin = r!['OriginDuration'] as number;
    assert.ok(Number.isInteger(duration) && duration > 0, 'Duration in nanoseconds');
    assert.ok(Number.isInteger(origin) && origin > 0 && origin <= duration, 'OriginDuration within Duration');
    assert.equal(r!['Overhead'], duration - origin);
    assert.equal(r!['downstream_X-Backend'], 'origin', 'response headers kept');
    assert.equal(r!['origin_X-Backend'], 'origin');
  });

  it('redacts Authorization, drops a dropped header and redacts a query parameter', async () => {
    await send(port('web'), { path: '/secret?token=s3cr3t&page=2', headers: { host: 'app.test', authorization: 'Basic YWxpY2U6cHc=', 'x-secret': 'hidden', 'x-visible': 'yes' } });
    const records = await recordsFor('app.test', 2);
    const r = records.find((x) => x['RequestPath'] === '/secret?token=REDACTED&page=2');
    assert.ok(r !== undefined, `the query parameter is redacted: ${JSON.stringify(records.map((x) => x['RequestPath']))}`);
    assert.equal(r['request_Authorization'], 'REDACTED');
    assert.equal(r['request_X-Secret'], undefined);
    assert.equal(r['request_X-Visible'], 'yes');
    const text = readFileSync(started.logFile, 'utf8');
    assert.doesNotMatch(text, /YWxpY2U6cHc=|s3cr3t|hidden/, 'no secret anywhere in the file');
  });

  it('counts the retries of a request whose first server refused the connection', async () => {
    // Round robin over [dead, alive]: of two requests, at least one starts on the dead server.
    for (let i = 0; i < 2; i++) assert.equal((await send(port('web'), { headers: { host: 'retry.test' } })).status, 200);
    const records = await recordsFor('retry.test', 2);
    const retries = records.map((r) => r['RetryAttempts']);
    assert.ok(retries.includes(1) && retries.every((n) => n === 0 || n === 1), `RetryAttempts ${JSON.stringify(retries)}`);
    for (const r of records) {
      assert.equal(r['RouterName'], 'retried@file');
      assert.equal(r['ServiceURL'], backend.url, 'the server that answered');
    }
  });

  it('writes the client IP resolved through a trusted proxy, and ignores X-Forwarded-For from an untrusted one', async () => {
    await send(port('trusted'), { path: '/trusted', headers: { host: 'app.test', 'x-forwarded-for': '203.0.113.9' } });
    await send(port('web'), { path: '/untrusted', headers: { host: 'app.test', 'x-forwarded-for': '198.51.100.4' } });
    const records = await recordsFor('app.test', 4);
    const trusted = records.find((r) => r['RequestPath'] === '/trusted')!;
    assert.equal(trusted['ClientIP'], '203.0.113.9');
    assert.equal(trusted['ClientHost'], '203.0.113.9', 'Traefik\'s ClientHost: the X-Forwarded-For value');
    assert.equal(trusted['ClientAddr'], `127.0.0.1:${String(trusted['ClientPort'])}`);
    const untrusted = records.find((r) => r['RequestPath'] === '/untrusted')!;
    assert.equal(untrusted['ClientIP'], '127.0.0.1');
    assert.equal(untrusted['ClientHost'], '127.0.0.1', 'the forged header was removed before routing');
  });

  it('writes the TLS version and cipher of an HTTPS request', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: port('websecure'), path: '/tls', servername: 'secure.test', ca: ca.cert,
        agent: false, headers: { host: 'secure.test' } }, (res) => {
        res.resume().on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    const [r] = await recordsFor('secure.test');
    assert.equal(r!['TLSVersion'], '1.3');
    assert.match(String(r!['TLSCipher']), /^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/);
    assert.equal(r!['RequestScheme'], 'https');
    assert.equal(r!['RouterName'], 'secure@file');
  });

  it('counts the request body bytes received, chunked or with Content-Length', async () => {
    const post = (path: string, chunks: readonly string[], length?: number): Promise<number> => new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: port('web'), path, method: 'POST', agent: false,
        headers: { host: 'app.test', ...(length !== undefined ? { 'content-length': String(length) } : {}) } }, (res) => {
        res.resume().on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      for (const c of chunks) req.write(c);
      req.end();
    });
    assert.equal(await post('/chunked', ['a'.repeat(1000), 'b'.repeat(2345)]), 200);
    assert.equal(await post('/sized', ['c'.repeat(777)], 777), 200);
    const records = await waitForLines(started.logFile, (lines) => ['/chunked', '/sized'].every((p) => lines.some((l) => l.includes(`"RequestPath":"${p}"`))), 'POST lines');
    const byPath = new Map(records.map((l) => JSON.parse(l) as LogRecord).map((r) => [r['RequestPath'], r]));
    assert.equal(byPath.get('/chunked')!['RequestContentSize'], 3345);
    assert.equal(byPath.get('/sized')!['RequestContentSize'], 777);
  });

  it('leaves out internal services and routers whose access logs are off', async () => {
    assert.equal((await send(port('traefik'), { path: '/api/overview', headers: { host: 'api.test' } })).status, 200);
    assert.equal((await send(port('traefik'), { path: '/ping', headers: { host: 'ping.test' } })).status, 200);
    assert.equal((await send(port('web'), { headers: { host: 'quiet.test' } })).status, 200);
    // A request that is logged, sent last: once its line is there, the earlier ones were decided.
    assert.equal((await send(port('web'), { headers: { host: 'marker.test' } })).status, 404);
    const [marker] = await recordsFor('marker.test');
    assert.equal(marker!['RouterName'], undefined, 'no router took it');
    const hosts = readFileSync(started.logFile, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as LogRecord)['RequestHost']);
    for (const absent of ['api.test', 'ping.test', 'quiet.test']) assert.ok(!hosts.includes(absent), `${absent} is not logged`);
  });
});

describe('access log in the common format, filtered', () => {
  let fast: Backend;
  let slow: Backend;
  let started: Started;

  before(async () => {
    fast = await startBackend('fast');
    // minDuration is about time, so one server takes its time: it answers after 1.3 s, past
    // the 1 s filter, while every other request takes a few milliseconds (a full second of
    // margin keeps a loaded machine from pushing a quick request over the filter).
    slow = await startBackend('slow', (_req, res) => {
      setTimeout(() => res.end('slow'), 1300);
    });
    started = await start(`  web:
    address: "127.0.0.1:0"
`, `  format: common
  filters:
    statusCodes: ["404", "500-599"]
    minDuration: 1s
`, `
http:
  routers:
    fast:
      rule: "Host(\`fast.test\`)"
      service: fast
    slow:
      rule: "Host(\`slow.test\`)"
      service: slow
  services:
    fast:
      loadBalancer:
        servers: [{url: "${fast.url}"}]
    slow:
      loadBalancer:
        servers: [{url: "${slow.url}"}]
`);
  });

  after(async () => {
    await started?.sy.stop();
    await fast?.close();
    await slow?.close();
  });

  it('keeps the lines a filter matches, each in Traefik\'s common format', async () => {
    const web = started.sy.ports.get('web');
    // RequestCount counts the requests of the process that logs the line: with several workers,
    // each counts its own (docs/workers.md). One keep-alive connection stays on one worker, so
    // the three requests are that worker's first three, as they are the only process's.
    const agent = oneConnection();
    try {
      assert.equal((await send(web, { path: '/quick', headers: { host: 'fast.test', 'user-agent': 'test/1' }, agent })).status, 200);
      assert.equal((await send(web, { path: '/missing', headers: { host: 'nowhere.test' }, agent })).status, 404);
      assert.equal((await send(web, { path: '/late', headers: { host: 'slow.test' }, agent })).status, 200);
    } finally {
      agent.destroy();
    }
    const lines = await waitForLines(started.logFile, (l) => l.some((line) => line.includes('/late')), 'the slow request');
    assert.equal(lines.length, 2, `only the 404 and the slow request:\n${lines.join('\n')}`);
    const clf = /^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET (\S+) HTTP\/1\.1" (\d{3}) (\d+) "-" "-" (\d+) "([^"]*)" "([^"]*)" (\d+)ms$/;
    const [missing, late] = lines.map((line) => clf.exec(line));
    assert.ok(missing && late, lines.join('\n'));
    assert.deepEqual(missing.slice(1, 3), ['/missing', '404']);
    assert.equal(missing[5], '-', 'no router');
    assert.equal(missing[6], '-', 'no server');
    assert.deepEqual(late.slice(1, 3), ['/late', '200']);
    assert.equal(late[5], 'slow@file');
    assert.equal(late[6], slow.url);
    assert.ok(Number(late[7]) >= 1000, `the duration in ms: ${late[7]}`);
    assert.deepEqual([missing[4], late[4]], ['2', '3'], 'RequestCount counts the filtered-out request too');
  });
});
