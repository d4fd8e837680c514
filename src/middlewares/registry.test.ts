import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpMiddlewareKinds, httpMiddlewareSchema } from '../config/dynamic.ts';
import { getHeader } from '../lib/exchange.ts';
import { buildMiddleware, implementedMiddlewareKinds, middlewareFactories, type MiddlewareFactories } from './registry.ts';
import { run, testContext } from './testing/test-context.ts';

// Compile-time properties, checked by `tsc --noEmit` (this file is in the project): the registry
// type demands an entry for every kind, so dropping one is an error…
const { plugin: _plugin, ...withoutPlugin } = middlewareFactories;
// @ts-expect-error a kind without an entry does not compile
const _incomplete: MiddlewareFactories = withoutPlugin;
// …and an entry for a kind the configuration does not have is an error too.
// @ts-expect-error an unknown kind does not compile
const _unknown: MiddlewareFactories = { ...middlewareFactories, notAKind: 'unimplemented' };

describe('middleware registry', () => {
  it('has an entry for every kind of the configuration', () => {
    assert.deepEqual(Object.keys(middlewareFactories).sort(), [...httpMiddlewareKinds].sort());
  });

  it('lists exactly the kinds with a factory as implemented', () => {
    assert.deepEqual([...implementedMiddlewareKinds].sort(), [
      'addPrefix', 'basicAuth', 'buffering', 'chain', 'circuitBreaker', 'compress', 'contentType', 'digestAuth', 'encodedCharacters', 'errors', 'forwardAuth', 'grpcWeb', 'headers', 'inFlightReq', 'ipAllowList', 'ipWhiteList', 'passTLSClientCert', 'rateLimit', 'redirectRegex', 'redirectScheme', 'replacePath', 'replacePathRegex', 'retry', 'stripPrefix', 'stripPrefixRegex',
    ]);
  });

  it('builds a middleware from a parsed config item', async () => {
    const item = httpMiddlewareSchema.parse({ headers: { customResponseHeaders: { 'X-Built': 'yes' } } });
    const { exchange } = await run(buildMiddleware(item, testContext()));
    assert.equal(getHeader(exchange.sent.headers, 'x-built'), 'yes');
  });

  it('refuses to build an unimplemented kind', () => {
    const item = httpMiddlewareSchema.parse({ plugin: { example: {} } });
    assert.throws(() => buildMiddleware(item, testContext()), /not implemented/);
  });
});
