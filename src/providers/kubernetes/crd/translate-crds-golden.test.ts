/**
 * Golden files of the CRD translation: each case reads fixtures (multi-document YAML of real API
 * objects, `fixtures/*.yaml`) with provider options, and compares the translation (dynamic
 * config, diagnostics, item sources) with `fixtures/<case>.golden.json`. Refresh with
 * `UPDATE_GOLDEN=1`. Every golden configuration must also pass parseDynamicConfig with no
 * rejected item and no diagnostic (whatever the translation refused is left out, not passed
 * on), and every rule must compile. PEM contents in the Secrets are short stand-ins: the
 * translation copies them without reading them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseDynamicConfig } from '../../../config/parse-dynamic-config.ts';
import { compileHttpRule } from '../../../rules/http-rule.ts';
import { compileTcpRule } from '../../../rules/tcp-rule.ts';
import { snapshotOf } from '../kube-objects.ts';
import { loadFixtureObjects } from './testing/load-fixture-objects.ts';
import { translateCrds, type CrdTranslateOptions } from './translate-crds.ts';

const fixtures = new URL('./fixtures/', import.meta.url);

interface GoldenCase {
  readonly name: string;
  readonly fixtures: readonly string[];
  readonly options?: CrdTranslateOptions;
}

const seedServices = 'seed-001-services.yaml';

const cases: readonly GoldenCase[] = [
  { name: 'seed-001-weighted', fixtures: [seedServices, 'seed-001-weighted.yaml'] },
  { name: 'seed-001-mirroring', fixtures: [seedServices, 'seed-001-mirroring.yaml'] },
  { name: 'seed-001-sticky', fixtures: [seedServices, 'seed-001-sticky.yaml'] },
  { name: 'ingressroute', fixtures: ['ingressroute.yaml'] },
  { name: 'middlewares', fixtures: ['middlewares.yaml'] },
  { name: 'traefik-services', fixtures: ['traefik-services.yaml'] },
  { name: 'name-conflict', fixtures: ['name-conflict.yaml'] },
  { name: 'tcp-udp', fixtures: ['tcp-udp.yaml'], options: { allowExternalNameServices: true } },
  { name: 'tls-resources', fixtures: ['tls-resources.yaml'] },
  { name: 'tls-default-conflict', fixtures: ['tls-default-conflict.yaml'] },
  { name: 'api-groups', fixtures: ['api-groups.yaml'] },
  { name: 'cross-namespace-refused', fixtures: ['cross-namespace.yaml'] },
  { name: 'cross-namespace-allowed', fixtures: ['cross-namespace.yaml'], options: { allowCrossNamespace: true } },
  { name: 'invalid', fixtures: ['invalid.yaml'] },
  { name: 'ingress-class-default', fixtures: ['ingress-class.yaml'] },
  { name: 'ingress-class-internal', fixtures: ['ingress-class.yaml'], options: { ingressClass: 'internal' } },
  { name: 'service-options-off', fixtures: ['service-options.yaml'] },
  {
    name: 'service-options-on',
    fixtures: ['service-options.yaml'],
    options: { allowExternalNameServices: true, allowEmptyServices: true, nativeLBByDefault: true },
  },
];

/** JSON with keys sorted at every level, as golden files hold it. */
function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

function entries(section: unknown): [string, Record<string, unknown>][] {
  return Object.entries((section ?? {}) as Record<string, Record<string, unknown>>);
}

describe('CRD translation golden files', () => {
  it('covers every fixture file', () => {
    const used = new Set(cases.flatMap((c) => c.fixtures));
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.yaml'));
    assert.deepEqual(files.filter((f) => !used.has(f)), []);
  });

  for (const c of cases) {
    it(`translates ${c.name}`, () => {
      const translation = translateCrds(snapshotOf(loadFixtureObjects(c.fixtures)), c.options);
      const actual = sortedJson({
        config: translation.config,
        diagnostics: translation.diagnostics,
        sources: Object.fromEntries([...translation.sources].sort(([a], [b]) => (a < b ? -1 : 1))),
      });
      const golden = new URL(`${c.name}.golden.json`, fixtures);
      if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(golden)) writeFileSync(golden, actual);
      assert.equal(actual, readFileSync(golden, 'utf8'), `golden ${c.name} (refresh with UPDATE_GOLDEN=1)`);

      const parsed = parseDynamicConfig(translation.config, { resource: 'kubernetescrd' });
      assert.deepEqual(parsed.rejected.map((r) => `${r.section} ${r.name}: ${r.diagnostics.map((d) => `${d.path} ${d.message}`).join('; ')}`), []);
      assert.deepEqual(parsed.diagnostics, []);
      const config = translation.config as Record<string, Record<string, unknown>>;
      for (const [name, router] of entries(config['http']?.['routers'])) {
        const compiled = compileHttpRule(String(router['rule']), router['ruleSyntax'] === 'v2' ? 'v2' : 'v3');
        assert.ok(compiled.ok, `http router ${name}: ${compiled.ok ? '' : compiled.error.message}`);
      }
      for (const [name, router] of entries(config['tcp']?.['routers'])) {
        const compiled = compileTcpRule(String(router['rule']), router['ruleSyntax'] === 'v2' ? 'v2' : 'v3');
        assert.ok(compiled.ok, `tcp router ${name}: ${compiled.ok ? '' : compiled.error.message}`);
      }
    });
  }
});
