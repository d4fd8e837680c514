import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRenewalDue, renewDurations } from './renewal-policy.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

test("Traefik's renewal table by certificate duration in hours", () => {
  const rows: [number, number, number][] = [
    // hours, renew period, check interval
    [365 * 24 * 5, 120 * day, 7 * day],
    [365 * 24, 120 * day, 7 * day],
    [2160, 30 * day, day],
    [90 * 24 - 1, 10 * day, 12 * hour],
    [30 * 24, 10 * day, 12 * hour],
    [6 * 24, 2 * day, 2 * hour],
    [6 * 24 - 1, 6 * hour, 10 * minute],
    [24, 6 * hour, 10 * minute],
    [23, 20 * minute, minute],
    [1, 20 * minute, minute],
  ];
  for (const [hours, renewPeriod, checkInterval] of rows) {
    assert.deepEqual(renewDurations(hours), { renewPeriod, checkInterval }, `${hours} hours`);
  }
});

test('a 90-day certificate is due once less than 30 days remain', () => {
  const validity = { notBefore: 0, notAfter: 90 * day };
  assert.equal(isRenewalDue(validity, 60 * day - 1), false);
  assert.equal(isRenewalDue(validity, 60 * day + 1), true);
  assert.equal(isRenewalDue(validity, 100 * day), true, 'expired');
});

test("the period follows the certificate's own lifetime", () => {
  const sixDays = { notBefore: 0, notAfter: 6 * day };
  assert.equal(isRenewalDue(sixDays, 4 * day - 1), false);
  assert.equal(isRenewalDue(sixDays, 4 * day + 1), true);
});

test('a certificate that cannot be read is due', () => {
  assert.equal(isRenewalDue(undefined, 0), true);
});
