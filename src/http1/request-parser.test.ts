import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { byteByByte, bytes, feed, recordingRequestParser } from './parser-test-support.ts';
import { parseErrorCodes, type ParseErrorCode } from './parse-error-code.ts';
import { createRequestParser } from './request-parser.ts';

const H = 'Host: example.test\r\n';

function parse(input: string, limits?: Parameters<typeof recordingRequestParser>[0]) {
  const { parser, log } = recordingRequestParser(limits);
  const consumed = parser.execute(bytes(input));
  return { parser, log, consumed };
}

const refusals: readonly (readonly [string, string, ParseErrorCode])[] = [
  ['a method that is not a token', `G@T / HTTP/1.1\r\n${H}\r\n`, 'BAD_REQUEST_LINE'],
  ['a request line starting with SP', ` GET / HTTP/1.1\r\n${H}\r\n`, 'BAD_REQUEST_LINE'],
  ['HTAB after the method', `GET\t/ HTTP/1.1\r\n${H}\r\n`, 'BAD_REQUEST_LINE'],
  ['two SPs after the method', `GET  / HTTP/1.1\r\n${H}\r\n`, 'BAD_REQUEST_LINE'],
  ['two SPs before the version', `GET /  HTTP/1.1\r\n${H}\r\n`, 'BAD_REQUEST_LINE'],
  ['no version (HTTP/0.9 simple request)', `GET /\r\n\r\n`, 'BAD_REQUEST_LINE'],
  ['an origin-form target not starting with /', `GET foo HTTP/1.1\r\n${H}\r\n`, 'BAD_REQUEST_LINE'],
  ['an absolute-form target without //', `GET urn:x HTTP/1.1\r\n${H}\r\n`, 'BAD_REQUEST_LINE'],
  ['a scheme with a digit', `GET h2://a/ HTTP/1.1\r\n${H}\r\n`, 'BAD_REQUEST_LINE'],
  ['a quote in the authority', `GET http://a"b/ HTTP/1.1\r\n${H}\r\n`, 'BAD_REQUEST_LINE'],
  ['obs-text in the target', `GET /\x80 HTTP/1.1\r\n${H}\r\n`, 'BAD_REQUEST_LINE'],
  ['HTAB in the target', `GET /a\tb HTTP/1.1\r\n${H}\r\n`, 'NUL_OR_CONTROL_BYTE'],
  ['NUL in the target', `GET /a\x00b HTTP/1.1\r\n${H}\r\n`, 'NUL_OR_CONTROL_BYTE'],
  ['DEL in the target', `GET /a\x7fb HTTP/1.1\r\n${H}\r\n`, 'NUL_OR_CONTROL_BYTE'],
  ['HTTP/1.2', `GET / HTTP/1.2\r\n${H}\r\n`, 'BAD_VERSION'],
  ['HTTP/2.0', `GET / HTTP/2.0\r\n${H}\r\n`, 'BAD_VERSION'],
  ['HTTP/0.9 with a version', `GET / HTTP/0.9\r\n\r\n`, 'BAD_VERSION'],
  ['a lowercase protocol name', `GET / http/1.1\r\n${H}\r\n`, 'BAD_VERSION'],
  ['RTSP/1.0', `GET / RTSP/1.0\r\n${H}\r\n`, 'BAD_VERSION'],
  ['SP after the version', `GET / HTTP/1.1 \r\n${H}\r\n`, 'BAD_VERSION'],
  ['a bare CR after the version', `GET / HTTP/1.1\r\r\n${H}\r\n`, 'BAD_VERSION'],
  ['a bare LF ending the request line', `GET / HTTP/1.1\n${H}\r\n`, 'BARE_LF'],
  ['a bare LF ending a field line', `GET / HTTP/1.1\r\nHost: a\n\r\n`, 'BARE_LF'],
  ['a bare LF ending the head', `GET / HTTP/1.1\r\n${H}\n`, 'BARE_LF'],
  ['a field line without colon', `GET / HTTP/1.1\r\n${H}Foo\r\n\r\n`, 'BAD_HEADER_NAME'],
  ['an empty field name', `GET / HTTP/1.1\r\n${H}: x\r\n\r\n`, 'BAD_HEADER_NAME'],
  ['SP inside a field name (llhttp refuses whitespace after a name whatever follows)', `GET / HTTP/1.1\r\n${H}A B: x\r\n\r\n`, 'WHITESPACE_BEFORE_COLON'],
  ['a non-token byte in a field name', `GET / HTTP/1.1\r\n${H}A{: x\r\n\r\n`, 'BAD_HEADER_NAME'],
  ['obs-text in a field name', `GET / HTTP/1.1\r\n${H}\x80: x\r\n\r\n`, 'BAD_HEADER_NAME'],
  ['SP before the colon', `GET / HTTP/1.1\r\n${H}Content-Length : 1\r\n\r\na`, 'WHITESPACE_BEFORE_COLON'],
  ['HTAB before the colon', `GET / HTTP/1.1\r\n${H}A\t: x\r\n\r\n`, 'WHITESPACE_BEFORE_COLON'],
  ['obs-fold', `GET / HTTP/1.1\r\n${H}A: b\r\n c\r\n\r\n`, 'OBS_FOLD'],
  ['whitespace after the request line', `GET / HTTP/1.1\r\n A: b\r\n${H}\r\n`, 'OBS_FOLD'],
  ['NUL in a field value', `GET / HTTP/1.1\r\n${H}A: b\x00c\r\n\r\n`, 'NUL_OR_CONTROL_BYTE'],
  ['a control byte in a field value', `GET / HTTP/1.1\r\n${H}A: b\x01c\r\n\r\n`, 'NUL_OR_CONTROL_BYTE'],
  ['DEL in a field value', `GET / HTTP/1.1\r\n${H}A: b\x7fc\r\n\r\n`, 'NUL_OR_CONTROL_BYTE'],
  ['a bare CR in a field value', `GET / HTTP/1.1\r\n${H}A: b\rc\r\n\r\n`, 'BAD_HEADER_VALUE'],
  ['a sign in Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\nabc`, 'BAD_CONTENT_LENGTH'],
  ['two numbers in Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 3 3\r\n\r\nabc`, 'BAD_CONTENT_LENGTH'],
  ['a list in Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 3, 3\r\n\r\nabc`, 'BAD_CONTENT_LENGTH'],
  ['an empty Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: \r\n\r\n`, 'BAD_CONTENT_LENGTH'],
  ['a Content-Length above 2^53-1', `POST / HTTP/1.1\r\n${H}Content-Length: 9007199254740992\r\n\r\n`, 'BAD_CONTENT_LENGTH'],
  ['a Content-Length above 2^64', `POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999999\r\n\r\n`, 'BAD_CONTENT_LENGTH'],
  ['two identical Content-Length fields', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`, 'DUPLICATE_CONTENT_LENGTH'],
  ['two different Content-Length fields', `POST / HTTP/1.1\r\n${H}content-length: 1\r\nCONTENT-LENGTH: 2\r\n\r\nab`, 'DUPLICATE_CONTENT_LENGTH'],
  ['Transfer-Encoding then Content-Length (TE.CL)', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`, 'CONTENT_LENGTH_WITH_TRANSFER_ENCODING'],
  ['Content-Length then Transfer-Encoding (CL.TE)', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 'CONTENT_LENGTH_WITH_TRANSFER_ENCODING'],
  ['Transfer-Encoding: gzip', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\nabc`, 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['Transfer-Encoding: gzip, chunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`, 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['Transfer-Encoding: chunked, gzip', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n`, 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['Transfer-Encoding: chunked twice in one field', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`, 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['Transfer-Encoding: chunked in two fields', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['Transfer-Encoding: chunked with a trailing comma', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n`, 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['Transfer-Encoding: xchunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`, 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['Transfer-Encoding: chunked;q=1', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n`, 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['an empty Transfer-Encoding', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: \r\n\r\n0\r\n\r\n`, 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['Transfer-Encoding: identity', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity\r\n\r\n`, 'UNSUPPORTED_TRANSFER_ENCODING'],
  ['an HTTP/1.1 request without Host', 'GET / HTTP/1.1\r\n\r\n', 'MISSING_HOST'],
  ['two Host fields', `GET / HTTP/1.1\r\n${H}Host: other.test\r\n\r\n`, 'DUPLICATE_HOST'],
  ['two Host fields in HTTP/1.0', `GET / HTTP/1.0\r\nhost: a\r\nHOST: a\r\n\r\n`, 'DUPLICATE_HOST'],
  ['a chunk size that is not hex', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nx\r\n`, 'BAD_CHUNK_SIZE'],
  ['an empty chunk size', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_SIZE'],
  ['a 0x prefix on a chunk size', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_SIZE'],
  ['a negative chunk size', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_SIZE'],
  ['SP after a chunk size', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_SIZE'],
  ['HTAB after a chunk size', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\t\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_SIZE'],
  ['a bare CR after a chunk size', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\rabc\r\n0\r\n\r\n`, 'BAD_CHUNK_SIZE'],
  ['a bare LF after a chunk size', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n`, 'BARE_LF'],
  ['a chunk size of 2^53', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n20000000000000\r\n`, 'CHUNK_SIZE_OVERFLOW'],
  ['a chunk size of 2^64', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\n`, 'CHUNK_SIZE_OVERFLOW'],
  ['whitespace before a chunk extension', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3 ;a=b\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_SIZE'],
  ['whitespace inside a chunk extension', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3; a=b\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_EXTENSION'],
  ['an empty chunk extension', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_EXTENSION'],
  ['a non-token chunk extension value', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;a=b@\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_EXTENSION'],
  ['a control byte in a quoted chunk extension', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;a="\x01"\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_EXTENSION'],
  ['bytes after a quoted chunk extension', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;a="b"c\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_EXTENSION'],
  ['an unterminated quoted chunk extension', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;a="b\r\nabc\r\n0\r\n\r\n`, 'BAD_CHUNK_EXTENSION'],
  ['a bare LF after a chunk extension', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;a=b\nabc\r\n0\r\n\r\n`, 'BARE_LF'],
  ['chunk data longer than its size', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n`, 'BAD_CHUNK_TERMINATOR'],
  ['chunk data followed by CR CR', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\r\n0\r\n\r\n`, 'BAD_CHUNK_TERMINATOR'],
  ['chunk data followed by a bare LF', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n`, 'BARE_LF'],
  ['a bare LF ending the trailer section', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\n\n`, 'BARE_LF'],
  ['a trailer with SP before the colon', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nA : b\r\n\r\n`, 'BAD_TRAILER'],
  ['an obs-folded trailer', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nA: b\r\n c\r\n\r\n`, 'BAD_TRAILER'],
  ['a control byte in a trailer', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nA: b\x01\r\n\r\n`, 'BAD_TRAILER'],
  ['Content-Length in a trailer', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n`, 'BAD_TRAILER'],
  ['Transfer-Encoding in a trailer', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n`, 'BAD_TRAILER'],
  ['garbage after a complete message', `GET / HTTP/1.1\r\n${H}\r\n\x01\r\n`, 'BAD_REQUEST_LINE'],
];

const limitRefusals: readonly (readonly [string, string, Record<string, number>, ParseErrorCode])[] = [
  ['a request line over maxRequestLineBytes', `GET /${'a'.repeat(20)} HTTP/1.1\r\n${H}\r\n`, { maxRequestLineBytes: 20 }, 'REQUEST_LINE_TOO_LONG'],
  ['an unfinished request line over maxRequestLineBytes', `GET /${'a'.repeat(40)}`, { maxRequestLineBytes: 20 }, 'REQUEST_LINE_TOO_LONG'],
  ['a head over maxHeaderBytes', `GET / HTTP/1.1\r\n${H}X: ${'a'.repeat(100)}\r\n\r\n`, { maxHeaderBytes: 100 }, 'HEAD_TOO_LARGE'],
  ['an unfinished head over maxHeaderBytes', `GET / HTTP/1.1\r\n${H}X: ${'a'.repeat(100)}`, { maxHeaderBytes: 100 }, 'HEAD_TOO_LARGE'],
  ['more fields than maxHeaderCount', `GET / HTTP/1.1\r\n${H}A: 1\r\nB: 2\r\n\r\n`, { maxHeaderCount: 2 }, 'TOO_MANY_HEADERS'],
  ['more trailer fields than maxHeaderCount', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n`, { maxHeaderCount: 2 }, 'TOO_MANY_HEADERS'],
  ['a trailer section over maxHeaderBytes', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nA: ${'a'.repeat(80)}\r\n\r\n`, { maxHeaderBytes: 80 }, 'HEAD_TOO_LARGE'],
  ['chunk extensions over maxChunkExtensionBytes', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n1;a=${'b'.repeat(20)}\r\nx\r\n0\r\n\r\n`, { maxChunkExtensionBytes: 16 }, 'BAD_CHUNK_EXTENSION'],
];

const accepted: readonly (readonly [string, string, Record<string, unknown>])[] = [
  ['a simple GET', `GET /path?q=1 HTTP/1.1\r\n${H}\r\n`,
    { method: 'GET', target: '/path?q=1', versionMinor: 1, body: 'none', contentLength: -1, keepAlive: true, upgrade: false, expectContinue: false }],
  ['an extension method', `PURGE-ALL * HTTP/1.1\r\n${H}\r\n`, { method: 'PURGE-ALL', target: '*' }],
  ['an absolute-form target', `GET http://user@[::1]:80/a?b#c HTTP/1.1\r\n${H}\r\n`, { target: 'http://user@[::1]:80/a?b#c' }],
  ['every VCHAR in an origin-form target', `GET /!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~ HTTP/1.1\r\n${H}\r\n`, { target: '/!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' }],
  ['HTTP/1.0 without Host', 'GET / HTTP/1.0\r\n\r\n', { versionMinor: 0, keepAlive: false }],
  ['HTTP/1.0 with keep-alive', 'GET / HTTP/1.0\r\nConnection: x, Keep-Alive\r\n\r\n', { keepAlive: true }],
  ['HTTP/1.0 with keep-alive and close', 'GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n', { keepAlive: false }],
  ['HTTP/1.1 with close among other tokens', `GET / HTTP/1.1\r\n${H}Connection: foo , CLOSE\r\n\r\n`, { keepAlive: false }],
  ['HTTP/1.1 with a token that merely contains close', `GET / HTTP/1.1\r\n${H}Connection: closed, x close\r\n\r\n`, { keepAlive: true }],
  ['HTTP/1.1 with close in a second Connection field', `GET / HTTP/1.1\r\n${H}Connection: keep-alive\r\nConnection: close\r\n\r\n`, { keepAlive: false }],
  ['Proxy-Connection: close (read like Connection, as llhttp does)', `GET / HTTP/1.1\r\n${H}Proxy-Connection: close\r\n\r\n`, { keepAlive: false }],
  ['a Content-Length body', `POST / HTTP/1.1\r\n${H}Content-Length: 003 \r\n\r\nabc`, { body: 'length', contentLength: 3 }],
  ['Content-Length: 0', `POST / HTTP/1.1\r\n${H}Content-Length: 0\r\n\r\n`, { body: 'length', contentLength: 0 }],
  ['a chunked body with case and leading empty list elements', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: , CHUNKED \r\n\r\n0\r\n\r\n`, { body: 'chunked', contentLength: -1 }],
  ['chunked in HTTP/1.0 (processed, then the connection closes)', 'POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', { body: 'chunked', keepAlive: false }],
  ['Expect: 100-continue in any case', `POST / HTTP/1.1\r\n${H}Expect: 100-Continue\r\nContent-Length: 1\r\n\r\nx`, { expectContinue: true }],
  ['Expect: 100-continue in HTTP/1.0 (ignored)', 'POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx', { expectContinue: false }],
  ['an upgrade', `GET /ws HTTP/1.1\r\n${H}Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n`, { upgrade: true }],
  ['Upgrade without Connection: upgrade', `GET / HTTP/1.1\r\n${H}Upgrade: websocket\r\n\r\n`, { upgrade: false }],
  ['Connection: upgrade without Upgrade', `GET / HTTP/1.1\r\n${H}Connection: upgrade\r\n\r\n`, { upgrade: false }],
  ['Connection: upgrade with an empty Upgrade', `GET / HTTP/1.1\r\n${H}Connection: upgrade\r\nUpgrade:\r\n\r\n`, { upgrade: false }],
  ['CONNECT (a tunnel: body framing ignored)', `CONNECT a.test:443 HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\n`, { method: 'CONNECT', target: 'a.test:443', upgrade: true, body: 'none', contentLength: -1 }],
];

const earlyRefusals: readonly (readonly [string, string, ParseErrorCode])[] = [
  ['a TLS ClientHello on a plain connection', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 'BAD_REQUEST_LINE'],
  ['a CR right after the method', 'GET\r', 'BAD_REQUEST_LINE'],
  ['NUL in a target', 'GET /a\x00', 'NUL_OR_CONTROL_BYTE'],
  ['an origin-form target not starting with /', 'GET abc ', 'BAD_REQUEST_LINE'],
  ['a version that is not HTTP/1.x', 'GET / HTTP/2', 'BAD_VERSION'],
  ['a field name with NUL', `GET / HTTP/1.1\r\n${H}X\x00`, 'BAD_HEADER_NAME'],
  ['whitespace before a colon', `GET / HTTP/1.1\r\n${H}X :`, 'WHITESPACE_BEFORE_COLON'],
  ['a control byte in a field value', `GET / HTTP/1.1\r\n${H}X: a\x01`, 'NUL_OR_CONTROL_BYTE'],
  ['a CR inside a field value', `GET / HTTP/1.1\r\n${H}X: a\rb`, 'BAD_HEADER_VALUE'],
  ['obs-fold', `GET / HTTP/1.1\r\n${H}X: a\r\n `, 'OBS_FOLD'],
  ['one field too many', `GET / HTTP/1.1\r\n${H}A: 1\r\nB: 2\r\nC`, 'TOO_MANY_HEADERS'],
  ['a bad trailer name', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nA{`, 'BAD_TRAILER'],
];

describe('request parser: refusals', () => {
  for (const [title, input, code] of refusals) {
    it(`refuses ${title} with ${code}`, () => {
      const { log, parser } = parse(input);
      assert.equal(log.error, code, JSON.stringify(log.events));
      assert.equal(parser.finish(), code);
      assert.equal(parser.execute(bytes('GET / HTTP/1.1\r\n')), 0, 'a refused parser consumes nothing more');
    });
  }

  for (const [title, input, code] of earlyRefusals) {
    it(`refuses ${title} at the first impossible byte, before the line ends (${code})`, () => {
      assert.equal(parse(input, { maxHeaderCount: 3 }).log.error, code);
    });
  }

  it('waits for the next byte when a CR may end the line or sit inside it', () => {
    for (const input of ['GET /\r', 'GET / HTTP/1.1\r', `GET / HTTP/1.1\r\n${H}X: a\r`, `GET / HTTP/1.1\r\n${H}\r`]) {
      const { log, parser } = parse(input);
      assert.equal(log.error, undefined, JSON.stringify(input));
      assert.equal(parser.finish(), 'TRUNCATED');
    }
  });

  it('refuses bytes after a request that closes the connection with DATA_AFTER_CLOSE, and accepts CRLFs there', () => {
    for (const first of [`GET /1 HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 'GET /1 HTTP/1.0\r\n\r\n']) {
      const { log } = parse(`${first}\r\nGET /admin HTTP/1.1\r\n${H}\r\n`);
      assert.deepEqual(log.events.map((e) => e.type), ['head', 'complete', 'error']);
      assert.equal(log.error, 'DATA_AFTER_CLOSE');
      const clean = parse(`${first}\r\n\r\n`);
      assert.equal(clean.log.error, undefined);
      assert.equal(clean.parser.finish(), null);
    }
  });

  for (const [title, input, limits, code] of limitRefusals) {
    it(`refuses ${title} with ${code}`, () => {
      assert.equal(parse(input, limits).log.error, code);
    });
  }

  it('accepts a head of exactly maxHeaderBytes and a request line of exactly maxRequestLineBytes', () => {
    const input = `GET /${'a'.repeat(10)} HTTP/1.1\r\n${H}\r\n`;
    const { log } = parse(input, { maxHeaderBytes: input.length, maxRequestLineBytes: input.indexOf('\r') });
    assert.equal(log.error, undefined);
    assert.equal(parse(input, { maxHeaderBytes: input.length - 1 }).log.error, 'HEAD_TOO_LARGE');
    assert.equal(parse(input, { maxRequestLineBytes: input.indexOf('\r') - 1 }).log.error, 'REQUEST_LINE_TOO_LONG');
  });

  it('has a refusal case for every ParseErrorCode that a request can produce', () => {
    const covered = new Set<string>([...refusals, ...earlyRefusals].map(([, , code]) => code));
    for (const [, , , code] of limitRefusals) covered.add(code);
    covered.add('DATA_AFTER_CLOSE');
    const responseOnly = new Set(['BAD_STATUS_LINE', 'UNEXPECTED_RESPONSE']);
    for (const code of parseErrorCodes) {
      if (!responseOnly.has(code)) assert.ok(covered.has(code), `no request refusal case for ${code}`);
    }
  });

  it('rejects limits that are not positive integers', () => {
    assert.throws(() => recordingRequestParser({ maxHeaderCount: 0 }), RangeError);
    assert.throws(() => recordingRequestParser({ maxHeaderBytes: 1.5 }), RangeError);
  });

  it('reports a message cut short by the end of the connection as TRUNCATED', () => {
    for (const input of [`GET / HTTP/1.1\r\n${H}`, `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nab`,
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n`, 'G']) {
      assert.equal(parse(input).parser.finish(), 'TRUNCATED', JSON.stringify(input));
    }
  });

  it('finishes cleanly between messages, even after separating CRLFs', () => {
    assert.equal(parse(`GET / HTTP/1.1\r\n${H}\r\n\r\n`).parser.finish(), null);
    assert.equal(parse('').parser.finish(), null);
  });
});

describe('request parser: accepted heads', () => {
  for (const [title, input, expected] of accepted) {
    it(`accepts ${title}`, () => {
      const { log } = parse(input);
      assert.equal(log.error, undefined, JSON.stringify(log.events));
      const head = log.heads()[0]!;
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(head[key], value, key);
    });
  }

  it('reports raw header pairs with names as received and values trimmed of OWS only', () => {
    const input = `GET / HTTP/1.1\r\n${H}X-Empty:\r\nX-Tabs: \t a \t b\t \r\nx-dup: 1\r\nX-Dup: 2\r\nX-Obs: caf\xe9\r\n\r\n`;
    const head = parse(input).log.heads()[0]!;
    assert.deepEqual(head.headers, ['Host', 'example.test', 'X-Empty', '', 'X-Tabs', 'a \t b', 'x-dup', '1', 'X-Dup', '2', 'X-Obs', 'caf\xe9']);
    assert.equal(head.rawHead, input);
  });

  it('skips CR and LF bytes before a request line, as llhttp does', () => {
    const { log } = parse(`\r\n\n\r\rGET / HTTP/1.1\r\n${H}\r\n`);
    assert.equal(log.error, undefined);
    assert.equal(log.heads()[0]!.rawHead, `GET / HTTP/1.1\r\n${H}\r\n`);
  });
});

describe('request parser: bodies and trailers', () => {
  it('delivers a Content-Length body and leaves the next request for the next message', () => {
    const { log, consumed } = parse(`POST / HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n${H}\r\n`);
    assert.deepEqual(log.events.map((e) => e.type), ['head', 'body', 'complete', 'head', 'complete']);
    assert.deepEqual(log.events[1], { type: 'body', data: 'hello' });
    assert.equal(consumed, Buffer.byteLength(`POST / HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n${H}\r\n`));
  });

  it('gives a request without Content-Length or Transfer-Encoding no body', () => {
    const { log } = parse(`POST / HTTP/1.1\r\n${H}\r\nabc\r\n`);
    assert.equal(log.error, 'BAD_REQUEST_LINE');
    assert.deepEqual(log.events.slice(0, 2).map((e) => e.type), ['head', 'complete']);
  });

  it('decodes chunks with extensions and reports trailers', () => {
    const input = `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n`
      + '3;a=b;c="d \\"e\\"";f\r\nabc\r\n000A;=;x=\r\n0123456789\r\n0;last\r\nX-Sum: 1 \r\nHost: t\r\n\r\n';
    const { log } = parse(input);
    assert.equal(log.error, undefined, JSON.stringify(log.events));
    assert.deepEqual(log.events.slice(1), [
      { type: 'body', data: 'abc0123456789' },
      { type: 'trailers', pairs: ['X-Sum', '1', 'Host', 't'] },
      { type: 'complete' },
    ]);
  });

  it('reports no trailers event when the trailer section is empty', () => {
    const { log } = parse(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n`);
    assert.deepEqual(log.events.map((e) => e.type), ['head', 'body', 'complete']);
  });

  it('accepts chunk sizes with leading zeros and up to 2^53-1', () => {
    const { log } = parse(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n${'0'.repeat(40)}1\r\na\r\n1FFFFFFFFFFFFF\r\n`);
    assert.equal(log.error, undefined);
    assert.deepEqual(log.events.map((e) => e.type), ['head', 'body']);
  });

  it('hands body bytes out as views of the input without copying', () => {
    const input = bytes(`POST / HTTP/1.1\r\n${H}Content-Length: 4\r\n\r\nbody`);
    let seen: Buffer | undefined;
    const parser = createRequestParser({
      onHead() {}, onBody: (chunk) => { seen = chunk; }, onTrailers() {}, onMessageComplete() {}, onError() {},
    });
    parser.execute(input);
    assert.ok(seen !== undefined && seen.buffer === input.buffer);
    assert.equal(seen.toString(), 'body');
  });
});

describe('request parser: fragmentation', () => {
  const corpus: readonly string[] = [
    `GET /a HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
    `POST /b HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\nhello world`,
    `POST /c HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;ext="q\\"x"\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n`,
    `\r\nGET /1 HTTP/1.1\r\n${H}\r\nPOST /2 HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nok\r\nGET /3 HTTP/1.0\r\n\r\n`,
    `GET /ws HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x00\x01binary`,
    `GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`,
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabcX`,
    `GET / HTTP/1.1\r\n${H}Bad\n\r\n`,
    `POST / HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 1\r\n\r\nx`,
  ];
  function whole(input: Buffer) {
    const { parser, log } = recordingRequestParser();
    const consumed = parser.execute(input);
    return { events: log.events, consumed, finish: parser.finish() };
  }
  const everyTable: readonly (readonly [string, Record<string, number> | undefined])[] = [
    ...corpus.map((text) => [text, undefined] as const),
    ...refusals.map(([, text]) => [text, undefined] as const),
    ...accepted.map(([, text]) => [text, undefined] as const),
    ...limitRefusals.map(([, text, limits]) => [text, limits] as const),
  ];
  it('gives the same events for every table input (refusals, limits, accepted heads) however it is split', () => {
    for (const [text, limits] of everyTable) {
      const input = bytes(text);
      const reference = recordingRequestParser(limits);
      const consumed = reference.parser.execute(input);
      const finish = reference.parser.finish();
      for (let i = 0; i <= input.length; i++) {
        const pieces = i === input.length ? byteByByte(input) : [input.subarray(0, i), input.subarray(i)];
        const { parser, log } = recordingRequestParser(limits);
        const n = feed(parser, pieces);
        assert.deepEqual(log.events, reference.log.events, `${JSON.stringify(text)} split at ${i}`);
        if (reference.log.error === undefined) assert.equal(n, consumed);
        assert.equal(parser.finish(), finish, `${JSON.stringify(text)} split at ${i}`);
      }
    }
  });
  for (const text of corpus) {
    const input = bytes(text);
    it(`gives the same events for ${JSON.stringify(text.slice(0, 40))} fed whole, byte by byte and split at every point`, () => {
      const expected = whole(input);
      const splits: Buffer[][] = [byteByByte(input)];
      for (let i = 1; i < input.length; i++) splits.push([input.subarray(0, i), input.subarray(i)]);
      for (const pieces of splits) {
        const { parser, log } = recordingRequestParser();
        const consumed = feed(parser, pieces);
        assert.deepEqual(log.events, expected.events, `split into ${pieces.length} pieces at ${pieces[0]!.length}`);
        if (expected.events.at(-1)?.type !== 'error') assert.equal(consumed, expected.consumed);
        assert.equal(parser.finish(), expected.finish);
      }
    });
  }
});

describe('request parser: pipelining, pause and upgrade', () => {
  it('reports pipelined requests in order', () => {
    const { log } = parse(`GET /1 HTTP/1.1\r\n${H}\r\nGET /2 HTTP/1.1\r\n${H}\r\nGET /3 HTTP/1.1\r\n${H}\r\n`);
    assert.deepEqual(log.heads().map((h) => h.target), ['/1', '/2', '/3']);
  });

  it('pauses after the message in progress completes and resumes where it stopped', () => {
    const input = bytes(`POST /1 HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nokGET /2 HTTP/1.1\r\n${H}\r\n`);
    const events: string[] = [];
    const parser = createRequestParser({
      onHead: (h) => { events.push(`head ${h.target}`); parser.pause(); },
      onBody: (b) => events.push(`body ${b.toString()}`),
      onTrailers() {},
      onMessageComplete: () => events.push('complete'),
      onError: (code) => events.push(code),
    });
    const first = parser.execute(input);
    assert.deepEqual(events, ['head /1', 'body ok', 'complete']);
    assert.equal(parser.paused, true);
    assert.equal(parser.execute(input.subarray(first)), 0, 'a paused parser consumes nothing');
    parser.resume();
    const second = parser.execute(input.subarray(first));
    assert.equal(first + second, input.length);
    assert.deepEqual(events, ['head /1', 'body ok', 'complete', 'head /2', 'complete']);
  });

  it('stops after an upgrade request and leaves the following bytes unconsumed', () => {
    const head = `GET /chat HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n`;
    const { parser, log, consumed } = parse(`${head}\x81\x05hello GET / HTTP/1.1\r\n`);
    assert.equal(consumed, head.length);
    assert.equal(parser.upgraded, true);
    assert.deepEqual(log.events.map((e) => e.type), ['head', 'complete']);
    assert.equal(parser.execute(bytes('more')), 0);
    assert.equal(parser.finish(), null);
  });

  it('leaves the body of an upgrade request to the new protocol, as node:http does', () => {
    const head = `POST / HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 3\r\n\r\n`;
    const { parser, log, consumed } = parse(`${head}abcPRI * HTTP/2.0`);
    assert.equal(consumed, head.length);
    assert.equal(parser.upgraded, true);
    assert.deepEqual(log.events.map((e) => e.type), ['head', 'complete']);
    assert.deepEqual(log.heads()[0]!.body, 'none');
  });

  it('stops after a CONNECT head: the rest belongs to the tunnel', () => {
    const head = `CONNECT a.test:443 HTTP/1.1\r\n${H}\r\n`;
    const { parser, consumed } = parse(`${head}\x16\x03\x01`);
    assert.equal(consumed, head.length);
    assert.equal(parser.upgraded, true);
  });

  it('refuses to be fed from inside its own callback', () => {
    const parser: ReturnType<typeof createRequestParser> = createRequestParser({
      onHead: () => { parser.execute(bytes('x')); },
      onBody() {}, onTrailers() {}, onMessageComplete() {}, onError() {},
    });
    assert.throws(() => parser.execute(bytes(`GET / HTTP/1.1\r\n${H}\r\n`)), /own callbacks/);
  });
});
