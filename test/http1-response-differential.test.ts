// Switchyard's HTTP/1.1 response parser against node:http's client (llhttp in response mode): the
// response corpus through a real node:http client request and the in-process oracle, then 20,000
// generated replies (FUZZ_RESPONSE_ITERATIONS and FUZZ_SEED override, as for the request fuzzer).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { responseVectors } from './fixtures/http1-smuggling/response-vectors.ts';
import { firstDifference } from './support/http1-comparison.ts';
import {
  allowedResponseDifferences, compareResponseParsers, normaliseResponses, observeSwitchyardResponses, responseComparison,
} from './support/http1-response-differential.ts';
import { minimizeResponseFinding, runResponseFuzz } from './support/http1-response-fuzz.ts';
import { describeObservation, type Http1Observation } from './support/http1-observation.ts';
import { parseResponsesWithLlhttp } from './support/llhttp-oracle.ts';
import { startNodeHttpClientOracle, type NodeHttpClientOracle } from './support/node-http-oracle.ts';

const explain = (title: string, switchyard: Http1Observation, node: Http1Observation): string =>
  `${title}\n--- Switchyard:\n${describeObservation(switchyard)}\n--- node:http:\n${describeObservation(node)}`;

// Keep-alive is invisible from outside node:http's client, so the two oracles are compared without it;
// so are the body bytes of a response that failed, which node:http's client drops with the stream.
const withoutKeepAlive = { keepAliveMatters: () => false };
const withoutFailedBody = (o: Http1Observation): Http1Observation => o.end.kind !== 'rejected' ? o
  : { messages: o.messages.map((m) => m.complete ? m : { ...m, body: Buffer.alloc(0) }), end: o.end };

describe('HTTP/1.1 response corpus', () => {
  let oracle: NodeHttpClientOracle;
  const usedAllowances = new Set<string>();
  before(async () => {
    oracle = await startNodeHttpClientOracle();
  });
  after(async () => {
    await oracle.close();
  });

  test('holds unique titles, each with a source', () => {
    const titles = responseVectors.map((v) => v.title);
    assert.deepEqual(titles.filter((t, i) => titles.indexOf(t) !== i), []);
    assert.ok(responseVectors.length >= 25);
  });

  for (const vector of responseVectors) {
    test(`${vector.title} (${vector.method}): same as node:http's client, as expected, split-independent`, async () => {
      const chunks = vector.chunks.map((s) => Buffer.from(s, 'latin1'));
      const groundTruth = normaliseResponses(await oracle.observe(vector.method, chunks));
      const fast = normaliseResponses(parseResponsesWithLlhttp(chunks, vector.method));
      assert.equal(firstDifference(withoutFailedBody(fast), withoutFailedBody(groundTruth), withoutKeepAlive), null,
        explain('the in-process llhttp oracle disagrees with node:http\'s client', fast, groundTruth));

      const result = compareResponseParsers(vector.method, chunks);
      if (result.difference !== null) {
        assert.ok(result.allowedBy !== null, explain(`divergence from llhttp: ${result.difference}`, result.switchyard, result.node));
        usedAllowances.add(result.allowedBy.id);
      }
      assert.equal(result.switchyard.end.kind, vector.switchyard, explain('end of stream', result.switchyard, result.node));
      assert.equal(result.switchyard.messages.filter((m) => m.complete).length, vector.messages,
        explain('complete messages', result.switchyard, result.node));

      const bytes = Buffer.concat(chunks);
      const split = normaliseResponses(observeSwitchyardResponses(vector.method, [...bytes].map((b) => Buffer.of(b))));
      assert.equal(firstDifference(split, result.switchyard, responseComparison), null, explain('fed one byte per read', split, result.switchyard));
    });
  }

  test('every allowed response difference is needed by at least one vector', () => {
    assert.deepEqual(allowedResponseDifferences.map((a) => a.id).filter((id) => !usedAllowances.has(id)), []);
  });
});

const iterations = Number(process.env.FUZZ_RESPONSE_ITERATIONS ?? 20_000);
const seed = Number(process.env.FUZZ_SEED ?? 0x5eed_0008);

test(`Switchyard's response parser agrees with llhttp on ${iterations} generated replies (seed ${seed})`, () => {
  const { findings, counts } = runResponseFuzz(seed, iterations);
  if (counts.size === 0) return;
  const lines = [`seed ${seed}: ${[...counts.values()].reduce((a, b) => a + b, 0)} of ${iterations} replies disagree`];
  for (const [kind, count] of [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    const example = findings.find((f) => f.kind === kind)!;
    lines.push(`- ${count} × ${kind}`, `    case ${example.index}, ${example.method}: ` +
      JSON.stringify(minimizeResponseFinding(example.method, example.chunks, kind).toString('latin1')));
  }
  assert.fail(lines.join('\n'));
});
