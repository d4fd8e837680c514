import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationMs, parseWrkOutput } from './wrk.ts';

const CLEAN = `Running 10s test @ http://127.0.0.1:41043/body-100
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   612.33us    1.02ms  31.20ms   97.91%
    Req/Sec    80.12k     3.01k   84.55k    82.00%
  Latency Distribution
     50%  460.00us
     75%  520.00us
     90%  640.00us
     99%    3.27ms
  797312 requests in 10.00s, 194.66MB read
Requests/sec:  79729.96
Transfer/sec:     19.47MB
`;

const FAILING = `Running 10s test @ http://127.0.0.1:46163/body-16384
  1 threads and 500 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.01ms   90.20ms   2.00s    98.00%
    Req/Sec    12.00k     1.00k   14.00k    70.00%
  Latency Distribution
     50%   21.84ms
     75%   25.00ms
     90%   30.00ms
     99%    1.47s
  120000 requests in 10.01s, 1.88GB read
  Socket errors: connect 0, read 12, write 3, timeout 47
  Non-2xx or 3xx responses: 5
Requests/sec:  11988.01
Transfer/sec:    192.00MB
`;

test('reads req/s, percentiles and request count from a clean run', () => {
  const result = parseWrkOutput(CLEAN);
  assert.equal(result.requestsPerSecond, 79729.96);
  assert.equal(result.requests, 797312);
  assert.equal(result.p50Ms, 0.46);
  assert.equal(result.p99Ms, 3.27);
  assert.deepEqual(result.errors, { connect: 0, read: 0, write: 0, timeout: 0, non2xx: 0 });
});

test('reports socket errors, timeouts and non-2xx responses', () => {
  const result = parseWrkOutput(FAILING);
  assert.deepEqual(result.errors, { connect: 0, read: 12, write: 3, timeout: 47, non2xx: 5 });
  assert.equal(result.p99Ms, 1470);
});

test('refuses output without the --latency distribution', () => {
  assert.throws(() => parseWrkOutput(CLEAN.replace(/ {5}50%.*\n/, '')), /--latency/);
});

test('converts every wrk duration unit to milliseconds', () => {
  for (const [text, ms] of [['870.00us', 0.87], ['1.23ms', 1.23], ['2.01s', 2010], ['1.00m', 60_000]] as const) {
    assert.ok(Math.abs(parseDurationMs(text) - ms) < 1e-9, text);
  }
});
