import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoodFixture } from './fixtures/read-fixture.ts';

// Traefik logs these and uses a default instead; Switchyard disables the item (DESIGN.md).
const parsed = parseGoodFixture('dynamic/silently-replaced.yml');

function only(name: string) {
  const item = parsed.rejected.find((r) => r.name === name);
  assert.ok(item, `${name} should be rejected`);
  assert.equal(item.section, 'http.services');
  assert.equal(item.diagnostics.length, 1, JSON.stringify(item.diagnostics));
  return item.diagnostics[0]!;
}

test('the valid service next to them is kept', () => {
  assert.deepEqual(Object.keys(parsed.config.http.services), ['healthy']);
  assert.equal(parsed.rejected.length, 4);
});

const cases = [
  { name: 'zero-interval', path: 'http.services.zero-interval.loadBalancer.healthCheck.interval', line: 9, column: 11, says: /greater than 0.*30s/ },
  { name: 'negative-timeout', path: 'http.services.negative-timeout.loadBalancer.healthCheck.timeout', line: 16, column: 11, says: /greater than 0.*5s/ },
  { name: 'unknown-strategy', path: 'http.services.unknown-strategy.loadBalancer.strategy', line: 19, column: 9, says: /expected one of wrr, p2c, hrw, leasttime, drr, hash, got "foo"/ },
  { name: 'bogus-same-site', path: 'http.services.bogus-same-site.loadBalancer.sticky.cookie.sameSite', line: 28, column: 13, says: /expected one of "", none, lax, strict, got "bogus"/ },
];

for (const c of cases) {
  test(`rejects ${c.name} with the field path and its line:column`, () => {
    const d = only(c.name);
    assert.equal(d.severity, 'error');
    assert.equal(d.code, 'CONFIG_INVALID_VALUE');
    assert.equal(d.path, c.path);
    assert.deepEqual(d.source, { file: 'silently-replaced.yml', line: c.line, column: c.column });
    assert.match(d.message, c.says);
  });
}
