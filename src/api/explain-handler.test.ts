import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExplainAnswer, ExplainInput, ExplainView } from '../config/explain-view.ts';
import { createExplainHandler, parseExplainQuery } from './explain-handler.ts';
import { createMemoryExchange, type CollectedResponse } from './testdata/memory-exchange.ts';

const q = (params: Record<string, string | string[]>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) search.append(key, v);
  return search.toString();
};

describe('parsing the explain query', () => {
  const good: readonly (readonly [title: string, query: string, expected: ExplainInput])[] = [
    ['defaults: GET from 127.0.0.1, the entry point chosen later', q({ url: 'http://a.example/x?y=1' }), {
      tls: false, host: 'a.example', port: 80, authority: 'a.example', path: '/x', query: 'y=1', method: 'GET', headers: [], clientIP: '127.0.0.1',
    }],
    ['https is a TLS connection on 443 unless a port is given', q({ url: 'https://A.Example:8443/', method: 'POST', clientIP: '2001:db8::1', entryPoint: 'websecure' }), {
      tls: true, host: 'a.example', port: 8443, authority: 'a.example:8443', path: '/', query: '', method: 'POST', headers: [], clientIP: '2001:db8::1', entryPoint: 'websecure',
    }],
    ['headers repeat, keep their order, and are trimmed', q({ url: 'http://[::1]:81/p', header: ['X-A: 1', 'Cookie:  lb=abc ', 'Host: other.example'] }), {
      tls: false, host: '::1', port: 81, authority: '[::1]:81', path: '/p', query: '', method: 'GET',
      headers: [['X-A', '1'], ['Cookie', 'lb=abc'], ['Host', 'other.example']], clientIP: '127.0.0.1',
    }],
  ];
  for (const [title, query, expected] of good) {
    test(title, () => assert.deepEqual(parseExplainQuery(query), expected));
  }

  const bad: readonly (readonly [query: string, message: RegExp])[] = [
    ['', /^url: required/],
    [q({ url: 'example.com/x' }), /^url: "example.com\/x" is not an absolute URL/],
    [q({ url: 'ftp://example.com/' }), /^url: the scheme must be http or https, not ftp/],
    [q({ url: 'http://a/', header: 'no colon' }), /^header: "no colon" is not a header line "Name: value"/],
    [q({ url: 'http://a/', header: 'Bad Name: x' }), /^header: "Bad Name: x"/],
    [q({ url: 'http://a/', clientIP: '10.0.0.300' }), /^clientIP: "10.0.0.300" is not an IPv4 or IPv6 address/],
    [q({ url: 'http://a/', method: 'GE T' }), /^method: "GE T" is not an HTTP method/],
    [q({ url: 'http://a/', entryPoint: '' }), /^entryPoint: empty/],
    [q({ url: ['http://a/', 'http://b/'] }), /^url: give it once/],
    [q({ url: 'http://a/', clientIp: '10.0.0.1' }), /^unknown parameter "clientIp" \(did you mean "clientIP"\?\)/],
  ];
  for (const [query, message] of bad) {
    test(`rejects ?${query || '(nothing)'} naming the parameter`, () => {
      const got = parseExplainQuery(query);
      assert.ok('message' in got, JSON.stringify(got));
      assert.match(got.message, message);
    });
  }
});

describe('the explain handler', () => {
  const answer: ExplainAnswer = {
    request: { entryPoint: 'web', method: 'GET', host: 'a.example', path: '/', query: '', headers: [['Host', 'a.example']], clientIP: '127.0.0.1', tls: false },
    router: null, routers: [], middlewares: [], service: null, alsoMatched: [], status: 404, outcome: '404: no router of entry point web matched',
  };
  const seen: ExplainInput[] = [];
  const view: ExplainView = {
    explain(input) {
      seen.push(input);
      return input.entryPoint === 'nope' ? { ok: false, message: 'entryPoint: unknown entry point "nope" (HTTP entry points: web)' } : { ok: true, answer };
    },
  };

  async function call(query: string): Promise<CollectedResponse> {
    const { exchange, response } = createMemoryExchange({ target: `/api/explain?${query}` });
    await createExplainHandler(view)(exchange);
    return response;
  }

  test('answers the view’s explanation as JSON', async () => {
    const response = await call(q({ url: 'http://a.example/' }));
    assert.equal(response.status, 200);
    assert.deepEqual(response.json(), answer);
    assert.equal(seen.at(-1)?.host, 'a.example');
  });

  test('answers 400 with the message when the query is wrong, without asking the view', async () => {
    const before = seen.length;
    const response = await call(q({ url: 'mailto:x@example.com' }));
    assert.equal(response.status, 400);
    assert.deepEqual(response.json(), { message: 'url: the scheme must be http or https, not mailto' });
    assert.equal(seen.length, before);
  });

  test('answers 400 with the view’s message for an unknown entry point', async () => {
    const response = await call(q({ url: 'http://a.example/', entryPoint: 'nope' }));
    assert.equal(response.status, 400);
    assert.deepEqual(response.json(), { message: 'entryPoint: unknown entry point "nope" (HTTP entry points: web)' });
  });
});
