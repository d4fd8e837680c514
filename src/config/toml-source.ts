/**
 * TOML sources: parse, and locate a config path in the text (best effort: table headers and
 * `key = value` lines; values inside inline tables resolve to their enclosing key).
 */
import { parse, TomlError } from 'smol-toml';
import type { Diagnostic, SourceLocation } from './diagnostics.ts';
import type { Locate } from './issue-diagnostics.ts';

/** A parsed TOML document: its plain value and a locator, or the syntax error. */
export type TomlSource =
  | { readonly ok: true; readonly value: unknown; readonly locate: Locate }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

/** Splits a dotted TOML key (`http.routers."my.router"`) into its parts. */
function splitKey(text: string): string[] | null {
  const parts: string[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
  let index = 0;
  while (index < text.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (match === null) return null;
    const part = match[1] !== undefined ? JSON.parse(`"${match[1]}"`) as string : match[2] ?? match[3] ?? '';
    parts.push(part);
    index = pattern.lastIndex;
    if (match[4] === '') break;
  }
  return parts;
}

function pathKey(path: readonly (string | number)[]): string {
  return path.map((part) => String(part).toLowerCase()).join('\u0000');
}

/** Indexes where each table header and key is written. */
function indexPositions(text: string, fileName: string): Map<string, SourceLocation> {
  const positions = new Map<string, SourceLocation>();
  const arrayCounts = new Map<string, number>();
  let table: (string | number)[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, lineIndex) => {
    const column = line.length - line.trimStart().length + 1;
    const trimmed = line.trim();
    const location = { file: fileName, line: lineIndex + 1, column };
    const arrayHeader = /^\[\[(.+?)\]\]\s*(#.*)?$/.exec(trimmed);
    const header = arrayHeader === null ? /^\[(.+?)\]\s*(#.*)?$/.exec(trimmed) : null;
    if (arrayHeader !== null) {
      const parts = splitKey(arrayHeader[1]!);
      if (parts === null) return;
      const key = pathKey(parts);
      const count = arrayCounts.get(key) ?? 0;
      arrayCounts.set(key, count + 1);
      if (!positions.has(key)) positions.set(key, location);
      table = [...parts, count];
      positions.set(pathKey(table), location);
    } else if (header !== null) {
      const parts = splitKey(header[1]!);
      if (parts === null) return;
      table = parts;
      const key = pathKey(parts);
      if (!positions.has(key)) positions.set(key, location);
    } else {
      const assignment = /^((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\s-])+?)\s*=/.exec(trimmed);
      if (assignment === null) return;
      const parts = splitKey(assignment[1]!);
      if (parts === null) return;
      // Dotted keys also define their intermediate tables at this line.
      for (let length = 1; length <= parts.length; length++) {
        const key = pathKey([...table, ...parts.slice(0, length)]);
        if (!positions.has(key)) positions.set(key, location);
      }
    }
  });
  return positions;
}

/** Parses TOML text; a syntax error becomes a diagnostic with its line:column. */
export function parseTomlSource(text: string, fileName: string): TomlSource {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    return {
      ok: false,
      diagnostics: [{
        severity: 'error', code: 'CONFIG_SYNTAX_ERROR', resource: fileName, path: '',
        message: `the file does not parse as TOML: ${error.message.split('\n')[0]}`,
        source: { file: fileName, line: error.line, column: error.column },
      }],
    };
  }
  const positions = indexPositions(text, fileName);
  return { ok: true, value, locate: (path) => positions.get(pathKey(path)) };
}
