/**
 * User-supplied regular expressions (rule matchers, middlewares such as replacePathRegex and
 * redirectRegex). Traefik compiles them with Go's `regexp` package, so we use re2js: the same RE2
 * syntax and leftmost-first semantics, and linear-time matching, so a hostile pattern or subject
 * cannot stall the event loop (no ReDoS).
 *
 * Offsets are JavaScript string indices (UTF-16 code units), not Go's byte offsets.
 */
import { RE2JS } from 're2js';

/** The leftmost match of a regex in a subject. */
export interface RegexMatch {
  /** Index of the first character of the match. */
  readonly start: number;
  /** Index just past the last character of the match. */
  readonly end: number;
  /** `groups[0]` is the whole match, `groups[i]` capture group i; undefined when it did not take part. */
  readonly groups: readonly (string | undefined)[];
}

/** A compiled user regex with Go `regexp` semantics. */
export interface UserRegex {
  /** The pattern as written. */
  readonly source: string;
  /** Name of each group by index, '' when unnamed; index 0 is the whole match (Go's SubexpNames). */
  readonly groupNames: readonly string[];
  /** True when the regex matches anywhere in `subject` (unanchored, like Go's MatchString). */
  test(subject: string): boolean;
  /** The leftmost match with its capture groups, or null (Go's FindStringSubmatchIndex). */
  exec(subject: string): RegexMatch | null;
  /**
   * Replaces every match like Go's `ReplaceAllString`: `$1`, `${1}`, `$name`, `${name}` expand to
   * groups (an unknown or unmatched group expands to ''), `$$` is a literal `$`, and an empty match
   * right after a previous match is not replaced.
   */
  replace(subject: string, replacement: string): string;
  /** Expands `template` for one match of this regex, like Go's `Regexp.ExpandString`. */
  expand(template: string, match: RegexMatch): string;
}

/** The outcome of compiling a user regex; `message` is RE2's error text. */
export type CompileRegexResult = { ok: true; regex: UserRegex } | { ok: false; message: string };

/** Compiles a Go/RE2 pattern. Never throws for a bad pattern: the error is a value. */
export function compileRegex(pattern: string): CompileRegexResult {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  return { ok: true, regex: createUserRegex(re, pattern) };
}

function createUserRegex(re: RE2JS, source: string): UserRegex {
  const groupCount = re.groupCount();
  const groupNames: string[] = new Array<string>(groupCount + 1).fill('');
  for (const [name, index] of Object.entries(re.namedGroups())) groupNames[index] = name;

  const expand = (template: string, match: RegexMatch): string => expandTemplate(template, match.groups, groupNames);

  return {
    source,
    groupNames,
    test: (subject) => re.test(subject),
    exec(subject) {
      const m = re.matcher(subject);
      if (!m.find()) return null;
      return { start: m.start(), end: m.end(), groups: readGroups(m, groupCount) };
    },
    replace(subject, replacement) {
      // Go's replaceAll loop (regexp.go), transcribed for UTF-16 strings: the search position
      // advances by at least one code point, and an empty match that abuts the previous match
      // is skipped, which is where Go differs from String.prototype.replace.
      const m = re.matcher(subject);
      const end = subject.length;
      let out = '';
      let lastMatchEnd = 0;
      let searchPos = 0;
      while (searchPos <= end) {
        if (!m.find(searchPos)) break;
        const a0 = m.start();
        const a1 = m.end();
        out += subject.slice(lastMatchEnd, a0);
        if (a1 > lastMatchEnd || a0 === 0) {
          out += expandTemplate(replacement, readGroups(m, groupCount), groupNames);
        }
        lastMatchEnd = a1;
        const width = searchPos < end ? codePointWidth(subject, searchPos) : 0;
        if (searchPos + width > a1) searchPos += width;
        else if (searchPos + 1 > a1) searchPos++;
        else searchPos = a1;
      }
      return out + subject.slice(lastMatchEnd);
    },
    expand,
  };
}

interface GroupReader {
  group(index: number): string | null;
}

function readGroups(m: GroupReader, groupCount: number): (string | undefined)[] {
  const groups: (string | undefined)[] = [];
  for (let i = 0; i <= groupCount; i++) groups.push(m.group(i) ?? undefined);
  return groups;
}

function codePointWidth(s: string, index: number): number {
  const c = s.charCodeAt(index);
  if (c >= 0xd800 && c <= 0xdbff && index + 1 < s.length) {
    const d = s.charCodeAt(index + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

const nameChar = /[\p{L}\p{Nd}_]/u;

/**
 * Go's `Regexp.expand`: `$name` takes the longest run of letters, digits and `_` (so `$1x` names
 * the group "1x", which does not exist, and expands to ''); `${name}` delimits it; a malformed
 * reference keeps its `$` literally.
 */
function expandTemplate(template: string, groups: readonly (string | undefined)[], groupNames: readonly string[]): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  const n = template.length;
  while (i < n) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const ref = extractReference(template, i);
    if (ref === null) {
      out += '$';
      continue;
    }
    i = ref.next;
    const index = ref.number >= 0 ? ref.number : groupNames.indexOf(ref.name, 1);
    if (index >= 0) out += groups[index] ?? '';
  }
  return out + template.slice(i);
}

function extractReference(template: string, start: number): { name: string; number: number; next: number } | null {
  let i = start;
  const brace = template[i] === '{';
  if (brace) i++;
  const nameStart = i;
  while (i < template.length) {
    const cp = template.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (!nameChar.test(ch)) break;
    i += ch.length;
  }
  if (i === nameStart) return null;
  const name = template.slice(nameStart, i);
  if (brace) {
    if (template[i] !== '}') return null;
    i++;
  }
  return { name, number: parseGroupNumber(name), next: i };
}

/** Go accepts only plain decimal group numbers without leading zeros (`$01` is a name). */
function parseGroupNumber(name: string): number {
  if (!/^[0-9]+$/.test(name)) return -1;
  if (name.length > 1 && name[0] === '0') return -1;
  // Go stops at 1e8 before the next digit, so at most nine digits form a number.
  if (name.length > 9) return -1;
  return Number(name);
}
