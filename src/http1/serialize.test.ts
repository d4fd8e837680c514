import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CRLF, Http1SerializeError, chunkHeader, frameChunk, lastChunk, serializeFieldLines, serializeRequestHead, serializeResponseHead,
} from './serialize.ts';
import { recordingRequestParser, recordingResponseParser } from './parser-test-support.ts';

describe('serialize: heads', () => {
  it('writes a response head with raw pairs in order', () => {
    const head = serializeResponseHead(200, 'OK', ['Content-Length', '2', 'set-cookie', 'a=1', 'Set-Cookie', 'b=2']);
    assert.equal(head.toString('latin1'), 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n');
  });

  it('writes an HTTP/1.0 status line and an empty reason', () => {
    assert.equal(serializeResponseHead(204, '', [], 0).toString('latin1'), 'HTTP/1.0 204 \r\n\r\n');
  });

  it('writes a request head', () => {
    assert.equal(serializeRequestHead('GET', '/a?b', ['Host', 'x']).toString('latin1'), 'GET /a?b HTTP/1.1\r\nHost: x\r\n\r\n');
  });

  it('writes field lines alone for splicing after raw head bytes', () => {
    assert.equal(serializeFieldLines(['X-Forwarded-For', '10.0.0.1', 'X-Empty', '']).toString('latin1'), 'X-Forwarded-For: 10.0.0.1\r\nX-Empty: \r\n');
  });

  it('round-trips through the parsers: what it writes parses back to the same pairs', () => {
    const pairs = ['Host', 'example.test', 'X-Latin1', 'caf\xe9', 'X-Tab', 'a\tb', 'Transfer-Encoding', 'chunked'];
    const request = recordingRequestParser();
    request.parser.execute(Buffer.concat([serializeRequestHead('POST', '/up', pairs), ...frameChunk(Buffer.from('data')), lastChunk(['X-Sum', '9'])]));
    assert.deepEqual(request.log.events.map((e) => e.type), ['head', 'body', 'trailers', 'complete']);
    assert.deepEqual(request.log.heads()[0]!.headers, pairs);
    const response = recordingResponseParser();
    response.parser.expect('GET');
    response.parser.execute(Buffer.concat([serializeResponseHead(404, 'Not Found', ['Content-Length', '0'])]));
    assert.equal(response.log.heads()[0]!.status, 404);
    assert.equal(response.log.events.at(-1)?.type, 'complete');
  });

  const refusals: readonly (readonly [string, () => unknown, Http1SerializeError['code']])[] = [
    ['a field name with a space', () => serializeFieldLines(['X Bad', 'v']), 'INVALID_FIELD_NAME'],
    ['an empty field name', () => serializeFieldLines(['', 'v']), 'INVALID_FIELD_NAME'],
    ['a field name with a colon', () => serializeFieldLines(['X:', 'v']), 'INVALID_FIELD_NAME'],
    ['CRLF in a field value (header injection)', () => serializeFieldLines(['X', 'a\r\nEvil: 1']), 'INVALID_FIELD_VALUE'],
    ['a bare LF in a field value', () => serializeFieldLines(['X', 'a\nb']), 'INVALID_FIELD_VALUE'],
    ['NUL in a field value', () => serializeFieldLines(['X', 'a\0b']), 'INVALID_FIELD_VALUE'],
    ['a char above 0xff in a field value', () => serializeFieldLines(['X', 'snow\u2603']), 'INVALID_FIELD_VALUE'],
    ['a method with a space', () => serializeRequestHead('GE T', '/', []), 'INVALID_METHOD'],
    ['a target with a space', () => serializeRequestHead('GET', '/a b', []), 'INVALID_TARGET'],
    ['an empty target', () => serializeRequestHead('GET', '', []), 'INVALID_TARGET'],
    ['a status below 100', () => serializeResponseHead(99, 'x', []), 'INVALID_STATUS'],
    ['a status above 999', () => serializeResponseHead(1000, 'x', []), 'INVALID_STATUS'],
    ['CRLF in a reason phrase', () => serializeResponseHead(200, 'OK\r\nX: 1', []), 'INVALID_REASON'],
    ['a chunk size of 0', () => chunkHeader(0), 'INVALID_CHUNK_SIZE'],
    ['a fractional chunk size', () => chunkHeader(1.5), 'INVALID_CHUNK_SIZE'],
    ['CRLF in a trailer value', () => lastChunk(['X', '1\r\n\r\nGET / HTTP/1.1']), 'INVALID_FIELD_VALUE'],
  ];
  for (const [title, run, code] of refusals) {
    it(`refuses ${title} with ${code}`, () => {
      assert.throws(run, (error: unknown) => error instanceof Http1SerializeError && error.code === code);
    });
  }

  it('refuses an odd number of header entries', () => {
    assert.throws(() => serializeFieldLines(['X']), TypeError);
  });
});

describe('serialize: chunk framing', () => {
  it('frames a chunk as size line, data and CRLF without copying the data', () => {
    const data = Buffer.alloc(300, 0x61);
    const framed = frameChunk(data);
    assert.equal(framed[0]!.toString('latin1'), '12c\r\n');
    assert.equal(framed[1], data);
    assert.equal(framed[2], CRLF);
    assert.deepEqual(frameChunk(Buffer.alloc(0)), []);
  });

  it('writes the last chunk with and without trailers', () => {
    assert.equal(lastChunk().toString('latin1'), '0\r\n\r\n');
    assert.equal(lastChunk(['X-Checksum', 'abc']).toString('latin1'), '0\r\nX-Checksum: abc\r\n\r\n');
  });
});
