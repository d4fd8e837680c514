/**
 * The file provider's `rewrite` hook: a parsed dynamic file in the Traefik 1.x format is
 * translated (see translate-v1.ts) before validation; any other document passes unchanged.
 * Validation diagnostics about a translated item point at the 1.x frontend, backend or `[[tls]]`
 * entry it comes from.
 */
import type { SourceLocation } from '../../../config/diagnostics.ts';
import { locateNearest, type ConfigPath, type Locate } from '../../../config/issue-diagnostics.ts';
import type { DocumentRewrite } from '../../../config/parse-dynamic-file.ts';
import { isV1Document, translateV1, type V1Origin } from './translate-v1.ts';
import { isMap } from './v1-context.ts';

function key(path: ConfigPath): string {
  return path.map((part) => String(part).toLowerCase()).join('\u0000');
}

/**
 * Locates a path, or else the first of its descendants that has a place in the file: TOML
 * writes `[backends.b.servers.s]` without ever writing `backends.b` on a line of its own.
 */
function descendantLocator(locate: Locate, document: unknown): Locate {
  const search = (path: ConfigPath, value: unknown, depth: number): SourceLocation | undefined => {
    const found = locate(path);
    if (found !== undefined || depth === 0) return found;
    const children: [string | number, unknown][] = isMap(value) ? Object.entries(value) : Array.isArray(value) ? value.map((v: unknown, i) => [i, v]) : [];
    for (const [part, child] of children) {
      const inner = search([...path, part], child, depth - 1);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  return (path) => {
    let value: unknown = document;
    for (const part of path) value = isMap(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[part] : undefined;
    return search(path, value, 4);
  };
}

/** Locates translated items at their 1.x origin, everything else where it is written. */
function originLocator(locate: Locate, origins: readonly V1Origin[]): Locate {
  const byPath = new Map(origins.map(({ path, origin }) => [key(path), origin]));
  const depths = [...new Set(origins.map(({ path }) => path.length))];
  return (path): SourceLocation | undefined => {
    for (const depth of depths) {
      if (path.length < depth) continue;
      const origin = byPath.get(key(path.slice(0, depth)));
      if (origin === undefined) continue;
      // Inside a translated item, only the item itself has a place in the file: returning
      // nothing for deeper paths makes the nearest-ancestor search land on it.
      return path.length === depth ? locateNearest(locate, origin) : undefined;
    }
    return locate(path);
  };
}

/** Translates `document` when it is a 1.x file. */
export function translateLegacyFile(document: unknown, fileName: string, locate: Locate): DocumentRewrite {
  if (!isV1Document(document)) return { value: document, diagnostics: [] };
  const locateV1 = descendantLocator(locate, document);
  const translated = translateV1(document, fileName, { locate: locateV1 });
  return { value: translated.value, diagnostics: translated.diagnostics, locate: originLocator(locateV1, translated.origins) };
}
