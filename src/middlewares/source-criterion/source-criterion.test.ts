import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sourceCriterionSchema } from '../../config/dynamic.ts';
import { fakeExchange, type FakeRequest } from '../testing/fake-exchange.ts';
import { createSourceExtractor, type DefaultSource } from './source-criterion.ts';

interface Case {
  readonly title: string;
  readonly config: unknown;
  readonly fallback: DefaultSource;
  readonly request: FakeRequest;
  readonly expected: string;
}

const cases: Case[] = [
  { title: 'defaults to the client IP for rateLimit', config: undefined, fallback: 'clientIp', request: { remoteAddress: '10.1.1.1' }, expected: '10.1.1.1' },
  { title: 'defaults to the request host for inFlightReq', config: undefined, fallback: 'requestHost', request: { headers: ['Host', 'app.example:8080'] }, expected: 'app.example:8080' },
  { title: 'an empty criterion takes the default', config: {}, fallback: 'requestHost', request: { headers: ['Host', 'app.example'] }, expected: 'app.example' },
  { title: 'an empty requestHeaderName takes the default', config: { requestHeaderName: '' }, fallback: 'clientIp', request: { remoteAddress: '10.1.1.1' }, expected: '10.1.1.1' },
  { title: 'requestHost false takes the default', config: { requestHost: false }, fallback: 'clientIp', request: { remoteAddress: '10.1.1.1' }, expected: '10.1.1.1' },
  { title: 'ipStrategy picks the address', config: { ipStrategy: { depth: 1 } }, fallback: 'requestHost', request: { headers: ['X-Forwarded-For', '1.1.1.1, 2.2.2.2'] }, expected: '2.2.2.2' },
  { title: 'requestHeaderName counts per header value, case-insensitively', config: { requestHeaderName: 'X-Api-Key' }, fallback: 'clientIp', request: { headers: ['x-api-key', 'k1'] }, expected: 'k1' },
  { title: 'requests without the header share one source', config: { requestHeaderName: 'X-Api-Key' }, fallback: 'clientIp', request: {}, expected: '' },
  { title: 'requestHost counts per Host header as sent', config: { requestHost: true }, fallback: 'clientIp', request: { headers: ['Host', 'App.Example'] }, expected: 'App.Example' },
];

describe('sourceCriterion', () => {
  for (const c of cases) {
    it(c.title, () => {
      const config = c.config === undefined ? undefined : sourceCriterionSchema.parse(c.config);
      const extract = createSourceExtractor(config, c.fallback);
      assert.equal(extract(fakeExchange(c.request).request), c.expected);
    });
  }
});
