// A fixed zone 9 hours west of UTC makes StartLocal and `time` deterministic (set before any Date use).
process.env['TZ'] = 'Etc/GMT+9';

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exchange } from '../lib/exchange.ts';
import { createAccessLog } from './access-log.ts';
import { DURATION_NS, END_MS, collectingStream, finishedExchange, logLines, once } from './access-log-testing.ts';


describe('access log: common format', () => {
  it('writes Traefik\'s common line, headers dropped by default', async () => {
    assert.equal(await logLines({}, once()),
      '10.1.2.3 - - [10/Nov/2009:23:00:00 +0000] "GET /api/users?id=1 HTTP/1.1" 200 1234 "-" "-" 1 "api@file" ' +
      '"http://10.0.0.1:8080" 123ms\n');
  });

  it('shows Referer and User-Agent when those headers are kept, REDACTED when redacted', async () => {
    const keep = { fields: { headers: { names: { referer: 'keep', 'User-Agent': 'redact' } } } } as const;
    assert.equal(await logLines(keep, once()),
      '10.1.2.3 - - [10/Nov/2009:23:00:00 +0000] "GET /api/users?id=1 HTTP/1.1" 200 1234 "https://ref.example/" ' +
      '"REDACTED" 1 "api@file" "http://10.0.0.1:8080" 123ms\n');
  });

  it('writes "-" for a response Switchyard made itself (no router, no server)', async () => {
    const exchange = finishedExchange({
      log: { routerName: '', serviceName: '', serviceUrl: '', serviceAddr: '', originStatus: 0, downstreamStatus: 404,
        downstreamContentSize: 19 },
    });
    assert.equal(await logLines({}, once(exchange)),
      '10.1.2.3 - - [10/Nov/2009:23:00:00 +0000] "GET /api/users?id=1 HTTP/1.1" 404 19 "-" "-" 1 "-" "-" 123ms\n');
  });

  it('stops after the User-Agent in genericCLF', async () => {
    assert.equal(await logLines({ format: 'genericCLF' }, once()),
      '10.1.2.3 - - [10/Nov/2009:23:00:00 +0000] "GET /api/users?id=1 HTTP/1.1" 200 1234 "-" "-"\n');
  });

  it('writes "-" for dropped fields and uses local time when only StartLocal is kept', async () => {
    const fields = { names: { ClientHost: 'drop', StartUTC: 'drop', RouterName: 'drop', Duration: 'drop' } } as const;
    assert.equal(await logLines({ fields }, once()),
      '- - - [10/Nov/2009:14:00:00 -0900] "GET /api/users?id=1 HTTP/1.1" 200 1234 "-" "-" 1 "-" ' +
      '"http://10.0.0.1:8080" 0ms\n');
  });

  it('takes the client host from X-Forwarded-For and logs the path as received', async () => {
    const exchange = finishedExchange({
      request: { path: '/rewritten', query: '', headers: ['Host', 'example.com', 'X-Forwarded-For', '203.0.113.9'] },
      log: { originalPath: '/a%20b', originalQuery: '' },
    });
    assert.match(await logLines({}, once(exchange)), /^203\.0\.113\.9 - - \[.*\] "GET \/a%20b HTTP\/1\.1" /);
  });

  it('counts every request, logged or not', async () => {
    const filtered = finishedExchange({ log: { downstreamStatus: 200 } });
    const kept = finishedExchange({ log: { downstreamStatus: 500 } });
    const text = await logLines({ filters: { statusCodes: ['500'] } }, [[filtered, DURATION_NS], [kept, DURATION_NS]]);
    assert.match(text, /" 500 1234 "-" "-" 2 "api@file"/);
  });
});

describe('access log: JSON format', () => {
  it('writes Traefik\'s field names with keys sorted, as logrus does', async () => {
    assert.equal(await logLines({ format: 'json' }, once()), `${JSON.stringify({
      ClientAddr: '10.1.2.3:54321',
      ClientHost: '10.1.2.3',
      ClientIP: '10.1.2.3',
      ClientPort: '54321',
      ClientUsername: '-',
      DownstreamContentSize: 1234,
      DownstreamStatus: 200,
      Duration: 123456789,
      OriginContentSize: 1234,
      OriginStatus: 200,
      Overhead: 123456789,
      RequestAddr: 'example.com:8443',
      RequestContentSize: 0,
      RequestCount: 1,
      RequestHost: 'example.com',
      RequestMethod: 'GET',
      RequestPath: '/api/users?id=1',
      RequestPort: '8443',
      RequestProtocol: 'HTTP/1.1',
      RequestScheme: 'https',
      RetryAttempts: 0,
      RouterName: 'api@file',
      ServiceAddr: '10.0.0.1:8080',
      ServiceName: 'api@file',
      ServiceURL: 'http://10.0.0.1:8080',
      StartLocal: '2009-11-10T14:00:00-09:00',
      StartUTC: '2009-11-10T23:00:00Z',
      TLSCipher: 'TLS_AES_128_GCM_SHA256',
      TLSVersion: '1.3',
      level: 'info',
      msg: '',
      time: '2009-11-10T14:00:00-09:00',
    })}\n`);
  });

  it('leaves out origin and router fields when Switchyard answered itself', async () => {
    const exchange = finishedExchange({
      request: { tls: undefined, headers: [], host: '' },
      log: { routerName: '', serviceName: '', serviceUrl: '', serviceAddr: '', originStatus: 0, originContentSize: 0 },
    });
    const record = JSON.parse(await logLines({ format: 'json' }, once(exchange))) as Record<string, unknown>;
    for (const absent of ['OriginStatus', 'OriginContentSize', 'RouterName', 'ServiceName', 'ServiceURL', 'ServiceAddr',
      'TLSVersion', 'TLSCipher', 'RequestAddr', 'RequestHost', 'RequestPort', 'GzipRatio']) {
      assert.equal(record[absent], undefined, absent);
    }
    assert.equal(record['RequestScheme'], 'http');
    assert.equal(record['Overhead'], 123456789);
  });

  it('adds the compression ratio when the client got fewer bytes than the server sent', async () => {
    const exchange = finishedExchange({ log: { originContentSize: 1000, downstreamContentSize: 250 } });
    const record = JSON.parse(await logLines({ format: 'json' }, once(exchange))) as Record<string, unknown>;
    assert.equal(record['GzipRatio'], 4);
  });

  it('writes kept request headers as request_<Canonical-Name>, merged and sorted', async () => {
    const exchange = finishedExchange({
      request: { headers: ['host', 'example.com', 'x-b', '1', 'X-A', 'a', 'x-b', '2', 'authorization', 'Basic eA=='] },
    });
    const options = { format: 'json', fields: { headers: { defaultMode: 'keep', names: { Authorization: 'redact' } } } } as const;
    const line = await logLines(options, once(exchange));
    assert.match(line, /"msg":"","request_Authorization":"REDACTED","request_X-A":"a","request_X-B":"1,2","time":/);
    assert.doesNotMatch(line, /request_Host/);
  });

  it('drops fields by name and escapes HTML characters as Go does', async () => {
    const exchange = finishedExchange({ log: { originalPath: '/<script>&', originalQuery: '' } });
    const options = { format: 'json', fields: { defaultMode: 'drop', names: { RequestPath: 'keep' } } } as const;
    assert.equal(await logLines(options, once(exchange)),
      '{"RequestPath":"/\\u003cscript\\u003e\\u0026","level":"info","msg":"","time":"2009-11-10T14:00:00-09:00"}\n');
  });

  it('writes an IPv6 client address in brackets', async () => {
    const exchange = finishedExchange({ request: { remoteAddress: '::1', remotePort: 5000 } });
    const record = JSON.parse(await logLines({ format: 'json' }, once(exchange))) as Record<string, unknown>;
    assert.equal(record['ClientAddr'], '[::1]:5000');
    assert.equal(record['ClientHost'], '::1');
  });
});

describe('access log: filters', () => {
  const status = (code: number, retries = 0): Exchange =>
    finishedExchange({ log: { downstreamStatus: code, retryAttempts: retries } });
  const statuses = (text: string): number[] => text.split('\n').filter(Boolean)
    .map((line) => Number(/" (\d{3}) /.exec(line)?.[1]));

  it('keeps only status codes in the configured ranges', async () => {
    const text = await logLines({ filters: { statusCodes: ['200', '500-599'] } },
      [[status(200), DURATION_NS], [status(404), DURATION_NS], [status(503), DURATION_NS], [status(600), DURATION_NS]]);
    assert.deepEqual(statuses(text), [200, 503]);
  });

  it('keeps retried requests when retryAttempts is set', async () => {
    const text = await logLines({ filters: { retryAttempts: true } },
      [[status(201), DURATION_NS], [status(202, 2), DURATION_NS]]);
    assert.deepEqual(statuses(text), [202]);
  });

  it('keeps requests longer than minDuration (milliseconds)', async () => {
    const text = await logLines({ filters: { minDuration: 100 } },
      [[status(201), 50_000_000n], [status(202), 100_000_000n], [status(203), 150_000_000n]]);
    assert.deepEqual(statuses(text), [203]);
  });

  it('keeps a request matching any filter', async () => {
    const text = await logLines({ filters: { statusCodes: ['500'], retryAttempts: true, minDuration: 100 } },
      [[status(500), 1n], [status(200, 1), 1n], [status(201), 200_000_000n], [status(202), 1n]]);
    assert.deepEqual(statuses(text), [500, 200, 201]);
  });

  it('keeps everything with empty filters', async () => {
    const text = await logLines({ filters: {} }, [[status(200), 1n], [status(404), 1n]]);
    assert.deepEqual(statuses(text), [200, 404]);
  });

  it('reports malformed status ranges and ignores the status filter, as Traefik does', async () => {
    const errors: string[] = [];
    const text = await logLines({ filters: { statusCodes: ['5xx'], retryAttempts: true }, onError: (m) => errors.push(m) },
      [[status(500), 1n], [status(200, 1), 1n]]);
    assert.deepEqual(statuses(text), [200]);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /5xx/);
  });
});

describe('access log: writing', () => {
  it('writes a batch of bufferingSize lines in one write', async () => {
    const out = collectingStream();
    const accessLog = createAccessLog({ bufferingSize: 2, output: out.stream, now: () => END_MS });
    accessLog.record(finishedExchange(), DURATION_NS);
    assert.equal(out.writes.length, 0, 'nothing is written synchronously for the first line');
    accessLog.record(finishedExchange(), DURATION_NS);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(out.writes.length, 1);
    assert.equal(out.writes[0]!.split('\n').length, 3, 'two lines in one write');
    await accessLog.dispose();
  });

  it('writes the lines of one event-loop turn together', async () => {
    const out = collectingStream();
    const accessLog = createAccessLog({ output: out.stream, now: () => END_MS });
    for (let i = 0; i < 5; i++) accessLog.record(finishedExchange(), DURATION_NS);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(out.writes.length, 1);
    assert.equal(out.text().split('\n').filter(Boolean).length, 5);
    await accessLog.dispose();
  });

  it('flushes on dispose and ignores records after it', async () => {
    const out = collectingStream();
    const accessLog = createAccessLog({ bufferingSize: 100, output: out.stream, now: () => END_MS });
    accessLog.record(finishedExchange(), DURATION_NS);
    await accessLog.dispose();
    accessLog.record(finishedExchange(), DURATION_NS);
    assert.equal(out.text().split('\n').filter(Boolean).length, 1);
  });

  it('appends to filePath, creating its directory', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'switchyard-access-')), 'logs', 'access.log');
    for (let i = 0; i < 2; i++) {
      const accessLog = createAccessLog({ filePath: file, now: () => END_MS });
      accessLog.record(finishedExchange(), DURATION_NS);
      await accessLog.dispose();
    }
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^10\.1\.2\.3 - - \[10\/Nov\/2009:23:00:00 \+0000\] /);
  });
});
