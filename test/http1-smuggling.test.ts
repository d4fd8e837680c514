// The request-smuggling corpus against Switchyard's HTTP/1.1 request parser: every vector must give
// the decision and message boundaries a real node:http server gives (or differ only as an entry of the
// allow-list says), meet the vector's own expectation, frame soundly by a reference reading of the bytes,
// and give the same result however the bytes are split into reads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultHttp1Limits } from '../src/http1/limits.ts';
import { requestSmugglingVectors } from './fixtures/http1-smuggling/request-smuggling-vectors.ts';
import { host } from './fixtures/http1-smuggling/smuggling-vector.ts';
import { firstDifference } from './support/http1-comparison.ts';
import { allowedRequestDifferences, compareRequestParsers, observeSwitchyardRequests } from './support/http1-differential.ts';
import { framingViolations } from './support/http1-framing-invariants.ts';
import { describeObservation, type Http1Observation } from './support/http1-observation.ts';
import { parseRequestsWithLlhttp } from './support/llhttp-oracle.ts';
import { startNodeHttpOracle, type NodeHttpOracle } from './support/node-http-oracle.ts';

const toBuffers = (chunks: readonly string[]): Buffer[] => chunks.map((s) => Buffer.from(s, 'latin1'));

function splitEvery(input: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < input.length; i += size) pieces.push(input.subarray(i, i + size));
  return pieces;
}

function explain(title: string, switchyard: Http1Observation, node: Http1Observation): string {
  return `${title}\n--- Switchyard:\n${describeObservation(switchyard)}\n--- node:http:\n${describeObservation(node)}`;
}

const completeMessages = (o: Http1Observation): number => o.messages.filter((m) => m.complete).length;

describe('HTTP/1.1 request smuggling corpus', () => {
  const oracles = new Map<number, NodeHttpOracle>();
  const usedAllowances = new Set<string>();
  const headerSizeOf = (limits: { readonly maxHeaderBytes?: number } | undefined): number =>
    limits?.maxHeaderBytes ?? defaultHttp1Limits.maxHeaderBytes;

  before(async () => {
    for (const size of new Set(requestSmugglingVectors.map((v) => headerSizeOf(v.limits)))) {
      oracles.set(size, await startNodeHttpOracle({ maxHeaderSize: size }));
    }
  });
  after(async () => {
    for (const oracle of oracles.values()) await oracle.close();
  });

  test('holds at least 80 vectors, each with a unique title and a source', () => {
    assert.ok(requestSmugglingVectors.length >= 80, `${requestSmugglingVectors.length} vectors`);
    const titles = requestSmugglingVectors.map((v) => v.title);
    assert.deepEqual(titles.filter((t, i) => titles.indexOf(t) !== i), []);
    for (const v of requestSmugglingVectors) assert.ok(v.source.length > 0 && v.chunks.length > 0, v.title);
  });

  for (const vector of requestSmugglingVectors) {
    test(`${vector.title}: same as node:http, as expected, soundly framed, split-independent`, async () => {
      const chunks = toBuffers(vector.chunks);
      const input = Buffer.concat(chunks);
      const limits = vector.limits ?? {};
      const maxHeaderSize = headerSizeOf(vector.limits);
      const groundTruth = await oracles.get(maxHeaderSize)!.observe(chunks);

      const fast = parseRequestsWithLlhttp(chunks, { maxHeaderSize });
      assert.equal(firstDifference(fast, groundTruth), null,
        explain('the in-process llhttp oracle disagrees with a real node:http server', fast, groundTruth));

      // Compared through the in-process oracle, now proven equal to node:http, for its error offsets.
      const result = compareRequestParsers(chunks, { limits, node: fast });
      const switchyard = result.switchyard.observation;
      if (result.difference !== null) {
        assert.ok(result.allowedBy !== null, explain(`divergence from node:http: ${result.difference}`, switchyard, fast));
        usedAllowances.add(result.allowedBy.id);
      }

      assert.equal(switchyard.end.kind, vector.switchyard, explain('end of stream', switchyard, fast));
      assert.equal(completeMessages(switchyard), vector.messages, explain('complete messages', switchyard, fast));
      assert.deepEqual(framingViolations(input, result.switchyard), []);

      const pieces = splitEvery(input, input.length > 64 * 1024 ? 4096 : 1);
      const split = observeSwitchyardRequests(pieces, limits).observation;
      assert.equal(firstDifference(split, switchyard), null, explain('fed in small reads', split, switchyard));
    });
  }

  test('every allowed difference is needed by at least one vector', () => {
    assert.deepEqual(allowedRequestDifferences.map((a) => a.id).filter((id) => !usedAllowances.has(id)), []);
  });
});

