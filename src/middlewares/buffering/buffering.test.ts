import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { bufferingSchema } from '../../config/http-middlewares-traffic.ts';
import { getHeader, sendText, writeHeadThroughHooks, type Exchange } from '../../lib/exchange.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { fakeExchange, type FakeExchange, type FakeRequest } from '../testing/fake-exchange.ts';
import { testContext } from '../testing/test-context.ts';
import { createBuffering } from './buffering.ts';

function withBody(request: FakeRequest, chunks: readonly string[]): FakeExchange {
  return Object.assign(fakeExchange({ method: 'POST', ...request }), { body: Readable.from(chunks.map((c) => Buffer.from(c))) });
}

/** A service that echoes the request body back in two chunks, and records what it got. */
function echo() {
  const seen: { body: string; contentLength: string | undefined }[] = [];
  const handler = async (exchange: Exchange): Promise<void> => {
    const parts: Buffer[] = [];
    if (exchange.body !== null) for await (const chunk of exchange.body) parts.push(chunk as Buffer);
    const body = Buffer.concat(parts).toString();
    seen.push({ body, contentLength: getHeader(exchange.request.headers, 'content-length') });
    writeHeadThroughHooks(exchange, 200, ['Transfer-Encoding', 'chunked']);
    exchange.response.write(Buffer.from('got:'));
    exchange.response.write(Buffer.from(body));
    exchange.response.end();
  };
  return { handler, seen };
}

function build(config: Record<string, unknown>) {
  return createBuffering(bufferingSchema.parse(config), testContext());
}

describe('buffering', () => {
  it('hands the service the whole body with a Content-Length', async () => {
    const service = echo();
    const exchange = withBody({ headers: ['Transfer-Encoding', 'chunked'] }, ['hel', 'lo']);
    await build({})(service.handler)(exchange);
    assert.deepEqual(service.seen, [{ body: 'hello', contentLength: '5' }]);
  });

  it('sends the whole response with a Content-Length instead of chunks', async () => {
    const exchange = withBody({}, ['abc']);
    await build({})(echo().handler)(exchange);
    assert.equal(exchange.sent.status, 200);
    assert.equal(exchange.sent.body, 'got:abc');
    assert.equal(getHeader(exchange.sent.headers, 'content-length'), '7');
    assert.equal(getHeader(exchange.sent.headers, 'transfer-encoding'), undefined);
  });

  const tooLarge: ReadonlyArray<readonly [string, FakeRequest]> = [
    ['a declared Content-Length', { headers: ['Content-Length', '6'] }],
    ['a chunked body', { headers: ['Transfer-Encoding', 'chunked'] }],
  ];
  for (const [what, request] of tooLarge) {
    it(`answers 413 to ${what} over maxRequestBodyBytes without calling the service`, async () => {
      const service = echo();
      const exchange = withBody(request, ['abc', 'def']);
      await build({ maxRequestBodyBytes: 5 })(service.handler)(exchange);
      assert.equal(exchange.sent.status, 413);
      assert.equal(exchange.sent.body, 'Request Entity Too Large');
      assert.equal(service.seen.length, 0);
    });
  }

  it('accepts a body of exactly maxRequestBodyBytes', async () => {
    const exchange = withBody({}, ['abcde']);
    await build({ maxRequestBodyBytes: 5 })(echo().handler)(exchange);
    assert.equal(exchange.sent.body, 'got:abcde');
  });

  it('answers 500 for a response over maxResponseBodyBytes', async () => {
    const exchange = withBody({}, ['abcdef']);
    await build({ maxResponseBodyBytes: 5 })(echo().handler)(exchange);
    assert.equal(exchange.sent.status, 500);
    assert.equal(exchange.sent.body, 'Internal Server Error');
  });

  function flaky(failures: number) {
    let calls = 0;
    const bodies: string[] = [];
    const handler = async (exchange: Exchange): Promise<void> => {
      calls++;
      const parts: Buffer[] = [];
      if (exchange.body !== null) for await (const chunk of exchange.body) parts.push(chunk as Buffer);
      bodies.push(Buffer.concat(parts).toString());
      exchange.log.originStartNs = 1n;
      if (calls <= failures) {
        sendText(exchange, 502, 'Bad Gateway');
        return;
      }
      exchange.log.originStatus = 200;
      sendText(exchange, 200, `attempt ${calls}`);
    };
    return { handler, calls: () => calls, bodies };
  }

  const retries: ReadonlyArray<readonly [string, string | undefined, number, number, number]> = [
    ['retries a network error while the expression holds', 'IsNetworkError() && Attempts() < 2', 1, 200, 2],
    ['stops when the expression no longer holds', 'IsNetworkError() && Attempts() < 2', 2, 502, 2],
    ['keeps retrying up to the expression', 'IsNetworkError() && Attempts() <= 3', 3, 200, 4],
    ['reads ResponseCode()', 'ResponseCode() == 504', 1, 502, 1],
    ['retries any answer the expression matches', 'ResponseCode() == 502 && Attempts() < 3', 1, 200, 2],
    ['asks the expression after at most 10 attempts', 'Attempts() > 0', 20, 502, 11],
    ['does not retry without an expression', undefined, 1, 502, 1],
  ];
  for (const [title, expression, failures, status, calls] of retries) {
    it(title, async () => {
      const server = flaky(failures);
      const exchange = withBody({}, ['payload']);
      await build(expression === undefined ? {} : { retryExpression: expression })(server.handler)(exchange);
      assert.equal(exchange.sent.status, status);
      assert.equal(server.calls(), calls);
      assert.deepEqual(server.bodies, Array.from({ length: calls }, () => 'payload'));
    });
  }

  it('refuses a retryExpression that does not parse', () => {
    assert.throws(() => build({ retryExpression: 'IsNetworkError() &&' }), (err: unknown) => err instanceof MiddlewareConfigError && err.code === 'MIDDLEWARE_INVALID_EXPRESSION' && err.field === 'retryExpression');
  });
});
