/**
 * Golden files: each `fixtures/<name>.yaml` (multi-document YAML of real API objects, as
 * `kubectl get -o yaml` shows them; translator options in a `# options: {...}` comment line) next
 * to `<name>.golden.json`: the translated dynamic configuration, the diagnostics, the item
 * sources. Refresh with `UPDATE_GOLDEN=1`.
 *
 * Every output must also be a valid dynamic configuration for the rest of the pipeline: it
 * passes parseDynamicConfig with no diagnostic and no rejected item, every rule compiles, and
 * every service and middleware a router names exists (or names another provider's).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseDynamicConfig } from '../../../config/parse-dynamic-config.ts';
import type { KubernetesIngressProviderConfig } from '../../../config/static-providers.ts';
import { compileHttpRule } from '../../../rules/http-rule.ts';
import { snapshotOf } from '../kube-objects.ts';
import { fixturesDir as fixtures, loadFixture, sortedJson } from './testing/load-fixture.ts';
import { translateIngresses, type TranslateIngressOptions } from './translate-ingresses.ts';

// The provider passes its static configuration as the options: it must fit.
export const staticOptionsFit: (options: KubernetesIngressProviderConfig) => TranslateIngressOptions = (options) => options;

/** Checks the translation is usable as is by the rest of the pipeline; returns the problems. */
function pipelineProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const parsed = parseDynamicConfig(config, { resource: 'kubernetes' });
  for (const d of parsed.diagnostics) problems.push(`validation: ${d.code} ${d.path}: ${d.message}`);
  for (const r of parsed.rejected) problems.push(`rejected ${r.section}.${r.name}: ${r.diagnostics.map((d) => `${d.code} ${d.path} ${d.message}`).join('; ')}`);
  const { routers, services, middlewares } = parsed.config.http;
  for (const [name, router] of Object.entries(routers)) {
    const compiled = compileHttpRule(router.rule ?? '', router.ruleSyntax === 'v2' ? 'v2' : 'v3');
    if (!compiled.ok) problems.push(`router ${name}: rule ${router.rule ?? ''} does not compile: ${compiled.error.message}`);
    if (router.service !== undefined && !router.service.includes('@') && services[router.service] === undefined) {
      problems.push(`router ${name}: service ${router.service} does not exist`);
    }
    for (const m of router.middlewares ?? []) {
      if (!m.includes('@') && middlewares[m] === undefined) problems.push(`router ${name}: middleware ${m} does not exist`);
    }
  }
  for (const [name, service] of Object.entries(services)) {
    const children = service.kind === 'weighted' ? service.weighted.services.map((c) => c.name) : [];
    for (const child of children) if (services[child] === undefined) problems.push(`service ${name}: child ${child} does not exist`);
    for (const m of service.middlewares) if (!m.includes('@') && middlewares[m] === undefined) problems.push(`service ${name}: middleware ${m} does not exist`);
  }
  return problems;
}

describe('Ingress translation golden files', () => {
  const inputs = readdirSync(fixtures).filter((file) => file.endsWith('.yaml')).sort();
  it('has fixtures', () => assert.ok(inputs.length > 0));
  for (const input of inputs) {
    it(`translates ${input}`, () => {
      const { objects, options } = loadFixture(input);
      const translation = translateIngresses(snapshotOf(objects), options);
      const actual = sortedJson({
        config: translation.config,
        diagnostics: translation.diagnostics.map((d) => `${d.severity} ${d.code} ${d.resource} ${d.path}: ${d.message}`),
        sources: Object.fromEntries(translation.sources),
      });
      const golden = new URL(input.replace(/\.yaml$/, '.golden.json'), fixtures);
      if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(golden)) writeFileSync(golden, actual);
      assert.equal(actual, readFileSync(golden, 'utf8'), `golden ${input} (refresh with UPDATE_GOLDEN=1)`);
      assert.deepEqual(pipelineProblems(translation.config), [], `${input}: the translation must be a valid dynamic configuration`);
    });
  }
});

/** Every path into a JSON value (objects and lists), depth-first, up to `depth` levels. */
function paths(value: unknown, depth: number, prefix: (string | number)[] = []): (string | number)[][] {
  if (depth === 0 || typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, depth - 1, [...prefix, k])]);
}

function replaced(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[head!] = replaced(copy[head!], rest, replacement);
  return copy;
}

describe('Ingress translation of malformed objects', () => {
  const replacements: unknown[] = [null, 42, 'x', [], {}, true];
  for (const fixture of readdirSync(fixtures).filter((file) => file.endsWith('.yaml')).sort()) {
    it(`never throws and stays valid when any field of ${fixture} is replaced`, () => {
      const { objects, options } = loadFixture(fixture);
      let n = 0;
      objects.forEach((object, i) => {
        for (const path of paths(object, 7)) {
          // kind, apiVersion and metadata's name and namespace are always there, as strings (the
          // API server guarantees them); everything else may be anything.
          if (path[0] === 'kind' || path[0] === 'apiVersion') continue;
          if (path[0] === 'metadata' && (path.length === 1 || path[1] === 'name' || path[1] === 'namespace')) continue;
          const broken = [...objects];
          broken[i] = replaced(object, path, replacements[n++ % replacements.length]) as typeof object;
          const translation = translateIngresses(snapshotOf(broken), options);
          // A middleware reference is the user's to get right (the pipeline reports a missing one).
          const userReference = String(path.at(-1)).endsWith('/router.middlewares');
          const problems = pipelineProblems(translation.config).filter((p) => !(userReference && /middleware .* does not exist/.test(p)));
          assert.deepEqual(problems, [], `${fixture}: ${objects[i]!.kind} ${path.join('.')}`);
        }
      });
      assert.ok(n > 10, `only ${n} variations`);
    });
  }
});
