import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { byteByByte, bytes, feed, recordingResponseParser } from './parser-test-support.ts';
import type { ParseErrorCode } from './parse-error-code.ts';

function parse(input: string, methods: readonly string[] = ['GET'], limits?: Parameters<typeof recordingResponseParser>[0]) {
  const { parser, log } = recordingResponseParser(limits);
  for (const method of methods) parser.expect(method);
  const consumed = parser.execute(bytes(input));
  return { parser, log, consumed };
}

const refusals: readonly (readonly [string, string, ParseErrorCode])[] = [
  ['a lowercase protocol name', 'http/1.1 200 OK\r\n\r\n', 'BAD_STATUS_LINE'],
  ['a non-HTTP protocol', 'ICY 200 OK\r\nContent-Length: 0\r\n\r\n', 'BAD_STATUS_LINE'],
  ['a two-digit status', 'HTTP/1.1 20 OK\r\n\r\n', 'BAD_STATUS_LINE'],
  ['a four-digit status', 'HTTP/1.1 2000 OK\r\n\r\n', 'BAD_STATUS_LINE'],
  ['a status below 100', 'HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n', 'BAD_STATUS_LINE'],
  ['two SPs before the status', 'HTTP/1.1  200 OK\r\n\r\n', 'BAD_STATUS_LINE'],
  ['a control byte in the reason phrase', 'HTTP/1.1 200 O\x01K\r\nContent-Length: 0\r\n\r\n', 'NUL_OR_CONTROL_BYTE'],
  ['HTTP/2.0', 'HTTP/2.0 200 OK\r\n\r\n', 'BAD_VERSION'],
  ['HTTP/1.2', 'HTTP/1.2 200 OK\r\n\r\n', 'BAD_VERSION'],
  ['a bare LF after the status line', 'HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n', 'BARE_LF'],
  ['obs-fold', 'HTTP/1.1 200 OK\r\nA: b\r\n c\r\nContent-Length: 0\r\n\r\n', 'OBS_FOLD'],
  ['SP before a colon', 'HTTP/1.1 200 OK\r\nA : b\r\nContent-Length: 0\r\n\r\n', 'WHITESPACE_BEFORE_COLON'],
  ['a bad field name', 'HTTP/1.1 200 OK\r\nA(b: c\r\nContent-Length: 0\r\n\r\n', 'BAD_HEADER_NAME'],
  ['a bare CR in a field value', 'HTTP/1.1 200 OK\r\nA: b\rc\r\nContent-Length: 0\r\n\r\n', 'BAD_HEADER_VALUE'],
  ['two Content-Length fields', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nxyz', 'DUPLICATE_CONTENT_LENGTH'],
  ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\nxyz', 'BAD_CONTENT_LENGTH'],
  ['Transfer-Encoding with Content-Length', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nxyz', 'CONTENT_LENGTH_WITH_TRANSFER_ENCODING'],
  ['Transfer-Encoding: gzip (llhttp would read until close)', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz', 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['Transfer-Encoding: gzip, chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n', 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['a chunk size overflow', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n', 'CHUNK_SIZE_OVERFLOW'],
  ['a bad chunk terminator', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n', 'BAD_CHUNK_TERMINATOR'],
  ['a bad trailer', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 1\r\n\r\n', 'BAD_TRAILER'],
  ['101 without Upgrade', 'HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n\r\nframes', 'UNEXPECTED_RESPONSE'],
  ['101 without Connection: upgrade', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nframes', 'UNEXPECTED_RESPONSE'],
  ['too many fields', 'HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n', 'TOO_MANY_HEADERS'],
];

const cases: readonly (readonly [string, string, readonly string[], Record<string, unknown>, string])[] = [
  ['a Content-Length body', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nxyz', ['GET'],
    { status: 200, reason: 'OK', versionMinor: 1, body: 'length', contentLength: 3, keepAlive: true, upgrade: false }, 'xyz'],
  ['a status line without reason phrase', 'HTTP/1.1 204\r\n\r\n', ['GET'], { status: 204, reason: '', body: 'none' }, ''],
  ['an empty reason phrase', 'HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n', ['GET'], { reason: '' }, ''],
  ['a reason phrase with HTAB, SP and obs-text', 'HTTP/1.1 200  caf\xe9\tok\r\nContent-Length: 0\r\n\r\n', ['GET'], { reason: ' caf\xe9\tok' }, ''],
  ['a status above 599', 'HTTP/1.1 999 Internal\r\nContent-Length: 0\r\n\r\n', ['GET'], { status: 999 }, ''],
  ['a chunked body', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n', ['GET'], { body: 'chunked', keepAlive: true }, 'xyz'],
  ['a body delimited by close in HTTP/1.1', 'HTTP/1.1 200 OK\r\n\r\nall of it', ['GET'], { body: 'close', keepAlive: false }, 'all of it'],
  ['a body delimited by close in HTTP/1.0', 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nall', ['GET'], { body: 'close', keepAlive: false }, 'all'],
  ['HTTP/1.0 keep-alive with Content-Length', 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\nx', ['GET'], { keepAlive: true }, 'x'],
  ['HTTP/1.0 chunked (processed, then close)', 'HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n', ['GET'], { body: 'chunked', keepAlive: false }, 'x'],
  ['Connection: close', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx', ['GET'], { keepAlive: false }, 'x'],
  ['a HEAD response with Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', ['HEAD'], { body: 'none', contentLength: -1 }, ''],
  ['a HEAD response with chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', ['HEAD'], { body: 'none' }, ''],
  ['a 204 with Content-Length', 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n', ['GET'], { body: 'none', keepAlive: true }, ''],
  ['a 304 with chunked', 'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n', ['GET'], { body: 'none' }, ''],
];

describe('response parser: refusals', () => {
  for (const [title, input, code] of refusals) {
    it(`refuses ${title} with ${code}`, () => {
      const { log, parser } = parse(input, ['GET'], { maxHeaderCount: 2 });
      assert.equal(log.error, code, JSON.stringify(log.events));
      assert.equal(parser.finish(), code);
    });
  }

  it('refuses bytes that arrive while no request is outstanding with UNEXPECTED_RESPONSE', () => {
    assert.equal(parse('HTTP/1.1 408 Request Timeout\r\n\r\n', []).log.error, 'UNEXPECTED_RESPONSE');
    const { log } = parse('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n', ['GET']);
    assert.deepEqual(log.events.map((e) => e.type), ['head', 'complete', 'error']);
  });

  it('refuses a status line over maxRequestLineBytes and a head over maxHeaderBytes with HEAD_TOO_LARGE', () => {
    assert.equal(parse(`HTTP/1.1 200 ${'x'.repeat(50)}\r\n\r\n`, ['GET'], { maxRequestLineBytes: 30 }).log.error, 'HEAD_TOO_LARGE');
    assert.equal(parse(`HTTP/1.1 200 OK\r\nA: ${'x'.repeat(50)}\r\n\r\n`, ['GET'], { maxHeaderBytes: 40 }).log.error, 'HEAD_TOO_LARGE');
  });

  it('reports a response cut short as TRUNCATED', () => {
    for (const input of ['HTTP/1.1 200 OK\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n']) {
      assert.equal(parse(input).parser.finish(), 'TRUNCATED', JSON.stringify(input));
    }
  });
});

describe('response parser: framing', () => {
  for (const [title, input, methods, expected, body] of cases) {
    it(`frames ${title}`, () => {
      const { log, parser } = parse(input, methods);
      assert.equal(parser.finish(), null);
      assert.equal(log.error, undefined, JSON.stringify(log.events));
      const head = log.heads()[0]!;
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(head[key], value, key);
      const data = log.events.flatMap((e) => (e.type === 'body' ? [e.data] : [])).join('');
      assert.equal(data, body);
      assert.equal(log.events.at(-1)?.type, 'complete');
      assert.equal(parser.outstanding, 0);
    });
  }

  it('relays informational responses before the final one and ignores their framing fields', () => {
    const { log } = parse('\r\nHTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n'
      + 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    assert.deepEqual(log.events.map((e) => (e.type === 'informational' ? `${e.status}` : e.type)), ['100', '103', 'head', 'body', 'complete']);
    assert.deepEqual(log.events[1], { type: 'informational', status: 103, headers: ['Link', '</a.css>'] });
  });

  it('refuses a final head after an informational head that closed the connection (HTTP/1.0), as llhttp does', () => {
    const { log } = parse('HTTP/1.0 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    assert.deepEqual(log.events.map((e) => e.type), ['informational', 'error']);
    assert.equal(log.error, 'DATA_AFTER_CLOSE');
  });

  it('stops after 101 and leaves the new protocol bytes unconsumed', () => {
    const head = 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
    const { parser, consumed, log } = parse(`${head}\x81\x02hi`);
    assert.equal(consumed, head.length);
    assert.equal(parser.upgraded, true);
    assert.deepEqual(log.heads()[0]!.upgrade, true);
    assert.equal(parser.finish(), null);
  });

  it('treats a 2xx answer to CONNECT as the start of a tunnel', () => {
    const head = 'HTTP/1.1 200 Connection Established\r\n\r\n';
    const { parser, consumed } = parse(`${head}tunnel bytes`, ['CONNECT']);
    assert.equal(consumed, head.length);
    assert.equal(parser.upgraded, true);
  });

  it('matches pipelined responses to the methods in order (HEAD has no body)', () => {
    const { log } = parse('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc', ['HEAD', 'GET']);
    assert.deepEqual(log.events.map((e) => e.type), ['head', 'complete', 'head', 'body', 'complete']);
  });

  it('completes a close-delimited body when the server closes', () => {
    const { parser, log } = parse('HTTP/1.1 200 OK\r\n\r\npartial');
    assert.deepEqual(log.events.map((e) => e.type), ['head', 'body']);
    assert.equal(parser.finish(), null);
    assert.equal(log.events.at(-1)?.type, 'complete');
  });
});

describe('response parser: fragmentation', () => {
  it('gives the same events for every table input (refusals and framings) however it is split', () => {
    const inputs = [
      ...refusals.map(([, text]) => [text, ['GET']] as const),
      ...cases.map(([, text, methods]) => [text, methods] as const),
    ];
    for (const [text, methods] of inputs) {
      const input = bytes(text);
      const reference = recordingResponseParser({ maxHeaderCount: 2 });
      for (const method of methods) reference.parser.expect(method);
      reference.parser.execute(input);
      const finish = reference.parser.finish();
      for (let i = 0; i <= input.length; i++) {
        const pieces = i === input.length ? byteByByte(input) : [input.subarray(0, i), input.subarray(i)];
        const { parser, log } = recordingResponseParser({ maxHeaderCount: 2 });
        for (const method of methods) parser.expect(method);
        feed(parser, pieces);
        assert.equal(parser.finish(), finish, `${JSON.stringify(text)} split at ${i}`);
        assert.deepEqual(log.events, reference.log.events, `${JSON.stringify(text)} split at ${i}`);
      }
    }
  });

  it('has refusal cases for the codes only a response can produce', () => {
    const responseCodes = new Set<string>(refusals.map(([, , code]) => code));
    for (const code of ['BAD_STATUS_LINE', 'UNEXPECTED_RESPONSE']) assert.ok(responseCodes.has(code), code);
  });

  const corpus: readonly (readonly [string, readonly string[]])[] = [
    ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x="y"\r\nabcd\r\n0\r\nT: 1\r\n\r\n', ['POST']],
    ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.0 200 OK\r\n\r\nrest', ['GET', 'GET', 'GET']],
    ['HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n\x00\x01', ['GET']],
    ['HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n', ['GET']],
  ];
  for (const [text, methods] of corpus) {
    const input = bytes(text);
    it(`gives the same events for ${JSON.stringify(text.slice(0, 40))} however it is split`, () => {
      const reference = recordingResponseParser();
      for (const method of methods) reference.parser.expect(method);
      const consumed = reference.parser.execute(input);
      const finish = reference.parser.finish();
      const splits: Buffer[][] = [byteByByte(input)];
      for (let i = 1; i < input.length; i++) splits.push([input.subarray(0, i), input.subarray(i)]);
      for (const pieces of splits) {
        const { parser, log } = recordingResponseParser();
        for (const method of methods) parser.expect(method);
        const n = feed(parser, pieces);
        if (reference.log.error === undefined) assert.equal(n, consumed);
        assert.equal(parser.finish(), finish);
        assert.deepEqual(log.events, reference.log.events);
      }
    });
  }
});
