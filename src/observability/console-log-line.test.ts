import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatConsoleLogLine } from './console-log-line.ts';

describe('console log line', () => {
  const record = JSON.stringify({ level: 'warn', time: '2009-11-10T23:00:00Z', message: 'Slow', ms: 1200 });

  it('prints time, short level, message and fields', () => {
    assert.equal(formatConsoleLogLine(record, false), '2009-11-10T23:00:00Z WRN Slow ms=1200\n');
  });

  it('colours time, level and field names', () => {
    assert.equal(formatConsoleLogLine(record, true),
      '\x1b[90m2009-11-10T23:00:00Z\x1b[0m \x1b[31mWRN\x1b[0m Slow \x1b[36mms=\x1b[0m1200\n');
  });

  it('passes lines that are not JSON objects through', () => {
    assert.equal(formatConsoleLogLine('not json\n', false), 'not json\n');
  });
});
