/**
 * The Traefik 1.x rule grammar (rules/rules.go in the 1.7 branch): `;` separates matchers (all
 * must match), the matcher name ends at the first `:`, and `,` separates its values. Empty pieces
 * are skipped (Go's strings.FieldsFunc) and values are trimmed. Nothing is quoted, so a value
 * cannot contain `;` or `,` — in 1.x neither (a regex like `[0-9]{1,3}` was cut there too).
 * Matcher names are case-sensitive, as 1.x looked them up in a Go map.
 */

/** The 1.x matcher and modifier names. */
export const v1MatcherNames = [
  'Host', 'HostRegexp', 'Path', 'PathStrip', 'PathStripRegex', 'PathPrefix', 'PathPrefixStrip',
  'PathPrefixStripRegex', 'Method', 'Headers', 'HeadersRegexp', 'Query', 'AddPrefix', 'ReplacePath', 'ReplacePathRegex',
] as const;

/** A 1.x matcher or modifier name. */
export type V1MatcherName = (typeof v1MatcherNames)[number];

/** One `Name:value1,value2` piece of a rule. */
export interface V1Call {
  readonly name: V1MatcherName;
  readonly values: readonly string[];
}

/** The pieces of a rule, or why 1.x refused it. */
export type ParsedV1Rule = { readonly ok: true; readonly calls: readonly V1Call[] } | { readonly ok: false; readonly message: string };

function isMatcherName(name: string): name is V1MatcherName {
  return (v1MatcherNames as readonly string[]).includes(name);
}

function pieces(text: string, separator: string): string[] {
  return text.split(separator).filter((piece) => piece !== '');
}

/** Splits a 1.x rule into its matcher calls. */
export function parseV1Rule(rule: string): ParsedV1Rule {
  if (rule === '') return { ok: false, message: 'the rule is empty' };
  const calls: V1Call[] = [];
  for (const part of pieces(rule, ';')) {
    const fields = pieces(part, ':');
    if (fields.length === 0) return { ok: false, message: `cannot parse "${part}"` };
    const name = fields[0]!.trim();
    if (!isMatcherName(name)) {
      const hint = v1MatcherNames.find((known) => known.toLowerCase() === name.toLowerCase());
      return {
        ok: false,
        message: `unknown matcher "${name}" in "${part}"${hint === undefined ? '' : ` (names are case-sensitive: ${hint})`}; `
          + `expected one of ${v1MatcherNames.join(', ')}`,
      };
    }
    const values = pieces(fields.slice(1).join(':'), ',').map((value) => value.trim()).filter((value) => value !== '');
    if (values.length === 0) return { ok: false, message: `no value for ${name} in "${part}"; expected ${name}:value` };
    calls.push({ name, values });
  }
  if (calls.length === 0) return { ok: false, message: `cannot parse "${rule}"` };
  return { ok: true, calls };
}
