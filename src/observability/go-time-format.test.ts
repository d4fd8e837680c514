import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatCommonLogTime, formatRfc3339 } from './go-time-format.ts';

const T = Date.UTC(2009, 10, 10, 23, 4, 5, 120);

describe('Go time formats', () => {
  it('formats the common log time with the offset', () => {
    assert.equal(formatCommonLogTime(T, 0), '10/Nov/2009:23:04:05 +0000');
    assert.equal(formatCommonLogTime(T, -540), '10/Nov/2009:14:04:05 -0900');
    assert.equal(formatCommonLogTime(T, 330), '11/Nov/2009:04:34:05 +0530');
  });

  it('formats RFC 3339 with Z for UTC and trims the fraction as RFC3339Nano does', () => {
    assert.equal(formatRfc3339(T, 0, true), '2009-11-10T23:04:05.12Z');
    assert.equal(formatRfc3339(T, 0, false), '2009-11-10T23:04:05Z');
    assert.equal(formatRfc3339(T - 120, 60, true), '2009-11-11T00:04:05+01:00');
  });
});
