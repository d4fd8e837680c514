import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { templateToRegex, type TemplateKind } from './gorilla-template.ts';

describe('gorilla/mux templates become plain regexes', () => {
  const cases: readonly [template: string, kind: TemplateKind, regex: string][] = [
    ['/articles/{category}/{id:[0-9]+}', 'path', '^/articles/(?:[^/]+)/(?:[0-9]+)$'],
    ['/v{version:[0-9]+}/', 'prefix', '^/v(?:[0-9]+)/'],
    ['{subdomain:[a-z]+}.example.com', 'host', '(?i)^(?:[a-z]+)\\.example\\.com$'],
    ['{tenant}.example.com', 'host', '(?i)^(?:[^.]+)\\.example\\.com$'],
    ['{id:[0-9]+}', 'query', '^(?:[0-9]+)$'],
    ['/code/{n:[0-9]{3}}', 'path', '^/code/(?:[0-9]{3})$'],
    ['/a.b+c', 'path', '^/a\\.b\\+c$'],
  ];
  for (const [template, kind, regex] of cases) {
    it(`${kind} ${template} → ${regex}`, () => assert.deepEqual(templateToRegex(template, kind), { ok: true, regex }));
  }

  for (const template of ['/users/{id', '/users/id}', '/users/{:[0-9]+}', '/users/{id:}']) {
    it(`refuses ${template}, as gorilla/mux did`, () => assert.equal(templateToRegex(template, 'path').ok, false));
  }
});
