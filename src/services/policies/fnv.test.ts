import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fnv1_64Hex, fnv1a64Bytes, fnv1a64Hex, fnv1a64String, fnv64Hex, fnv64Reset, fnv64ToNumber, type Fnv64 } from './fnv.ts';

const encoder = new TextEncoder();
const mask = (1n << 64n) - 1n;

/** The slow, obviously right reference: BigInt over TextEncoder bytes. */
function reference(s: string, variant: '1' | '1a'): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of encoder.encode(s)) {
    if (variant === '1a') h = ((h ^ BigInt(b)) * 0x100000001b3n) & mask;
    else h = ((h * 0x100000001b3n) & mask) ^ BigInt(b);
  }
  return h;
}

/** Deterministic strings mixing ASCII, 2-, 3- and 4-byte UTF-8 and lone surrogates. */
function sampleStrings(count: number): string[] {
  const alphabet = ['a', 'Z', '0', '.', ':', '/', 'é', 'ß', '€', '中', '😀', '\ud800', '\udfff', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff'];
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const len = next() % 40;
    for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length]!;
    out.push(s);
  }
  return out;
}

test('FNV-1a 64 matches the published test vectors', () => {
  assert.equal(fnv1a64Hex(''), 'cbf29ce484222325');
  assert.equal(fnv1a64Hex('a'), 'af63dc4c8601ec8c');
  assert.equal(fnv1a64Hex('foobar'), '85944171f73967e8');
});

test('FNV-1 64 matches the published test vectors', () => {
  assert.equal(fnv1_64Hex(''), 'cbf29ce484222325');
  assert.equal(fnv1_64Hex('a'), 'af63bd4c8601b7be');
  assert.equal(fnv1_64Hex('foobar'), '340d8765a4dda9c2');
});

test('both variants agree with a BigInt reference on UTF-8 input, lone surrogates included', () => {
  for (const s of sampleStrings(500)) {
    assert.equal(fnv1a64Hex(s), reference(s, '1a').toString(16), `1a of ${JSON.stringify(s)}`);
    assert.equal(fnv1_64Hex(s), reference(s, '1').toString(16), `1 of ${JSON.stringify(s)}`);
  }
});

test('hashing pre-encoded bytes continues the same state as hashing the string', () => {
  const h: Fnv64 = { hi: 0, lo: 0 };
  for (const s of sampleStrings(100)) {
    fnv64Reset(h);
    fnv1a64String(h, '10.0.0.1');
    fnv1a64Bytes(h, encoder.encode(s));
    assert.equal(fnv64Hex(h), reference(`10.0.0.1${s}`, '1a').toString(16));
  }
});

test('hex has no zero padding, like strconv.FormatUint', () => {
  assert.equal(fnv64Hex({ hi: 0, lo: 0x1f }), '1f');
  assert.equal(fnv64Hex({ hi: 1, lo: 2 }), '100000002');
  assert.equal(fnv64Hex({ hi: 0, lo: 0 }), '0');
});

test('the numeric value rounds like Go float64(uint64)', () => {
  const cases: [number, number][] = [[0xffffffff, 0xffffffff], [0xcbf29ce4, 0x84222325], [0x80000000, 0x00000401], [0, 7]];
  for (const [hi, lo] of cases) {
    const exact = (BigInt(hi) << 32n) | BigInt(lo);
    // Number(bigint) rounds to nearest, ties to even: the same rule as Go's conversion.
    assert.equal(fnv64ToNumber({ hi, lo }), Number(exact));
  }
});
