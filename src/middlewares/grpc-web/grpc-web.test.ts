import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { grpcWebSchema } from '../../config/http-middlewares-headers.ts';
import { getHeader, getHeaderValues, writeHeadThroughHooks, type Exchange } from '../../lib/exchange.ts';
import { fakeExchange } from '../testing/fake-exchange.ts';
import { testContext } from '../testing/test-context.ts';
import { createGrpcWeb } from './grpc-web.ts';
import {
  Base64Decoder, Base64Encoder, decodeFrames, encodeTrailerFrame, isGrpcWebPreflight, isGrpcWebRequest, preflightHeaders,
  toGrpcContentType, toGrpcWebContentType,
} from './grpc-web-protocol.ts';

/** A length-prefixed message frame. */
function frame(payload: string, flag = 0): Buffer {
  const body = Buffer.from(payload);
  const head = Buffer.from([flag, 0, 0, 0, 0]);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

describe('gRPC-Web protocol', () => {
  const requests: [string, string, string | undefined, boolean][] = [
    ['a binary gRPC-Web POST', 'POST', 'application/grpc-web+proto', true],
    ['a text gRPC-Web POST', 'POST', 'application/grpc-web-text', true],
    ['not a GET', 'GET', 'application/grpc-web', false],
    ['not plain gRPC', 'POST', 'application/grpc', false],
    ['not without Content-Type', 'POST', undefined, false],
  ];
  for (const [title, method, contentType, expected] of requests) {
    it(`recognises ${title}`, () => assert.equal(isGrpcWebRequest(method, contentType), expected));
  }

  it('recognises a preflight announcing x-grpc-web', () => {
    assert.equal(isGrpcWebPreflight('OPTIONS', 'content-type,X-Grpc-Web'), true);
    assert.equal(isGrpcWebPreflight('OPTIONS', 'content-type'), false);
    assert.equal(isGrpcWebPreflight('POST', 'x-grpc-web'), false);
  });

  const types: [string, string, boolean, string][] = [
    ['application/grpc-web', 'application/grpc', false, 'application/grpc-web'],
    ['application/grpc-web+proto', 'application/grpc+proto', false, 'application/grpc-web+proto'],
    ['application/grpc-web-text', 'application/grpc', true, 'application/grpc-web-text'],
    ['application/grpc-web-text+proto', 'application/grpc+proto', true, 'application/grpc-web-text+proto'],
  ];
  for (const [web, grpc, text, back] of types) {
    it(`maps ${web} to ${grpc} and back`, () => {
      assert.deepEqual(toGrpcContentType(web), { contentType: grpc, text });
      assert.equal(toGrpcWebContentType(grpc, text), back);
    });
  }

  it('encodes trailers as a 0x80 frame of lower-case, sorted lines', () => {
    const encoded = encodeTrailerFrame(['Grpc-Status', '0', 'Grpc-Message', 'ok']);
    assert.equal(encoded[0], 0x80);
    assert.equal(encoded.readUInt32BE(1), encoded.length - 5);
    assert.equal(encoded.subarray(5).toString(), 'grpc-message: ok\r\ngrpc-status: 0\r\n');
    assert.deepEqual([...encodeTrailerFrame([])], [0x80, 0, 0, 0, 0]);
  });

  it('splits a body into frames and refuses a torn one', () => {
    const frames = decodeFrames(Buffer.concat([frame('a'), frame('bc', 0x80)]))!;
    assert.deepEqual(frames.map((f) => [f.flag, f.payload.toString()]), [[0, 'a'], [0x80, 'bc']]);
    assert.equal(decodeFrames(frame('abc').subarray(0, 6)), null);
  });

  it('decodes base64 across chunk boundaries and padded segments', () => {
    const decoder = new Base64Decoder();
    const text = `${Buffer.from('ab').toString('base64')}${Buffer.from('cde').toString('base64')}`; // "YWI=Y2Rl"
    const out = Buffer.concat([decoder.push(Buffer.from(text.slice(0, 3))), decoder.push(Buffer.from(`${text.slice(3)}\n`))]);
    decoder.end();
    assert.equal(out.toString(), 'abcde');
    assert.throws(() => new Base64Decoder().push(Buffer.from('a*bc')), /not base64/);
    const torn = new Base64Decoder();
    torn.push(Buffer.from('YW'));
    assert.throws(() => torn.end(), /inside a base64 group/);
  });

  it('encodes base64 in whole groups and pads the rest at the end', () => {
    const encoder = new Base64Encoder();
    const parts = [encoder.push(Buffer.from('abcd')), encoder.push(Buffer.from('e')), encoder.end()].map(String);
    assert.deepEqual(parts, ['YWJj', '', 'ZGU=']);
  });

  it('answers a preflight for an allowed origin with the wrapper\'s CORS settings', () => {
    const headers = preflightHeaders({ origin: 'https://app.example', method: 'post', headers: 'x-grpc-web, content-type' }, true);
    assert.deepEqual(headers.slice(6), [
      'Access-Control-Allow-Origin', 'https://app.example', 'Access-Control-Allow-Methods', 'POST',
      'Access-Control-Allow-Headers', 'X-Grpc-Web, Content-Type', 'Access-Control-Allow-Credentials', 'true', 'Access-Control-Max-Age', '600',
    ]);
    assert.equal(preflightHeaders({ origin: 'https://evil.example', method: 'POST', headers: 'x-grpc-web' }, false).length, 6);
    assert.equal(preflightHeaders({ origin: 'https://app.example', method: 'DELETE', headers: 'x-grpc-web' }, true).length, 6);
  });
});

/** A gRPC server stand-in: records the request, answers one message and the trailers. */
function grpcServer() {
  const seen: { contentType: string | undefined; contentLength: string | undefined; body: Buffer }[] = [];
  const handler = async (exchange: Exchange): Promise<void> => {
    const body = exchange.body === null ? Buffer.alloc(0) : await buffer(exchange.body);
    seen.push({ contentType: getHeader(exchange.request.headers, 'content-type'), contentLength: getHeader(exchange.request.headers, 'content-length'), body });
    writeHeadThroughHooks(exchange, 200, ['Content-Type', 'application/grpc+proto', 'Trailer', 'Grpc-Status', 'Grpc-Encoding', 'identity']);
    exchange.response.write(frame('reply'));
    exchange.response.end(['Grpc-Status', '0', 'Grpc-Message', '']);
  };
  return Object.assign(handler, { seen });
}

async function call(request: { method?: string; headers: string[]; body?: Buffer }, allowOrigins: string[] = ['https://app.example']) {
  const server = grpcServer();
  const base = fakeExchange({ method: request.method ?? 'POST', headers: request.headers });
  // The recording sink keeps the body as UTF-8 text: keep the bytes too, frames are binary.
  const chunks: Buffer[] = [];
  const write = base.response.write.bind(base.response);
  base.response.write = (chunk: Buffer): boolean => {
    chunks.push(chunk);
    return write(chunk);
  };
  const exchange = { ...base, body: request.body === undefined ? null : Readable.from([request.body]) };
  await createGrpcWeb(grpcWebSchema.parse({ allowOrigins }), testContext())(server)(exchange);
  await base.done;
  return { sent: base.sent, bytes: Buffer.concat(chunks), seen: server.seen };
}

describe('grpcWeb', () => {
  it('translates a binary gRPC-Web call and appends the trailer frame', async () => {
    const { sent, bytes, seen } = await call({ headers: ['Content-Type', 'application/grpc-web+proto', 'Origin', 'https://app.example'], body: frame('hello') });
    assert.equal(seen[0]!.contentType, 'application/grpc+proto');
    assert.equal(seen[0]!.body.toString('latin1'), frame('hello').toString('latin1'));
    assert.equal(getHeader(sent.headers, 'content-type'), 'application/grpc-web+proto');
    assert.equal(getHeader(sent.headers, 'trailer'), undefined);
    assert.equal(getHeader(sent.headers, 'access-control-allow-origin'), 'https://app.example');
    assert.equal(getHeader(sent.headers, 'access-control-allow-credentials'), 'true');
    const exposed = getHeader(sent.headers, 'access-control-expose-headers')!.split(', ');
    assert.ok(exposed.includes('Content-Type') && exposed.includes('Grpc-Encoding'), exposed.join());
    const frames = decodeFrames(bytes)!;
    assert.equal(frames.length, 2);
    assert.equal(frames[1]!.flag, 0x80);
    assert.equal(frames[1]!.payload.toString(), 'grpc-message: \r\ngrpc-status: 0\r\n');
  });

  it('decodes a text request and base64-encodes the response, trailers included', async () => {
    const body = Buffer.from(frame('hello').toString('base64'));
    const { sent, seen } = await call({ headers: ['Content-Type', 'application/grpc-web-text', 'Content-Length', String(body.length)], body });
    assert.equal(seen[0]!.contentType, 'application/grpc');
    assert.equal(seen[0]!.contentLength, undefined);
    assert.equal(seen[0]!.body.toString('latin1'), frame('hello').toString('latin1'));
    assert.equal(getHeader(sent.headers, 'content-type'), 'application/grpc-web-text+proto');
    const decoder = new Base64Decoder();
    const decoded = decoder.push(Buffer.from(sent.body));
    decoder.end();
    const frames = decodeFrames(decoded)!;
    assert.deepEqual(frames.map((f) => f.flag), [0, 0x80]);
    assert.equal(frames[0]!.payload.toString(), 'reply');
  });

  it('adds no CORS grant for an origin outside allowOrigins, but still translates', async () => {
    const { sent, seen } = await call({ headers: ['Content-Type', 'application/grpc-web', 'Origin', 'https://evil.example'], body: frame('x') });
    assert.equal(seen.length, 1);
    assert.equal(getHeader(sent.headers, 'access-control-allow-origin'), undefined);
    assert.deepEqual(getHeaderValues(sent.headers, 'vary'), ['Origin']);
  });

  it('answers a gRPC-Web preflight itself with 204', async () => {
    const { sent, seen } = await call({
      method: 'OPTIONS',
      headers: ['Origin', 'https://other.example', 'Access-Control-Request-Method', 'POST', 'Access-Control-Request-Headers', 'x-grpc-web,content-type'],
    }, ['*']);
    assert.equal(seen.length, 0);
    assert.equal(sent.status, 204);
    assert.equal(getHeader(sent.headers, 'access-control-allow-origin'), 'https://other.example');
    assert.equal(getHeader(sent.headers, 'access-control-max-age'), '600');
  });

  it('passes other requests untouched', async () => {
    const { sent, seen } = await call({ headers: ['Content-Type', 'application/json'], body: Buffer.from('{}') });
    assert.equal(seen[0]!.contentType, 'application/json');
    assert.equal(getHeader(sent.headers, 'content-type'), 'application/grpc+proto');
  });
});
