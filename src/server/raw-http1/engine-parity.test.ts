/**
 * The raw engine puts the same bytes on the wire as the node:http engine for the same request
 * and the same handler calls (Date aside): framing, Connection and Keep-Alive, HTTP/1.0, HEAD,
 * 204/304, trailers, bodies read or left unread, and whether the connection stays open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../lib/exchange.ts';
import { rawClient, startEngineRig, type EngineName } from './testing/engine-rig.ts';

/** The handler under test: status, headers, body and trailers come from the query. */
function scriptedHandler(exchange: Exchange): void {
  const q = new URLSearchParams(exchange.request.query);
  const status = Number(q.get('s') ?? 200);
  const headers = JSON.parse(q.get('h') ?? '[]') as string[];
  const body = q.get('b');
  const trailer = q.get('t');
  const respond = (extra: string | null): void => {
    const sink = exchange.response;
    sink.writeHead(status, headers);
    if (body !== null) {
      sink.write(Buffer.from(body));
      sink.write(Buffer.from(body));
    }
    if (extra !== null) sink.write(Buffer.from(extra));
    sink.end(trailer !== null ? ['X-T', trailer] : undefined);
  };
  if (q.has('echo') && exchange.body !== null) {
    const chunks: Buffer[] = [];
    exchange.body.on('data', (c: Buffer) => chunks.push(c));
    exchange.body.on('end', () => respond(`[${Buffer.concat(chunks).toString('latin1')}]`));
    return;
  }
  respond(null);
}

const cases: { title: string; request: string; head?: boolean }[] = [
  { title: 'HTTP/1.1 body of unknown length is chunked', request: 'GET /?b=hi HTTP/1.1\r\nHost: a\r\n\r\n' },
  { title: 'HTTP/1.0 body of unknown length is close-delimited', request: 'GET /?b=hi HTTP/1.0\r\nHost: a\r\n\r\n' },
  { title: 'HTTP/1.0 keep-alive without a length still closes', request: 'GET /?b=hi HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n' },
  { title: 'HTTP/1.0 keep-alive with a length persists', request: 'GET /?b=hi&h=["Content-Length","4"] HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n' },
  { title: 'HTTP/1.0 with TE: chunked gets a chunked body', request: 'GET /?b=hi HTTP/1.0\r\nHost: a\r\nTE: chunked\r\n\r\n' },
  { title: 'HEAD gets no body', request: 'HEAD /?b=hi HTTP/1.1\r\nHost: a\r\n\r\n', head: true },
  { title: 'HEAD keeps the Content-Length it is given', request: 'HEAD /?h=["Content-Length","10"] HTTP/1.1\r\nHost: a\r\n\r\n', head: true },
  { title: '204 has no body and no framing', request: 'GET /?s=204&b=x HTTP/1.1\r\nHost: a\r\n\r\n' },
  { title: '304 that claims chunked closes the connection', request: 'GET /?s=304&h=["Transfer-Encoding","chunked"] HTTP/1.1\r\nHost: a\r\n\r\n' },
  { title: 'trailers follow a chunked body', request: 'GET /?b=x&t=1 HTTP/1.1\r\nHost: a\r\n\r\n' },
  { title: 'trailers are dropped with a Content-Length', request: 'GET /?b=x&t=1&h=["Content-Length","2"] HTTP/1.1\r\nHost: a\r\n\r\n' },
  { title: 'Connection: close from the client closes after the response', request: 'GET /?b=hi HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' },
  { title: 'Connection: close from the handler is kept and closes', request: 'GET /?h=["Connection","close"] HTTP/1.1\r\nHost: a\r\n\r\n' },
  { title: 'a Keep-Alive header from the handler replaces ours', request: 'GET /?h=["Keep-Alive","timeout=9"]&b=x HTTP/1.1\r\nHost: a\r\n\r\n' },
  { title: 'a Date from the handler is not repeated', request: 'GET /?h=["Date","Thu, 01 Jan 1970 00:00:00 GMT"] HTTP/1.1\r\nHost: a\r\n\r\n' },
  { title: 'a body with Content-Length reaches the handler', request: 'POST /?echo=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello' },
  { title: 'a chunked body reaches the handler', request: 'POST /?echo=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: v\r\n\r\n' },
  { title: 'a body nobody reads is dropped and the connection goes on', request: 'POST /?b=ok HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello' },
  { title: 'a target the router cannot use is answered 400', request: 'GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n' },
];

/** The response bytes with Date blanked, and whether the connection took another request. */
async function observe(engine: EngineName, request: string, head: boolean): Promise<{ response: string; afterwards: string }> {
  const rig = await startEngineRig(engine, scriptedHandler);
  try {
    const client = await rawClient(rig.port);
    client.write(request);
    const response = await client.response({ headRequest: head });
    let afterwards: string;
    if (!client.socket.readableEnded && !client.socket.destroyed && client.socket.writable) {
      client.write('GET /?b=again HTTP/1.1\r\nHost: a\r\n\r\n');
      afterwards = await client.response().then((r) => `open: ${r.body}`, () => 'closed');
    } else {
      afterwards = 'closed';
    }
    client.socket.destroy();
    return { response: response.raw.replace(/Date: [^\r]*\r\n/, 'Date: *\r\n'), afterwards };
  } finally {
    await rig.close();
  }
}

for (const c of cases) {
  test(`same bytes as node:http: ${c.title}`, async () => {
    const node = await observe('node', c.request, c.head === true);
    const raw = await observe('raw', c.request, c.head === true);
    assert.equal(raw.response, node.response);
    assert.equal(raw.afterwards, node.afterwards);
  });
}

test('builds the same Exchange as node:http for the same request', async () => {
  const request = 'GET http://Example.COM:8080//a/./b/%7e?x=1;y=2 HTTP/1.1\r\nHost: Example.COM:8080\r\nX-Forwarded-For: 6.6.6.6\r\nX-Real-Ip: 6.6.6.6\r\nUser-Agent: t\r\n\r\n';
  const seen = async (engine: EngineName): Promise<unknown> => {
    const rig = await startEngineRig(engine, (ex) => {
      ex.response.writeHead(204, []);
      ex.response.end();
    });
    try {
      const client = await rawClient(rig.port);
      client.write(request);
      await client.response();
      client.socket.destroy();
      const r = rig.exchanges[0]!.request;
      return { method: r.method, path: r.path, query: r.query, headers: r.headers, httpVersion: r.httpVersion, host: r.host,
        remoteAddress: r.remoteAddress, clientIp: r.clientIp, tls: r.tls, entryPoint: r.entryPoint, body: rig.exchanges[0]!.body,
        log: { originalPath: rig.exchanges[0]!.log.originalPath, originalQuery: rig.exchanges[0]!.log.originalQuery } };
    } finally {
      await rig.close();
    }
  };
  assert.deepEqual(await seen('raw'), await seen('node'));
});
