/**
 * gorilla/mux route templates, used by ruleSyntax v2 (Path, PathPrefix, HostRegexp, Query,
 * HostSNIRegexp): literal text plus `{name}` or `{name:regex}` variables, compiled to one
 * anchored regex (newRouteRegexp in gorilla/mux regexp.go). Literal text is quoted; a variable
 * without a pattern matches one path segment (`[^/]+`), one host label (`[^.]+`) or anything
 * (`.*`, query values). Host templates are case-insensitive.
 */
import { compileRegex } from './regex.ts';
import type { UserRegex } from './regex.ts';

/** What a template is matched against: decides the default pattern and anchoring. */
export type MuxTemplateKind = 'path' | 'prefix' | 'host' | 'query';

/** A compiled template. `literal` is set when the template has no variables (string compare). */
export interface MuxTemplate {
  readonly regex: UserRegex;
  readonly literal: string | null;
}

/** The compiled template, or gorilla's error. */
export type CompileMuxTemplateResult = { ok: true; template: MuxTemplate } | { ok: false; message: string };

const defaultPatterns: Readonly<Record<MuxTemplateKind, string>> = {
  path: '[^/]+',
  prefix: '[^/]+',
  host: '[^.]+',
  query: '.*',
};

/** Compiles a gorilla/mux template into an anchored regex. */
export function compileMuxTemplate(template: string, kind: MuxTemplateKind): CompileMuxTemplateResult {
  const braces = braceIndices(template);
  if (braces === null) return { ok: false, message: `mux: unbalanced braces in ${JSON.stringify(template)}` };
  const defaultPattern = defaultPatterns[kind];
  let pattern = kind === 'host' ? '(?i)^' : '^';
  let end = 0;
  for (let i = 0; i < braces.length; i += 2) {
    const open = braces[i]!;
    const close = braces[i + 1]!;
    const raw = template.slice(end, open);
    end = close;
    const tag = template.slice(open, close);
    const param = tag.slice(1, -1);
    const colon = param.indexOf(':');
    const name = colon < 0 ? param : param.slice(0, colon);
    const patt = colon < 0 ? defaultPattern : param.slice(colon + 1);
    if (name === '' || patt === '') return { ok: false, message: `mux: missing name or pattern in ${JSON.stringify(tag)}` };
    const variable = compileRegex(`^${patt}$`);
    if (!variable.ok) return { ok: false, message: `mux: error compiling regex for ${JSON.stringify(tag)}: ${variable.message}` };
    pattern += `${quoteMeta(raw)}(?P<v${i / 2}>${patt})`;
  }
  const rest = template.slice(end);
  pattern += quoteMeta(rest);
  if (kind === 'query' && template.indexOf('=') === template.length - 1) pattern += defaultPattern;
  if (kind !== 'prefix') pattern += '$';
  const compiled = compileRegex(pattern);
  if (!compiled.ok) return { ok: false, message: compiled.message };
  const isLiteral = braces.length === 0 && kind !== 'query';
  const literal = isLiteral ? (kind === 'host' ? rest.toLowerCase() : rest) : null;
  return { ok: true, template: { regex: compiled.regex, literal } };
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Start/end indices of the first-level `{…}` pairs, or null when braces are unbalanced. */
function braceIndices(s: string): number[] | null {
  let level = 0;
  let start = 0;
  const indices: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '{') {
      if (++level === 1) start = i;
    } else if (c === '}') {
      if (--level === 0) indices.push(start, i + 1);
      else if (level < 0) return null;
    }
  }
  return level === 0 ? indices : null;
}
