/**
 * Test support: the Kubernetes objects of multi-document YAML fixture files (as `kubectl apply`
 * takes them), read from `crd/fixtures/`.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../kube-objects.ts';

const fixtures = new URL('../fixtures/', import.meta.url);

/** Reads every object of the given fixture files; throws on YAML errors (a broken fixture is a bug). */
export function loadFixtureObjects(files: readonly string[]): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const file of files) {
    for (const document of parseAllDocuments(readFileSync(new URL(file, fixtures), 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
      const value: unknown = document.toJS();
      if (value !== null && value !== undefined) objects.push(value as KubeObject);
    }
  }
  return objects;
}
