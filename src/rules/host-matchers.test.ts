import { describe } from 'node:test';
import { runCases } from './testing/match-cases.ts';

describe('Host', () => {
  runCases([
    { rule: 'Host(`example.com`)', request: { host: 'example.com' }, expected: true },
    { rule: 'Host(`example.com`)', request: { host: 'www.example.com' }, expected: false },
    { rule: 'Host(`example.com`)', request: { host: 'example.org' }, expected: false },
    { rule: 'Host(`Example.COM`)', request: { host: 'example.com' }, expected: true, why: 'rule lower-cased' },
    { rule: 'Host(`example.com.`)', request: { host: 'example.com' }, expected: true, why: 'trailing dot in the rule' },
    { rule: 'Host(`example.com`)', request: { host: 'example.com.' }, expected: true, why: 'trailing dot in the request' },
    { rule: 'Host(`example.com`)', request: { host: '' }, expected: false, why: 'no Host' },
    { rule: 'Host(`example.com:8080`)', request: { host: 'example.com' }, expected: false, why: 'a port in the rule never matches' },
    { rule: 'Host(`10.0.0.1`)', request: { host: '10.0.0.1' }, expected: true },
    { rule: 'Host(`::1`)', request: { host: '::1' }, expected: true },
  ]);
});

describe('Host wildcards', () => {
  runCases([
    { rule: 'Host(`*.example.com`)', request: { host: 'api.example.com' }, expected: true },
    { rule: 'Host(`*.example.com`)', request: { host: 'a.b.example.com' }, expected: false, why: 'exactly one label' },
    { rule: 'Host(`*.example.com`)', request: { host: 'example.com' }, expected: false, why: 'the apex is not covered' },
    { rule: 'Host(`*.example.com`)', request: { host: 'apiexample.com' }, expected: false },
    { rule: 'Host(`*.example.com`)', request: { host: 'api.example.com.' }, expected: true, why: 'trailing dot in the request' },
    { rule: 'Host(`*.example.com.`)', request: { host: 'api.example.com' }, expected: true, why: 'trailing dot in the rule' },
    { rule: 'Host(`*.Example.com`)', request: { host: 'api.example.com' }, expected: true },
    { rule: 'Host(`*.example.com`)', request: { host: '' }, expected: false },
    { rule: 'Host(`*`)', request: { host: 'anything.example.org' }, expected: true, why: 'catch-all' },
    { rule: 'Host(`*`)', request: { host: '' }, expected: true, why: 'even without a Host' },
    { rule: 'Host(`*foo.com`)', request: { host: 'barfoo.com' }, expected: false, why: 'a star is only a whole label' },
  ]);
});

describe('HostRegexp', () => {
  runCases([
    { rule: 'HostRegexp(`^[a-z]+\\.example\\.com$`)', request: { host: 'api.example.com' }, expected: true },
    { rule: 'HostRegexp(`^[a-z]+\\.example\\.com$`)', request: { host: 'a.b.example.com' }, expected: false },
    { rule: 'HostRegexp(`example`)', request: { host: 'www.example.org' }, expected: true, why: 'unanchored' },
    { rule: 'HostRegexp(`EXAMPLE`)', request: { host: 'example.com' }, expected: false, why: 'case-sensitive against the lower-case host' },
    { rule: 'HostRegexp(`(?i)EXAMPLE`)', request: { host: 'example.com' }, expected: true },
    { rule: 'HostRegexp(`{sub}.example.com`)', request: { host: 'api.example.com' }, expected: false, why: 'v2 templates are literal text in v3' },
    { rule: 'HostRegexp(`^$`)', request: { host: '' }, expected: true },
  ]);
});
