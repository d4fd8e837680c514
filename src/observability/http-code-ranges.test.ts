import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { httpCodeRangesContain, parseHttpCodeRanges } from './http-code-ranges.ts';

describe('HTTP code ranges', () => {
  it('reads single codes and low-high ranges', () => {
    assert.deepEqual(parseHttpCodeRanges(['200', '300-302', '500-599']), { ranges: [[200, 200], [300, 302], [500, 599]] });
  });

  it('matches inclusive bounds', () => {
    const parsed = parseHttpCodeRanges(['300-302']);
    assert.ok('ranges' in parsed);
    assert.deepEqual([299, 300, 302, 303].map((s) => httpCodeRangesContain(parsed.ranges, s)), [false, true, true, false]);
  });

  it('rejects entries that are not codes', () => {
    for (const bad of ['5xx', '', '500-', '-500', 'abc-def']) {
      assert.ok('error' in parseHttpCodeRanges([bad]), bad);
    }
  });
});
