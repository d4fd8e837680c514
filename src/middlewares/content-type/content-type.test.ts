import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentTypeSchema } from '../../config/http-middlewares-headers.ts';
import { getHeader } from '../../lib/exchange.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createContentType } from './content-type.ts';
import { detectContentType } from './detect-content-type.ts';

describe('detectContentType', () => {
  const cases: [string, Buffer | string, string][] = [
    ['HTML after whitespace, any case', '  <html><body>x', 'text/html; charset=utf-8'],
    ['an HTML comment', '<!-- c -->', 'text/html; charset=utf-8'],
    ['not HTML without a tag terminator', '<htmlx', 'text/plain; charset=utf-8'],
    ['an XML declaration', '\n<?xml version="1.0"?>', 'text/xml; charset=utf-8'],
    ['PDF', '%PDF-1.7', 'application/pdf'],
    ['PNG', Buffer.from('89504e470d0a1a0a0000', 'hex'), 'image/png'],
    ['JPEG', Buffer.from('ffd8ffe0', 'hex'), 'image/jpeg'],
    ['GIF', 'GIF89a....', 'image/gif'],
    ['WebP', 'RIFF\x10\x00\x00\x00WEBPVP8 ', 'image/webp'],
    ['gzip', Buffer.from('1f8b0800', 'hex'), 'application/x-gzip'],
    ['zip', 'PK\x03\x04rest', 'application/zip'],
    ['wasm', Buffer.from('0061736d01000000', 'hex'), 'application/wasm'],
    ['a UTF-8 BOM', Buffer.from('efbbbf41', 'hex'), 'text/plain; charset=utf-8'],
    ['JSON as plain text', '{"a":1}', 'text/plain; charset=utf-8'],
    ['binary', Buffer.from([0x01, 0x02, 0x03]), 'application/octet-stream'],
    ['mp4', Buffer.from('00000018667479706d703432000000006d70343269736f6d', 'hex'), 'video/mp4'],
  ];
  for (const [title, data, expected] of cases) {
    it(`detects ${title}`, () => assert.equal(detectContentType(typeof data === 'string' ? Buffer.from(data, 'latin1') : data), expected));
  }
});

describe('contentType', () => {
  const build = (config: Record<string, unknown> = {}) => createContentType(contentTypeSchema.parse(config), testContext());

  it('adds the detected type to a response without one', async () => {
    const { exchange } = await run(build(), {}, { body: '<html><p>hi' });
    assert.equal(getHeader(exchange.sent.headers, 'content-type'), 'text/html; charset=utf-8');
    assert.equal(exchange.sent.body, '<html><p>hi');
  });

  it('keeps a Content-Type the server sent', async () => {
    const { exchange } = await run(build(), {}, { headers: ['Content-Type', 'application/json'], body: '<html>' });
    assert.equal(getHeader(exchange.sent.headers, 'content-type'), 'application/json');
  });

  it('adds nothing to an empty body or a 204', async () => {
    assert.equal(getHeader((await run(build(), {}, { body: '' })).exchange.sent.headers, 'content-type'), undefined);
    assert.equal(getHeader((await run(build(), {}, { status: 204, body: '' })).exchange.sent.headers, 'content-type'), undefined);
  });

  it('does nothing with the deprecated autoDetect: false', async () => {
    const { exchange } = await run(build({ autoDetect: false }), {}, { body: '<html>' });
    assert.equal(getHeader(exchange.sent.headers, 'content-type'), undefined);
  });

  it('runs the outer hooks on the held head', async () => {
    const middleware = build();
    const { exchange } = await run((next) => (ex) => {
      ex.responseHeadHooks.push((status, headers) => {
        headers.push('X-Outer', getHeader(headers, 'content-type') ?? 'none');
        return status;
      });
      return middleware(next)(ex);
    }, {}, { body: 'plain' });
    assert.equal(getHeader(exchange.sent.headers, 'x-outer'), 'text/plain; charset=utf-8');
  });
});
