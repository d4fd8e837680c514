/**
 * A dynamic configuration file (`.yml`, `.yaml`, `.toml`, `.json`), as the file provider reads it.
 */
import type { Diagnostic } from './diagnostics.ts';
import type { DynamicConfig, RejectedItem } from './dynamic.ts';
import type { Locate } from './issue-diagnostics.ts';
import { parseDynamicConfig } from './parse-dynamic-config.ts';
import { parseTomlSource } from './toml-source.ts';
import { parseYamlSource } from './yaml-source.ts';

/** The outcome of reading one file: parsed (items may still be rejected) or not parseable. */
export type ParsedDynamicFile =
  | {
    readonly ok: true;
    readonly config: DynamicConfig;
    readonly rejected: RejectedItem[];
    readonly diagnostics: Diagnostic[];
    /** Where the valid items' fields are (ParsedDynamicConfig.locators). */
    readonly locators: Map<string, Locate>;
  }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

/** What a `rewrite` hook makes of a parsed document. */
export interface DocumentRewrite {
  readonly value: unknown;
  /** Reported before the validation diagnostics of the rewritten document. */
  readonly diagnostics: readonly Diagnostic[];
  /** Locates paths of the rewritten document in the file; the file's own locator when absent. */
  readonly locate?: Locate;
}

/** Options of `parseDynamicFile`. */
export interface ParseDynamicFileOptions {
  /**
   * Rewrites the parsed document before it is validated, e.g. the file provider's translation
   * of Traefik 1.x files (config/ itself knows nothing of 1.x). Must be pure.
   */
  readonly rewrite?: (document: unknown, fileName: string, locate: Locate) => DocumentRewrite;
}

/** File extensions the file provider reads (others are skipped in a directory). */
export const dynamicFileExtensions = ['.yml', '.yaml', '.toml', '.json'] as const;

/** True when `fileName` has an extension the file provider reads. */
export function isDynamicConfigFile(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return dynamicFileExtensions.some((ext) => lower.endsWith(ext));
}

function templateWarning(text: string, fileName: string): Diagnostic | undefined {
  const offset = text.indexOf('{{');
  if (offset < 0) return undefined;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return {
    severity: 'warning', code: 'CONFIG_TEMPLATE_UNSUPPORTED', resource: fileName, path: '',
    source: { file: fileName, line, column },
    message: 'Go templates ({{ … }}) are not supported by Switchyard; the file is read as plain text, without rendering the template',
  };
}

/**
 * Parses a dynamic configuration file by its extension. `ok: false` when the file does not
 * parse (the diagnostic carries the line:column of the syntax error); otherwise items are
 * validated one by one (see `parseDynamicConfig`). An empty file is a valid empty config.
 */
export function parseDynamicFile(text: string, fileName: string, options: ParseDynamicFileOptions = {}): ParsedDynamicFile {
  const warning = templateWarning(text, fileName);
  const warnings = warning === undefined ? [] : [warning];
  const lower = fileName.toLowerCase();
  let source;
  if (lower.endsWith('.toml')) {
    source = parseTomlSource(text, fileName);
  } else if (lower.endsWith('.yml') || lower.endsWith('.yaml') || lower.endsWith('.json')) {
    source = parseYamlSource(text, fileName);
  } else {
    return {
      ok: false,
      diagnostics: [{
        severity: 'error', code: 'CONFIG_UNSUPPORTED_FILE', resource: fileName, path: '',
        message: `unsupported file extension; expected one of ${dynamicFileExtensions.join(', ')}`,
      }],
    };
  }
  if (!source.ok) return { ok: false, diagnostics: [...warnings, ...source.diagnostics] };
  const rewritten = options.rewrite?.(source.value, fileName, source.locate)
    ?? { value: source.value, diagnostics: [], locate: source.locate };
  const parsed = parseDynamicConfig(rewritten.value, { resource: fileName, locate: rewritten.locate ?? source.locate });
  return {
    ok: true, config: parsed.config, rejected: parsed.rejected,
    diagnostics: [...warnings, ...rewritten.diagnostics, ...parsed.diagnostics],
    locators: parsed.locators,
  };
}