describe('Content-Length together with Transfer-Encoding', () => {
  const codings = ['chunked', 'CHUNKED', ' chunked ', 'identity', 'gzip, chunked', 'chunked, identity', 'xchunked'];
  const lengths = ['0', '5', '05', ' 5 '];
  const versions = ['1.1', '1.0'];

  for (const coding of codings) {
    test(`is refused before any head, in either order and version, with Transfer-Encoding: ${JSON.stringify(coding)}`, () => {
      for (const length of lengths) {
        for (const version of versions) {
          const cl = `Content-Length:${length}\r\n`;
          const te = `Transfer-Encoding:${coding}\r\n`;
          for (const fields of [cl + te, te + cl]) {
            const input = Buffer.from(`POST / HTTP/${version}\r\n${host}${fields}\r\n5\r\nhello\r\n0\r\n\r\n`, 'latin1');
            const { observation } = observeSwitchyardRequests([input]);
            assert.equal(observation.end.kind, 'rejected', `${JSON.stringify(fields)} HTTP/${version}`);
            assert.equal(observation.messages.length, 0, `${JSON.stringify(fields)} HTTP/${version} reported a head`);
            assert.equal(parseRequestsWithLlhttp([input], { maxHeaderSize: defaultHttp1Limits.maxHeaderBytes }).end.kind, 'rejected',
              `llhttp accepted ${JSON.stringify(fields)} HTTP/${version}`);
          }
        }
      }
    });
  }
});

describe('the harness itself', () => {
  const input = Buffer.from(`POST / HTTP/1.1\r\n${host}Content-Length: 3\r\n\r\nabc`, 'latin1');
  const honest = observeSwitchyardRequests([input]);

  test('the framing invariants accept a sound run and name every fault of a forged one', () => {
    assert.deepEqual(framingViolations(input, honest), []);
    const head = honest.heads[0]!;
    const forgedHead = { ...head, headers: [...head.headers, 'Transfer-Encoding', 'chunked'], contentLength: 2 };
    const forged = { observation: honest.observation, heads: [forgedHead] };
    const problems = framingViolations(input, forged).join('\n');
    assert.match(problems, /both Content-Length and Transfer-Encoding/);
    assert.match(problems, /reported header pairs differ/);
    assert.match(problems, /Transfer-Encoding present but body is length/);
    const shortBody = {
      observation: { ...honest.observation, messages: [{ ...honest.observation.messages[0]!, body: Buffer.from('ab') }] },
      heads: honest.heads,
    };
    assert.match(framingViolations(input, shortBody).join('\n'), /body is not the next Content-Length bytes/);
  });

  test('a Switchyard run laxer than node:http is a divergence no allowance excuses', () => {
    const smuggled = Buffer.from(`POST / HTTP/1.1\r\n${host}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 'latin1');
    const node = parseRequestsWithLlhttp([smuggled]);
    assert.equal(node.end.kind, 'rejected');
    const lax: Http1Observation = { messages: honest.observation.messages, end: { kind: 'clean' } };
    assert.notEqual(firstDifference(lax, node), null);
    const result = compareRequestParsers([smuggled], { node });
    assert.equal(result.difference, null, 'Switchyard itself refuses CL + TE');
    const context = { switchyard: lax, node, limits: defaultHttp1Limits, input: smuggled };
    assert.deepEqual(allowedRequestDifferences.filter((a) => a.applies(context)).map((a) => a.id), []);
  });
});
