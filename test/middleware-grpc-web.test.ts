/**
 * End to end: grpcWeb through the real binary over HTTP/1.1. The gRPC server here is a node:http
 * server that records the request it received (method, target, headers, body bytes) and answers
 * like a gRPC server: `application/grpc+proto`, one length-prefixed message, then grpc-status and
 * grpc-message as chunked trailers.
 *
 * What the client gets back is the gRPC-Web response: the message frame unchanged, then the
 * trailers as a final 0x80 frame.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { startBackend, type Backend } from './support/backends.ts';
import { send as sendTo, type Answer } from './support/http-client.ts';
import { startWithDynamic, type SwitchyardProcess } from './support/switchyard-process.ts';

/** What the gRPC server received. */
interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

let grpc: Backend;
let sy: SwitchyardProcess;
const received: Received[] = [];

/** A length-prefixed gRPC frame: flag byte, 4-byte big-endian length, payload. */
function frame(flag: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

/** The (protobuf-encoded, here opaque) messages of the test: the reply depends on nothing. */
const requestMessage = frame(0, Buffer.from([0x0a, 0x05, 0x77, 0x6f, 0x72, 0x6c, 0x64]));
const replyMessage = frame(0, Buffer.from([0x0a, 0x0b, ...Buffer.from('hello world')]));

before(async () => {
  grpc = await startBackend('grpc', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      // No Content-Length: a chunked response, the only HTTP/1.1 shape that carries trailers.
      res.writeHead(200, { 'content-type': 'application/grpc+proto', trailer: 'grpc-status, grpc-message', 'x-request-id': 'r-1' });
      res.write(replyMessage);
      res.addTrailers({ 'grpc-status': '0', 'grpc-message': 'OK' });
      res.end();
    });
  });
  ({ sy } = await startWithDynamic(`
http:
  routers:
    grpc-web:
      rule: "PathPrefix(\`/greeter.Greeter\`)"
      middlewares: [grpc-web]
      service: greeter
  middlewares:
    grpc-web:
      grpcWeb:
        allowOrigins: ["https://app.example"]
  services:
    greeter:
      loadBalancer:
        servers: [{url: "${grpc.url}"}]
`, ['web']));
});

after(async () => {
  await sy?.stop();
  await grpc?.close();
});

function send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  return sendTo(sy.ports.get('web'), { method, path, headers, body });
}

/** The frames of a complete gRPC(-Web) body. */
function frames(body: Buffer): { flag: number; payload: string }[] {
  const out: { flag: number; payload: string }[] = [];
  for (let at = 0; at < body.length;) {
    assert.ok(body.length - at >= 5, 'a frame header is cut');
    const length = body.readUInt32BE(at + 1);
    assert.ok(body.length - at - 5 >= length, 'a frame payload is cut');
    out.push({ flag: body[at]!, payload: body.subarray(at + 5, at + 5 + length).toString('latin1') });
    at += 5 + length;
  }
  return out;
}

/** A grpc-web-text body: base64 segments, each padded on its own (the message, the trailers). */
function decodeSegments(body: Buffer): Buffer {
  return Buffer.concat((body.toString('latin1').match(/[^=]+=*/g) ?? []).map((segment) => Buffer.from(segment, 'base64')));
}

const method = '/greeter.Greeter/SayHello';

test('a gRPC-Web request reaches the server as gRPC, its frames unchanged', async () => {
  const count = received.length;
  const r = await send('POST', method, {
    'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', origin: 'https://app.example',
    'content-length': String(requestMessage.length),
  }, requestMessage);
  assert.equal(r.status, 200);
  assert.equal(received.length, count + 1);
  const got = received.at(-1)!;
  assert.equal(got.method, 'POST');
  assert.equal(got.url, method);
  assert.equal(got.headers['content-type'], 'application/grpc+proto');
  assert.equal(got.headers['content-length'], String(requestMessage.length));
  assert.deepEqual(got.body, requestMessage);
});

test('a grpc-web-text request body reaches the server base64-decoded', async () => {
  const text = Buffer.from(requestMessage.toString('base64'), 'latin1');
  const r = await send('POST', method, {
    'content-type': 'application/grpc-web-text', 'x-grpc-web': '1', 'content-length': String(text.length),
  }, text);
  assert.equal(r.status, 200);
  const got = received.at(-1)!;
  assert.equal(got.headers['content-type'], 'application/grpc');
  // The decoded body is shorter than what the client announced, so that length is dropped;
  // the forwarder sends the body chunked, or with its own length when it was decoded already.
  const length = got.headers['content-length'];
  assert.ok(length === undefined || length === String(requestMessage.length), `content-length ${length}`);
  assert.deepEqual(got.body, requestMessage);
});

