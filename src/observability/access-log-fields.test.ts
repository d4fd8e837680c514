import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeHeadThroughHooks, type Exchange } from '../lib/exchange.ts';
import { createAccessLog, type AccessLogOptions } from './access-log.ts';
import { resolveFieldModes } from './access-log-fields.ts';
import { DURATION_NS, END_MS, collectingStream, finishedExchange, logLines, once } from './access-log-testing.ts';

const json = async (options: AccessLogOptions, exchange: Exchange): Promise<Record<string, unknown>> =>
  JSON.parse(await logLines({ format: 'json', ...options }, once(exchange))) as Record<string, unknown>;

describe('access log: fields', () => {
  it('matches field names case-insensitively, as Traefik lower-cases them', async () => {
    const record = await json({ fields: { names: { clienthost: 'drop', ROUTERNAME: 'drop' } } }, finishedExchange());
    assert.equal(record['ClientHost'], undefined);
    assert.equal(record['RouterName'], undefined);
    assert.equal(record['ClientAddr'], '10.1.2.3:54321');
  });

  it('writes the resolved client IP as ClientIP beside Traefik\'s ClientHost', async () => {
    const exchange = finishedExchange({
      request: { headers: ['Host', 'example.com', 'X-Forwarded-For', '198.51.100.7, 10.1.2.3'], clientIp: '198.51.100.7' },
    });
    const record = await json({}, exchange);
    assert.equal(record['ClientHost'], '198.51.100.7, 10.1.2.3', 'Traefik: the whole X-Forwarded-For value');
    assert.equal(record['ClientIP'], '198.51.100.7');
    assert.equal((await json({ fields: { names: { ClientIP: 'drop' } } }, exchange))['ClientIP'], undefined);
  });

  it('keeps ClientIP out of the CLF line', async () => {
    const exchange = finishedExchange({ request: { clientIp: '198.51.100.7' } });
    assert.doesNotMatch(await logLines({}, once(exchange)), /198\.51\.100\.7/);
  });

  it('writes TLS names as Go does: 1.2 and the IANA suite name', async () => {
    const exchange = finishedExchange({
      request: { tls: { version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', serverName: '', alpn: '' } },
    });
    const record = await json({}, exchange);
    assert.equal(record['TLSVersion'], '1.2');
    assert.equal(record['TLSCipher'], 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    assert.equal(record['TLSClientSubject'], undefined, 'no client certificate');
  });
});

describe('access log: query parameters', () => {
  const withQuery = (query: string): Exchange =>
    finishedExchange({ request: { path: '/login', query }, log: { originalPath: '/login', originalQuery: query } });
  const path = async (queryParameters: NonNullable<AccessLogOptions['fields']>['queryParameters'], query: string): Promise<unknown> =>
    (await json({ fields: { queryParameters } }, withQuery(query)))['RequestPath'];

  const table: readonly (readonly [title: string, config: NonNullable<AccessLogOptions['fields']>['queryParameters'], query: string, expected: string])[] = [
    ['keeps every parameter by default', undefined, 'token=abc&page=2', '/login?token=abc&page=2'],
    ['redacts a named parameter\'s value', { names: { token: 'redact' } }, 'token=abc&page=2', '/login?token=REDACTED&page=2'],
    ['drops a named parameter', { names: { token: 'drop' } }, 'token=abc&page=2', '/login?page=2'],
    ['matches names case-insensitively and after percent-decoding', { names: { 'api key': 'redact' } }, 'API%20Key=s3cr3t&Api+key=x', '/login?API%20Key=REDACTED&Api+key=REDACTED'],
    ['redacts every repetition', { names: { token: 'redact' } }, 'token=a&token=b', '/login?token=REDACTED&token=REDACTED'],
    ['applies the default mode to unnamed parameters', { defaultMode: 'redact', names: { page: 'keep' } }, 'token=abc&page=2&flag', '/login?token=REDACTED&page=2&flag'],
    ['drops everything but what is kept', { defaultMode: 'drop', names: { page: 'keep' } }, 'token=abc&page=2', '/login?page=2'],
    ['writes no `?` when every parameter is dropped', { defaultMode: 'drop' }, 'token=abc', '/login'],
  ];
  for (const [title, config, query, expected] of table) {
    it(title, async () => {
      assert.equal(await path(config, query), expected);
    });
  }

  it('applies to the CLF line too', async () => {
    const line = await logLines({ fields: { queryParameters: { names: { token: 'redact' } } } }, once(withQuery('token=abc')));
    assert.match(line, /"GET \/login\?token=REDACTED HTTP\/1\.1"/);
  });

  it('costs nothing when every parameter is kept', () => {
    assert.equal(resolveFieldModes({ queryParameters: { defaultMode: 'keep', names: { a: 'keep' } } }).rewriteQuery, null);
  });
});

describe('access log: response headers', () => {
  /** Dispatches through the access log's wrapper, answering with these head headers, and returns the JSON record. */
  async function served(options: AccessLogOptions, headers: string[], fromServer: boolean): Promise<Record<string, unknown>> {
    const out = collectingStream();
    const accessLog = createAccessLog({ format: 'json', ...options, output: out.stream, now: () => END_MS });
    const exchange = finishedExchange({ log: { originStatus: 0 } });
    const dispatch = accessLog.wrapDispatch((ex) => {
      // A middleware outside the service adds a header after the server answered.
      ex.responseHeadHooks.push((status, h) => {
        h.push('X-Added', 'by-middleware');
        return status;
      });
      if (fromServer) ex.log.originStatus = 200;
      writeHeadThroughHooks(ex, 200, headers);
    });
    dispatch(exchange);
    accessLog.record(exchange, DURATION_NS);
    await accessLog.dispose();
    return JSON.parse(out.text()) as Record<string, unknown>;
  }
  const keepAll = { fields: { headers: { defaultMode: 'keep', names: { 'set-cookie': 'redact' } } } } as const;

  it('writes downstream_ and origin_ headers as sent, with redaction', async () => {
    const record = await served(keepAll, ['Content-Type', 'text/plain', 'Set-Cookie', 'sid=1', 'set-cookie', 'b=2'], true);
    assert.equal(record['downstream_Content-Type'], 'text/plain');
    assert.equal(record['downstream_X-Added'], 'by-middleware');
    assert.equal(record['downstream_Set-Cookie'], 'REDACTED');
    assert.equal(record['origin_Content-Type'], 'text/plain');
    assert.equal(record['origin_Set-Cookie'], 'REDACTED');
  });

  it('keeps logrus\' key order: downstream_, level, msg, origin_, request_, time', async () => {
    const record = await served(keepAll, ['Content-Type', 'text/plain'], true);
    const keys = Object.keys(record).filter((k) => !/^[A-Z]/.test(k));
    assert.deepEqual(keys, ['downstream_Content-Type', 'downstream_X-Added', 'level', 'msg', 'origin_Content-Type', 'origin_X-Added',
      'request_Referer', 'request_User-Agent', 'time']);
  });

  it('writes no origin_ headers when Switchyard answered itself', async () => {
    const record = await served(keepAll, ['Content-Type', 'text/plain'], false);
    assert.equal(record['downstream_Content-Type'], 'text/plain');
    assert.equal(Object.keys(record).some((k) => k.startsWith('origin_')), false);
  });

  it('leaves dispatch untouched when no header can be logged', () => {
    const dispatch = (): void => {};
    assert.equal(createAccessLog({ format: 'json', output: collectingStream().stream }).wrapDispatch(dispatch), dispatch);
    const clf = createAccessLog({ ...keepAll, output: collectingStream().stream });
    assert.equal(clf.wrapDispatch(dispatch), dispatch, 'CLF writes Referer and User-Agent only, from the request');
  });
});
