import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHrwPolicy } from './hrw.ts';
import type { PickRequest, PolicyServer } from './policy.ts';

const encoder = new TextEncoder();
const all = (): boolean => true;

/** Traefik's getNodeScore, the slow way: BigInt FNV-1a over the bytes of ip + name. */
function referenceScore(ip: string, s: PolicyServer): number {
  let h = 0xcbf29ce484222325n;
  for (const b of encoder.encode(ip + s.key)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return (1 / -Math.log(Number(h) / 2 ** 64)) * s.weight;
}

function referencePick(ip: string, servers: readonly PolicyServer[]): string | undefined {
  let best = 0;
  let chosen: string | undefined;
  for (const s of servers) {
    const score = referenceScore(ip, s);
    if (score > best) {
      best = score;
      chosen = s.key;
    }
  }
  return chosen;
}

/** Deterministic IPv4 and IPv6 addresses. */
function clientIps(count: number): string[] {
  let seed = 7;
  const next = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const v = next();
    out.push(i % 5 === 4 ? `2001:db8::${(v & 0xffff).toString(16)}:${(v >>> 16).toString(16)}` : `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`);
  }
  return out;
}

const servers: PolicyServer[] = [
  { key: 'http://10.0.1.1:8080', weight: 1 },
  { key: 'http://10.0.1.2:8080', weight: 2 },
  { key: 'http://10.0.1.3:8080/', weight: 3 },
  { key: 'https://backend.example:8443', weight: 5 },
];

function pickFor(policy: ReturnType<typeof createHrwPolicy<PolicyServer>>, ip: string, available: (s: PolicyServer) => boolean = all): string | undefined {
  const request: PickRequest = { clientIp: ip, hashKey: undefined };
  return policy.pick(request, available)?.key;
}

test('chooses exactly as Traefik\'s score over fnv1a64(clientIp + key), computed the slow way', () => {
  const policy = createHrwPolicy(servers);
  for (const ip of clientIps(3000)) assert.equal(pickFor(policy, ip), referencePick(ip, servers), ip);
});

test('a client keeps its server, and clients spread in proportion to weight', () => {
  const policy = createHrwPolicy(servers);
  const counts = new Map<string, number>();
  const ips = clientIps(11000);
  for (const ip of ips) {
    const key = pickFor(policy, ip)!;
    assert.equal(pickFor(policy, ip), key);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  servers.forEach((s) => {
    const share = (counts.get(s.key) ?? 0) / ips.length;
    assert.ok(Math.abs(share - s.weight / 11) < 0.02, `${s.key}: ${share}`);
  });
});

test('removing a server moves only the clients it had', () => {
  const before = createHrwPolicy(servers);
  const after = createHrwPolicy(servers.filter((s) => s.key !== 'http://10.0.1.2:8080'));
  const ips = clientIps(5000);
  const onRemoved = ips.filter((ip) => pickFor(before, ip) === 'http://10.0.1.2:8080');
  const movedWhenRebuilt = ips.filter((ip) => pickFor(before, ip) !== pickFor(after, ip));
  const movedWhenUnavailable = ips.filter((ip) => pickFor(before, ip) !== pickFor(before, ip, (s) => s.key !== 'http://10.0.1.2:8080'));
  assert.ok(onRemoved.length > 0);
  assert.deepEqual(movedWhenRebuilt, onRemoved);
  assert.deepEqual(movedWhenUnavailable, onRemoved);
});

test('without a client IP the first available server is chosen', () => {
  const policy = createHrwPolicy(servers);
  assert.equal(pickFor(policy, ''), 'http://10.0.1.1:8080');
  assert.equal(pickFor(policy, '', (s) => s.weight > 2), 'http://10.0.1.3:8080/');
});

test('returns undefined when no server is available', () => {
  assert.equal(pickFor(createHrwPolicy(servers), '10.0.0.1', () => false), undefined);
  assert.equal(pickFor(createHrwPolicy([]), '10.0.0.1'), undefined);
});
