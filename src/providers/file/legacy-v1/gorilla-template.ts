/**
 * Traefik 1.x Host/Path templates (gorilla/mux): literal text plus `{name}` or `{name:regex}`
 * variables. v3 has no templates, so a template becomes one plain RE2 regex with gorilla's
 * semantics: literal text quoted, `{name}` matching one path segment (`[^/]+`) or one host label
 * (`[^.]+`), anchored at the start, and at the end unless it is a prefix; hosts case-insensitive.
 */

/** What a template is matched against: decides the default pattern and anchoring. */
export type TemplateKind = 'path' | 'prefix' | 'host' | 'query';

/** The regex, or why the template is not valid (gorilla refused such templates too). */
export type TemplateRegex = { readonly ok: true; readonly regex: string } | { readonly ok: false; readonly message: string };

const defaultPatterns: Readonly<Record<TemplateKind, string>> = {
  path: '[^/]+',
  prefix: '[^/]+',
  host: '[^.]+',
  query: '.*',
};

/** True when `text` has a `{…}` variable (otherwise it is compared literally). */
export function isTemplate(text: string): boolean {
  return text.includes('{');
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Converts a gorilla/mux template to an anchored RE2 regex. */
export function templateToRegex(template: string, kind: TemplateKind): TemplateRegex {
  let out = kind === 'host' ? '(?i)^' : '^';
  let depth = 0;
  let literalStart = 0;
  let variableStart = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '{') {
      if (depth === 0) {
        out += quoteMeta(template.slice(literalStart, i));
        variableStart = i;
      }
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth < 0) return { ok: false, message: `unbalanced braces in ${JSON.stringify(template)}` };
      if (depth === 0) {
        const variable = template.slice(variableStart + 1, i);
        const colon = variable.indexOf(':');
        const name = colon < 0 ? variable : variable.slice(0, colon);
        const pattern = colon < 0 ? defaultPatterns[kind] : variable.slice(colon + 1);
        if (name === '' || pattern === '') {
          return { ok: false, message: `missing name or pattern in ${JSON.stringify(`{${variable}}`)}` };
        }
        out += `(?:${pattern})`;
        literalStart = i + 1;
      }
    }
  }
  if (depth !== 0) return { ok: false, message: `unbalanced braces in ${JSON.stringify(template)}` };
  out += quoteMeta(template.slice(literalStart));
  if (kind !== 'prefix') out += '$';
  return { ok: true, regex: out };
}
