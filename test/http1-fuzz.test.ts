// Fuzzing Switchyard's HTTP/1.1 request parser against llhttp: generated request streams (valid ones
// mutated, split into random reads) must give the same decision and message boundaries in both
// parsers (or differ only as the allow-list of test/support/http1-differential.ts says) and frame
// soundly by the reference reader. 10^5 cases in CI; more on demand:
//   FUZZ_ITERATIONS=10000000 npx node --test test/http1-fuzz.test.ts   (or npm run fuzz)
// A failure prints the seed, the case numbers and shrunk reproducers; replay one case with
//   FUZZ_SEED=<seed> FUZZ_CASE=<n> npx node --test test/http1-fuzz.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkRequestCase, generateRequestCase, minimizeRequestFinding, runRequestFuzz, type FuzzFinding,
} from './support/http1-fuzz.ts';
import { describeObservation } from './support/http1-observation.ts';

const ciIterations = 100_000;
const onDemand = process.env.FUZZ_ITERATIONS !== undefined;
const iterations = onDemand ? Number(process.env.FUZZ_ITERATIONS) : ciIterations;
// CI runs a fixed seed so a red build is reproducible; on-demand runs explore a fresh one each time.
const seed = process.env.FUZZ_SEED !== undefined
  ? Number(process.env.FUZZ_SEED)
  : onDemand ? Math.floor(Math.random() * 2 ** 32) : 0x5eed_0008;
const replayCase = process.env.FUZZ_CASE;

if (!Number.isSafeInteger(iterations) || iterations <= 0) throw new Error(`FUZZ_ITERATIONS must be a positive integer, got ${process.env.FUZZ_ITERATIONS}`);
if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`FUZZ_SEED must be a non-negative integer, got ${process.env.FUZZ_SEED}`);

const show = (chunks: readonly Buffer[]): string => JSON.stringify(chunks.map((b) => b.toString('latin1')));

function report(findings: readonly FuzzFinding[], counts: ReadonlyMap<string, number>): string {
  const lines = [`seed ${seed}: ${[...counts.values()].reduce((a, b) => a + b, 0)} of ${iterations} cases disagree, ${counts.size} kinds`];
  const firstOfKind = new Map<string, FuzzFinding>();
  for (const f of findings) if (!firstOfKind.has(f.kind)) firstOfKind.set(f.kind, f);
  const kinds = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  for (const [i, [kind, count]] of kinds.entries()) {
    const example = firstOfKind.get(kind)!;
    lines.push(`- ${count} × ${kind}`);
    lines.push(`    replay: FUZZ_SEED=${seed} FUZZ_CASE=${example.index} npx node --test test/http1-fuzz.test.ts`);
    // Shrinking costs up to a few thousand parses per kind; the first kinds are enough to act on.
    lines.push(`    ${i < 12 ? 'shrunk' : 'input'}: ${show(i < 12 ? minimizeRequestFinding(example.chunks, kind) : example.chunks)}`);
  }
  return lines.join('\n');
}

if (replayCase !== undefined) {
  test(`replays case ${replayCase} of seed ${seed}`, () => {
    const chunks = generateRequestCase(seed, Number(replayCase));
    const finding = checkRequestCase(chunks);
    assert.equal(finding, null, finding === null ? '' : [
      `${finding.kind}: ${finding.detail}`, `input: ${show(chunks)}`,
      `shrunk: ${show(minimizeRequestFinding(chunks, finding.kind))}`,
      `--- Switchyard:\n${describeObservation(finding.result.switchyard.observation)}`,
      `--- llhttp:\n${describeObservation(finding.result.node)}`,
    ].join('\n'));
  });
} else {
  test(`Switchyard's request parser agrees with llhttp on ${iterations} generated streams (seed ${seed})`, () => {
    const { findings, counts } = runRequestFuzz({ seed, iterations });
    assert.equal(counts.size, 0, counts.size === 0 ? '' : report(findings, counts));
  });
}

test('the generator replays a case from its seed and index alone', () => {
  for (const index of [0, 1, 999, 123_456]) {
    assert.deepEqual(generateRequestCase(seed, index), generateRequestCase(seed, index));
  }
  assert.notDeepEqual(generateRequestCase(1, 7), generateRequestCase(2, 7));
});

test('the generator covers every framing family, mutation and read split', () => {
  const sample = Array.from({ length: 3000 }, (_, i) => generateRequestCase(seed, i));
  const share = (predicate: (text: string, chunks: readonly Buffer[]) => boolean): number =>
    sample.filter((chunks) => predicate(Buffer.concat(chunks).toString('latin1'), chunks)).length / sample.length;
  const families: Record<string, number> = {
    'Content-Length': share((t) => /content-length:/i.test(t)),
    'Transfer-Encoding': share((t) => /transfer-encoding/i.test(t)),
    'both framing fields': share((t) => /content-length:/i.test(t) && /transfer-encoding/i.test(t)),
    'chunk extension': share((t) => /\n[0-9a-fA-F]+;/.test(t)),
    'pipelined requests': share((t) => (t.match(/ HTTP\/1\.[01]\r\n/g) ?? []).length > 1),
    'upgrade': share((t) => /Upgrade: websocket/.test(t)),
    'bare LF': share((t) => /(?<!\r)\n/.test(t)),
    'NUL': share((t) => t.includes('\0')),
    'several reads': share((_, chunks) => chunks.length > 1),
    'one byte per read': share((_, chunks) => chunks.length > 20 && chunks.every((c) => c.length === 1)),
  };
  for (const [family, fraction] of Object.entries(families)) assert.ok(fraction > 0.01, `${family}: ${fraction}`);
});
