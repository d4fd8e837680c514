import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createP2cPolicy } from './p2c.ts';
import type { PickRequest, PolicyServer, SelectionPolicy } from './policy.ts';
import { slowStartFactor, slowStartFloor, withSlowStart } from './slow-start.ts';
import { createWrrPolicy } from './wrr.ts';

const request: PickRequest = { clientIp: '10.0.0.1', hashKey: undefined };
const all = (): boolean => true;
const servers: PolicyServer[] = ['A', 'B', 'C'].map((key) => ({ key, weight: 1 }));

function counts(policy: SelectionPolicy<PolicyServer>, picks: number, available: (s: PolicyServer) => boolean = all): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < picks; i++) {
    const key = policy.pick(request, available)?.key ?? '-';
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

test('slowStartFactor ramps linearly from the floor to 1', () => {
  const cases: [elapsed: number, duration: number, factor: number][] = [
    [0, 10_000, slowStartFloor],
    [-5, 10_000, slowStartFloor],
    [5_000, 10_000, 0.55],
    [7_500, 10_000, 0.775],
    [10_000, 10_000, 1],
    [60_000, 10_000, 1],
    [0, 0, 1],
  ];
  for (const [elapsed, duration, factor] of cases) assert.equal(slowStartFactor(elapsed, duration), factor, `${elapsed}/${duration}`);
});

test('with EDF, a server at factor 0.25 gets a quarter of the share of a full one', () => {
  const policy = withSlowStart(createWrrPolicy(servers), (s) => (s.key === 'C' ? 0.25 : 1));
  // C is admitted at one turn in four: it acts as weight 0.25 next to A and B at 1.
  assert.deepEqual(counts(policy, 1000), { A: 445, B: 444, C: 111 });
});

test('at factor 1 the inner policy is unchanged', () => {
  const plain = createWrrPolicy([{ key: 'A', weight: 5 }, { key: 'B', weight: 1 }, { key: 'C', weight: 1 }]);
  const wrapped = withSlowStart(createWrrPolicy([{ key: 'A', weight: 5 }, { key: 'B', weight: 1 }, { key: 'C', weight: 1 }]), () => 1);
  let a = '';
  let b = '';
  for (let i = 0; i < 70; i++) {
    a += plain.pick(request, all)!.key;
    b += wrapped.pick(request, all)!.key;
  }
  assert.equal(b, a);
  assert.ok(a.startsWith('AAAACABAAAAABC'));
});

test('with p2c, a ramping server takes part in that share of the picks', () => {
  let seed = 1;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const policy = withSlowStart(createP2cPolicy(servers, random), (s) => (s.key === 'C' ? 0.25 : 1));
  const c = counts(policy, 4000);
  // Without the ramp C would get ~1333; it is a candidate in a quarter of the picks.
  assert.ok(c.C! > 250 && c.C! < 420, `C got ${c.C}`);
  assert.equal(c.A! + c.B! + c.C!, 4000);
});

test('a ramping server is still returned when it is the only one available', () => {
  const policy = withSlowStart(createWrrPolicy(servers), () => slowStartFloor);
  assert.deepEqual(counts(policy, 10, (s) => s.key === 'B'), { B: 10 });
  assert.deepEqual(counts(policy, 3, () => false), { '-': 3 });
});

test('credit is earned once per pick however often the inner policy looks', () => {
  const looks: string[] = [];
  // An inner policy that checks every server three times per pick, then takes the first admitted.
  const inner: SelectionPolicy<PolicyServer> = {
    ...createWrrPolicy(servers),
    pick(_request, available) {
      let chosen: PolicyServer | undefined;
      for (let round = 0; round < 3; round++) {
        for (const s of servers) {
          looks.push(s.key);
          if (available(s)) chosen ??= s;
        }
      }
      return chosen;
    },
  };
  const policy = withSlowStart(inner, (s) => (s.key === 'A' ? 0.25 : 1));
  let out = '';
  for (let i = 0; i < 8; i++) out += policy.pick(request, all)!.key;
  // Credit per look would admit A at the second pick already (0.25 × 4 looks).
  assert.equal(out, 'BBBABBBA');
  assert.equal(looks.length, 8 * 9);
});

test('events and weights pass through to the inner policy', () => {
  const seen: string[] = [];
  const inner: SelectionPolicy<PolicyServer> = {
    ...createWrrPolicy(servers),
    onStart: (s) => seen.push(`start ${s.key}`),
    onHeaders: (s, ms) => seen.push(`headers ${s.key} ${ms}`),
    onEnd: (s, status, failed) => seen.push(`end ${s.key} ${status} ${failed}`),
    dispose: () => seen.push('dispose'),
  };
  const policy = withSlowStart(inner, () => 1);
  policy.onStart(servers[0]!);
  policy.onHeaders(servers[0]!, 12);
  policy.onEnd(servers[0]!, 502, true);
  policy.dispose();
  assert.deepEqual(seen, ['start A', 'headers A 12', 'end A 502 true', 'dispose']);
  assert.deepEqual([...policy.weights()], [['A', 1], ['B', 1], ['C', 1]]);
});
