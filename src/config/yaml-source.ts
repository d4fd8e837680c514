/**
 * YAML (and JSON, a YAML subset) sources: parse with positions, and locate a config path in the
 * document as line:column.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Diagnostic, SourceLocation } from './diagnostics.ts';
import type { ConfigPath, Locate } from './issue-diagnostics.ts';

/** A parsed YAML document: its plain value and a locator, or the syntax errors. */
export type YamlSource =
  | { readonly ok: true; readonly value: unknown; readonly locate: Locate }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

function keyText(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

/**
 * Parses YAML text. On a syntax error, returns diagnostics with the line:column of each error.
 * The locator matches keys exactly first, then case-insensitively (field names are
 * case-insensitive in Traefik, and diagnostics use their canonical spelling).
 */
export function parseYamlSource(text: string, fileName: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((error) => {
        const pos = lineCounter.linePos(error.pos[0]);
        return {
          severity: 'error', code: 'CONFIG_SYNTAX_ERROR', resource: fileName, path: '',
          message: `the file does not parse as YAML: ${error.message.split('\n')[0]}`,
          source: { file: fileName, line: pos.line, column: pos.col },
        } satisfies Diagnostic;
      }),
    };
  }
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file: fileName, line: pos.line, column: pos.col };
  };
  const locate = (path: ConfigPath): SourceLocation | undefined => {
    let node: unknown = doc.contents;
    let position: number | undefined = (doc.contents as Node | null)?.range?.[0];
    for (const part of path) {
      if (isMap(node)) {
        const wanted = String(part);
        const pair = node.items.find((p) => keyText(p.key) === wanted)
          ?? node.items.find((p) => keyText(p.key)?.toLowerCase() === wanted.toLowerCase());
        if (pair === undefined) return undefined;
        position = (pair.key as Node | null)?.range?.[0];
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number') {
        const item = node.items[part] as Node | undefined;
        if (item === undefined) return undefined;
        position = item.range?.[0];
        node = item;
      } else {
        return undefined;
      }
    }
    return position === undefined ? undefined : at(position);
  };
  return { ok: true, value: doc.toJS({ maxAliasCount: 1000 }) as unknown, locate };
}
