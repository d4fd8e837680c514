/**
 * Golden files: each `testdata/<name>.toml|.yml` (a 1.x file as users write it) next to
 * `<name>.json`, the translated v3 document, the translation's diagnostics, and the items the v3
 * validation then rejects. Refresh with `UPDATE_GOLDEN=1`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseDynamicConfig } from '../../../config/parse-dynamic-config.ts';
import { parseTomlSource } from '../../../config/toml-source.ts';
import { parseYamlSource } from '../../../config/yaml-source.ts';
import { translateV1 } from './translate-v1.ts';

const testdata = new URL('./testdata/', import.meta.url);

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

function translate(name: string): unknown {
  const text = readFileSync(new URL(name, testdata), 'utf8');
  const source = name.endsWith('.toml') ? parseTomlSource(text, name) : parseYamlSource(text, name);
  if (!source.ok) assert.fail(`${name} does not parse: ${source.diagnostics.map((d) => d.message).join('; ')}`);
  const { value, diagnostics } = translateV1(source.value as Record<string, unknown>, name);
  const validation = parseDynamicConfig(value, { resource: name });
  return {
    value,
    diagnostics,
    rejectedByValidation: validation.rejected.map((item) => `${item.section}.${item.name}: ${item.diagnostics.map((d) => d.code).join(', ')}`),
    validationDiagnostics: validation.diagnostics.map((d) => `${d.code} ${d.path}`),
  };
}

describe('Traefik 1.x translation golden files', () => {
  const inputs = readdirSync(testdata).filter((file) => file.endsWith('.toml') || file.endsWith('.yml'));
  it('has inputs', () => assert.ok(inputs.length > 0));
  for (const input of inputs) {
    it(`translates ${input}`, () => {
      const golden = new URL(input.replace(/\.(toml|yml)$/, '.json'), testdata);
      const actual = sortedJson(translate(input));
      if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(golden)) {
        writeFileSync(golden, actual);
        if (process.env['UPDATE_GOLDEN'] === '1') return;
      }
      assert.equal(actual, readFileSync(golden, 'utf8'), `golden ${input} (refresh with UPDATE_GOLDEN=1)`);
    });
  }
});