test('the response comes back as gRPC-Web: Content-Type, CORS and exposed headers, message frame first', async () => {
  const r = await send('POST', method, {
    'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', origin: 'https://app.example',
  }, requestMessage);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/grpc-web+proto');
  assert.equal(r.headers['content-length'], undefined);
  assert.equal(r.headers.trailer, undefined);
  assert.equal(r.headers['access-control-allow-origin'], 'https://app.example');
  assert.equal(r.headers['access-control-allow-credentials'], 'true');
  assert.equal(r.headers.vary, 'Origin');
  // Every header name of the response, the rewritten Content-Type after the server's others.
  assert.equal(r.headers['access-control-expose-headers'],
    'X-Request-Id, Date, Content-Type, Vary, Access-Control-Allow-Origin, Access-Control-Allow-Credentials');
  const got = frames(r.body);
  assert.equal(got.length, 2);
  assert.deepEqual(got[0], { flag: 0, payload: replyMessage.subarray(5).toString('latin1') });
  // Its payload, the server's trailers, is checked below.
  assert.equal(got[1]!.flag, 0x80);
});

test('a response to another origin gets no CORS allow headers', async () => {
  const r = await send('POST', method, { 'content-type': 'application/grpc-web+proto', origin: 'https://evil.example' }, requestMessage);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/grpc-web+proto');
  assert.equal(r.headers['access-control-allow-origin'], undefined);
  assert.equal(r.headers['access-control-allow-credentials'], undefined);
  assert.equal(r.headers.vary, 'Origin');
});

test('a grpc-web-text response comes back base64, the message frame first', async () => {
  const text = Buffer.from(requestMessage.toString('base64'), 'latin1');
  const r = await send('POST', method, { 'content-type': 'application/grpc-web-text+proto' }, text);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/grpc-web-text+proto');
  const got = frames(decodeSegments(r.body));
  assert.equal(got.length, 2);
  assert.deepEqual(got[0], { flag: 0, payload: replyMessage.subarray(5).toString('latin1') });
  assert.equal(got[1]!.flag, 0x80);
});

test('the server\'s trailers come back as the final 0x80 frame', async () => {
  const text = Buffer.from(requestMessage.toString('base64'), 'latin1');
  const rows: { contentType: string; body: Buffer; decode: (body: Buffer) => Buffer }[] = [
    { contentType: 'application/grpc-web+proto', body: requestMessage, decode: (body) => body },
    { contentType: 'application/grpc-web-text+proto', body: text, decode: decodeSegments },
  ];
  for (const row of rows) {
    const r = await send('POST', method, { 'content-type': row.contentType }, row.body);
    assert.equal(r.status, 200, row.contentType);
    assert.deepEqual(frames(row.decode(r.body)).at(-1), { flag: 0x80, payload: 'grpc-message: OK\r\ngrpc-status: 0\r\n' }, row.contentType);
  }
});

test('a gRPC-Web CORS preflight from an allowed origin is answered 204 without reaching the server', async () => {
  const count = received.length;
  const r = await send('OPTIONS', method, {
    origin: 'https://app.example', 'access-control-request-method': 'POST',
    'access-control-request-headers': 'x-grpc-web,content-type',
  });
  assert.equal(r.status, 204);
  assert.equal(r.headers.vary, 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  assert.equal(r.headers['access-control-allow-origin'], 'https://app.example');
  assert.equal(r.headers['access-control-allow-methods'], 'POST');
  assert.equal(r.headers['access-control-allow-headers'], 'X-Grpc-Web, Content-Type');
  assert.equal(r.headers['access-control-allow-credentials'], 'true');
  assert.equal(r.headers['access-control-max-age'], '600');
  assert.equal(received.length, count, 'the preflight reached the server');
});

test('a gRPC-Web CORS preflight from another origin is answered 204 without allow headers', async () => {
  const count = received.length;
  const r = await send('OPTIONS', method, {
    origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-grpc-web',
  });
  assert.equal(r.status, 204);
  assert.equal(r.headers.vary, 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  assert.equal(r.headers['access-control-allow-origin'], undefined);
  assert.equal(r.headers['access-control-allow-methods'], undefined);
  assert.equal(r.headers['access-control-max-age'], undefined);
  assert.equal(received.length, count, 'the preflight reached the server');
});
