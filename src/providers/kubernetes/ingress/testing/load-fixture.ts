/**
 * Test support: reads an Ingress fixture (multi-document YAML of real API objects, translator
 * options in a `# options: {...}` comment line) and writes golden JSON with sorted keys.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../kube-objects.ts';
import type { TranslateIngressOptions } from '../translate-ingresses.ts';

/** The fixtures folder. */
export const fixturesDir = new URL('../fixtures/', import.meta.url);

/** JSON with keys sorted at every level, as golden files hold it. */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** The objects and options of `fixtures/<name>`. */
export function loadFixture(name: string): { objects: KubeObject[]; options: TranslateIngressOptions } {
  const text = readFileSync(new URL(name, fixturesDir), 'utf8');
  const optionsLine = /^# options: (.*)$/m.exec(text);
  const options = optionsLine === null ? {} : JSON.parse(optionsLine[1]!) as TranslateIngressOptions;
  const objects = parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) assert.fail(`${name}: ${doc.errors[0]!.message}`);
    return doc.toJS() as unknown;
  }).filter((o): o is KubeObject => typeof o === 'object' && o !== null && 'kind' in o);
  return { objects, options };
}
