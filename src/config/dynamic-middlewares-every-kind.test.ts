import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoodFixture } from './fixtures/read-fixture.ts';
import { httpMiddlewareKinds, type HttpMiddleware } from './dynamic.ts';

const parsed = parseGoodFixture('dynamic/every-middleware-kind.yml');
const middlewares = parsed.config.http.middlewares;

function get<K extends HttpMiddleware['kind']>(name: string, kind: K): Extract<HttpMiddleware, { kind: K }> {
  const middleware = middlewares[name];
  assert.equal(middleware?.kind, kind, name);
  return middleware as Extract<HttpMiddleware, { kind: K }>;
}

test('every middleware kind parses', () => {
  assert.deepEqual(parsed.rejected, []);
  const kinds = new Set(Object.values(middlewares).map((m) => m.kind));
  assert.deepEqual([...kinds].sort(), [...httpMiddlewareKinds].sort());
});

test('middleware configs carry their fields and Traefik defaults', () => {
  assert.deepEqual(get('strip-api', 'stripPrefix').stripPrefix, { prefixes: ['/api', '/v1'] });
  assert.deepEqual(get('secured', 'chain').chain.middlewares, ['office-only', 'auth']);
  assert.equal(get('office-only', 'ipAllowList').ipAllowList.rejectStatusCode, 404);
  assert.equal(get('office-only', 'ipAllowList').ipAllowList.ipStrategy?.depth, 2);
  assert.deepEqual(get('legacy-office-only', 'ipWhiteList').ipWhiteList.sourceRange, ['10.0.0.0/8']);
  assert.deepEqual(get('cors', 'headers').headers.customRequestHeaders, { 'X-Script-Name': 'test', 'X-Custom-Request-Header': '' });
  const limit = get('limited', 'rateLimit').rateLimit;
  assert.equal(limit.period, 60_000);
  assert.equal(limit.burst, 50);
  assert.equal(get('to-https', 'redirectScheme').redirectScheme.port, '443');
  assert.equal(get('auth', 'basicAuth').basicAuth.realm, 'traefik');
  assert.equal(get('sso', 'forwardAuth').forwardAuth.maxBodySize, -1);
  assert.equal(get('few-at-once', 'inFlightReq').inFlightReq.amount, 10);
  assert.equal(get('buffered', 'buffering').buffering.memRequestBodyBytes, 1_048_576);
  const breaker = get('breaker', 'circuitBreaker').circuitBreaker;
  assert.deepEqual([breaker.checkPeriod, breaker.fallbackDuration, breaker.recoveryDuration, breaker.responseCode],
    [100, 30_000, 10_000, 503]);
  assert.deepEqual(get('compressed', 'compress').compress.encodings, ['gzip', 'br', 'zstd']);
  assert.equal(get('client-cert', 'passTLSClientCert').passTLSClientCert.info?.subject?.commonName, true);
  assert.equal(get('retried', 'retry').retry.initialInterval, 100);
  assert.equal(get('retried', 'retry').retry.maxRequestBodyBytes, 2 * 1024 * 1024);
  assert.deepEqual(get('sniffing', 'contentType').contentType, {});
  assert.deepEqual(get('grpc-web', 'grpcWeb').grpcWeb.allowOrigins, ['*']);
  assert.equal(get('slashes', 'encodedCharacters').encodedCharacters.allowEncodedSlash, true);
  assert.equal(get('slashes', 'encodedCharacters').encodedCharacters.allowEncodedHash, false);
  assert.deepEqual(get('my-plugin', 'plugin').plugin, { demo: { headers: { 'X-Demo': 'hello' } } });
  assert.deepEqual(get('error-pages', 'errors').errors.status, ['500-599', '404']);
  assert.equal(get('to-example', 'redirectRegex').redirectRegex.permanent, true);
  assert.equal(get('replace-regex', 'replacePathRegex').replacePathRegex.replacement, '/bar/$1');
  assert.equal(get('replace-all', 'replacePath').replacePath.path, '/index.html');
  assert.equal(get('add-api', 'addPrefix').addPrefix.prefix, '/api');
  assert.deepEqual(get('strip-version', 'stripPrefixRegex').stripPrefixRegex.regex, ['/v[0-9]+']);
  assert.equal(get('digest', 'digestAuth').digestAuth.users.length, 1);
});
