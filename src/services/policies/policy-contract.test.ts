/**
 * The contract every selection policy keeps (policy.ts), run against each strategy and against
 * the slow-start wrapper: each file beside this one tests what is particular to its policy.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createPolicy, type PolicyStrategy } from './create-policy.ts';
import type { PickRequest, PolicyServer, SelectionPolicy } from './policy.ts';
import { withSlowStart } from './slow-start.ts';

const strategies: PolicyStrategy[] = ['wrr', 'p2c', 'hrw', 'leasttime', 'drr', 'hash'];

function lcg(): () => number {
  let seed = 42;
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

const servers: PolicyServer[] = [
  { key: 'http://10.0.0.1:80', weight: 1000 },
  { key: 'http://10.0.0.2:80', weight: 1 },
  { key: 'http://10.0.0.3:80', weight: 3 },
  { key: 'http://10.0.0.4:80', weight: 1 },
];

const requests: PickRequest[] = [
  { clientIp: '192.0.2.1', hashKey: 'user-1' },
  { clientIp: '192.0.2.2', hashKey: undefined },
  { clientIp: '', hashKey: 'user-2' },
  { clientIp: '2001:db8::7', hashKey: '' },
];

const variants: { name: string; make: (list: readonly PolicyServer[]) => SelectionPolicy<PolicyServer> }[] = [];
for (const strategy of strategies) {
  const make = (list: readonly PolicyServer[]): SelectionPolicy<PolicyServer> =>
    createPolicy(strategy, list, { clock: createManualClock(0), random: lcg(), loadFactor: 1.25 });
  variants.push({ name: strategy, make });
  variants.push({ name: `${strategy} with slow start`, make: (list) => withSlowStart(make(list), (s) => (s.weight === 3 ? 0.3 : 1)) });
}

for (const { name, make } of variants) {
  describe(`selection policy contract: ${name}`, () => {
    it('returns only available servers', () => {
      const policy = make(servers);
      const available = (s: PolicyServer): boolean => s.key !== 'http://10.0.0.1:80' && s.key !== 'http://10.0.0.4:80';
      for (let i = 0; i < 200; i++) {
        const chosen = policy.pick(requests[i % requests.length]!, available);
        assert.ok(chosen !== undefined && available(chosen), `pick ${i}: ${chosen?.key}`);
        policy.onStart(chosen);
        if (i % 3 === 0) policy.onEnd(chosen, 200, false);
      }
    });

    it('finds a light available server behind a heavy unavailable one', () => {
      const policy = make(servers);
      for (const request of requests) {
        assert.equal(policy.pick(request, (s) => s.key === 'http://10.0.0.2:80')?.key, 'http://10.0.0.2:80');
      }
    });

    it('returns undefined when nothing is available, or there are no servers', () => {
      for (const request of requests) {
        assert.equal(make(servers).pick(request, () => false), undefined);
        assert.equal(make([]).pick(request, () => true), undefined);
      }
    });

    it('reports a weight for every server', () => {
      assert.deepEqual([...make(servers).weights().keys()], servers.map((s) => s.key));
    });

    it('peek tells the next pick without changing the picks that follow', () => {
      const peeked = make(servers);
      const plain = make(servers);
      const available = (s: PolicyServer): boolean => s.key !== 'http://10.0.0.4:80';
      for (let i = 0; i < 200; i++) {
        const request = requests[i % requests.length]!;
        const first = peeked.peek(request, available);
        const again = peeked.peek(request, available);
        assert.deepEqual(again, first, 'peeking twice gives the same answer');
        const chosen = peeked.pick(request, available);
        assert.equal(chosen?.key, plain.pick(request, available)?.key, `pick ${i} is the same as without peeking`);
        assert.ok(first !== undefined && chosen !== undefined);
        assert.ok(first.candidates.every(available), 'candidates are available');
        if (first.via === 'random') {
          assert.equal(first.server, undefined);
          assert.ok(first.candidates.includes(chosen), `pick ${i}: ${chosen.key} is one of the candidates`);
        } else {
          assert.equal(first.server?.key, chosen.key, `pick ${i} (${first.via})`);
        }
        for (const p of [peeked, plain]) {
          p.onStart(chosen);
          p.onHeaders(chosen, 5 + (i % 7));
          if (i % 3 !== 0) p.onEnd(chosen, i % 5 === 0 ? 502 : 200, false);
        }
      }
    });

    it('peek answers for a pick that finds nothing followed by a fallback pick, changing nothing', () => {
      const peeked = make(servers);
      const plain = make(servers);
      const none = (): boolean => false;
      const light = (s: PolicyServer): boolean => s.key !== 'http://10.0.0.1:80';
      const all = (): boolean => true;
      for (let i = 0; i < 60; i++) {
        const request = requests[i % requests.length]!;
        // Alternate a plain pick and picks that first find nothing (as slow start picks).
        const passes: ((s: PolicyServer) => boolean)[] = i % 2 === 0 ? [light] : i % 3 === 0 ? [none, none, light] : [none, all];
        const chain = (p: SelectionPolicy<PolicyServer>): PolicyServer | undefined => {
          let chosen: PolicyServer | undefined;
          for (let k = 0; chosen === undefined && k < passes.length; k++) chosen = p.pick(request, passes[k]!);
          return chosen;
        };
        const peek = peeked.peek(request, passes[0]!, ...passes.slice(1));
        const chosen = chain(peeked);
        const twin = chain(plain);
        assert.equal(chosen?.key, twin?.key, `pick ${i}`);
        assert.ok(peek !== undefined && chosen !== undefined);
        if (peek.via === 'random') assert.ok(peek.candidates.includes(chosen));
        else assert.equal(peek.server?.key, chosen.key, `pick ${i} (${peek.via})`);
      }
    });

    it('peek says so when one server is available, and gives nothing when none is', () => {
      const policy = make(servers);
      for (const request of requests) {
        const only = policy.peek(request, (s) => s.key === 'http://10.0.0.3:80');
        assert.equal(only?.via, 'only-choice');
        assert.equal(only?.server?.key, 'http://10.0.0.3:80');
        assert.equal(policy.peek(request, () => false), undefined);
      }
    });

    it('ignores events about servers it was not built with', () => {
      const policy = make(servers);
      const stranger: PolicyServer = { key: 'http://10.9.9.9:80', weight: 1 };
      policy.onStart(stranger);
      policy.onHeaders(stranger, 10);
      policy.onEnd(stranger, 500, true);
      assert.notEqual(policy.pick(requests[0]!, () => true), undefined);
      policy.dispose();
    });
  });
}
