/**
 * Translates the rules of a 1.x frontend's routes into one v3 rule plus the path modifiers
 * (stripping, prefixing, replacing) that 1.x applied after matching.
 *
 * Semantics kept from 1.x (its rules and server packages):
 * - all routes of a frontend are added to one gorilla/mux route, so they are ANDed, like `;`;
 * - the values of one matcher are ORed (`Host:a,b`), except Headers/HeadersRegexp (key, value
 *   pairs, all must match) and Query (`k=v` pairs, all must match);
 * - the default priority is the sum of the lengths of the route rules as written;
 * - strip matchers keep one list of prefixes (and one of prefix regexes): a later one replaces an
 *   earlier one; AddPrefix, ReplacePath and ReplacePathRegex keep their last value;
 *   prefixes are tried longest first.
 */
import type { ConfigPath } from '../../../config/issue-diagnostics.ts';
import { isTemplate, quoteMeta, templateToRegex, type TemplateKind } from './gorilla-template.ts';
import { parseV1Rule, type V1Call, type V1MatcherName } from './parse-v1-rule.ts';
import type { V1Context } from './v1-context.ts';

/** One route of a frontend: its rule as written and where it is. */
export interface V1Route {
  readonly rule: string;
  readonly path: ConfigPath;
}

/** The request path changes 1.x made after matching, in the order it made them. */
export interface V1PathModifiers {
  readonly stripPrefixRegex?: readonly string[];
  readonly stripPrefix?: readonly string[];
  readonly addPrefix?: string;
  readonly replacePathRegex?: { readonly regex: string; readonly replacement: string };
  readonly replacePath?: string;
}

/** The v3 rule, the modifiers, and the 1.x default priority (sum of rule lengths in bytes). */
export interface V1RuleTranslation {
  readonly rule: string;
  readonly modifiers: V1PathModifiers;
  readonly defaultPriority: number;
}

/** A v3 rule argument: a backtick string, or a Go double-quoted string when it holds a backtick. */
function ruleArgument(value: string): string {
  return value.includes('`') ? JSON.stringify(value) : `\`${value}\``;
}

function matcher(name: string, ...args: string[]): string {
  return `${name}(${args.map(ruleArgument).join(', ')})`;
}

/** Everything a matcher value can produce: a v3 expression or an error message. */
type Term =
  | { readonly ok: true; readonly expression: string; readonly warning?: string }
  | { readonly ok: false; readonly message: string };

const ok = (expression: string, warning?: string): Term => (warning === undefined ? { ok: true, expression } : { ok: true, expression, warning });
const fail = (message: string): Term => ({ ok: false, message });

function regexTerm(name: string, value: string, kind: TemplateKind, ...before: string[]): Term {
  const converted = templateToRegex(value, kind);
  return converted.ok ? ok(matcher(name, ...before, converted.regex)) : fail(converted.message);
}

function literalHost(value: string): Term {
  // 1.x compared hosts literally: `*.example.com` matched only that text, whereas v3 Host()
  // reads `*.` as a wildcard; a regex keeps the 1.x meaning.
  const host = value.toLowerCase();
  if (host.includes('*')) {
    return ok(matcher('HostRegexp', `^${quoteMeta(host)}$`),
      `Traefik 1.x compared "${value}" literally, so it matched no real host; it is kept that way (for subdomains write HostRegexp:{sub:[^.]+}${host.replace(/^\*/, '')})`);
  }
  return ok(matcher('Host', host));
}

function exactPath(value: string): Term {
  if (!value.startsWith('/')) return fail(`the path "${value}" must start with "/" (Traefik 1.x refused it too)`);
  return isTemplate(value) ? regexTerm('PathRegexp', value, 'path') : ok(matcher('Path', value));
}

function prefixPath(value: string, alwaysTemplate: boolean): Term {
  if (!value.startsWith('/')) {
    return fail(alwaysTemplate || isTemplate(value)
      ? `the path prefix "${value}" must start with "/" (Traefik 1.x refused it too)`
      : `the path prefix "${value}" does not start with "/", so it never matched in Traefik 1.x; write it with a leading "/"`);
  }
  return isTemplate(value) ? regexTerm('PathRegexp', value, 'prefix') : ok(matcher('PathPrefix', value));
}

function queryTerm(value: string): Term {
  const parts = value.split('=');
  if (parts.length !== 2 || parts[0] === '') return fail(`expected key=value in Query, got "${value}"`);
  const [key, wanted] = parts as [string, string];
  // gorilla/mux reads `key=` as "key present, any value".
  if (wanted === '') return ok(matcher('QueryRegexp', key, '.*'));
  return isTemplate(wanted) ? regexTerm('QueryRegexp', wanted, 'query', key) : ok(matcher('Query', key, wanted));
}

/** The matching part of a call: one OR group of terms, or (Headers, Query) an AND of them. */
function matchTerms(call: V1Call): { readonly terms: Term[]; readonly all: boolean } | undefined {
  const each = (f: (value: string) => Term): Term[] => call.values.map(f);
  const pairs = (name: string): Term[] => {
    if (call.values.length % 2 !== 0) return [fail(`${call.name} takes name,value pairs; got ${call.values.length} values`)];
    const out: Term[] = [];
    for (let i = 0; i < call.values.length; i += 2) out.push(ok(matcher(name, call.values[i]!, call.values[i + 1]!)));
    return out;
  };
  switch (call.name) {
    case 'Host': return { terms: each(literalHost), all: false };
    case 'HostRegexp': return { terms: each((v) => (isTemplate(v) ? regexTerm('HostRegexp', v, 'host') : literalHost(v))), all: false };
    case 'Path':
    case 'PathStrip':
    case 'PathStripRegex': return { terms: each(exactPath), all: false };
    case 'PathPrefix':
    case 'PathPrefixStrip': return { terms: each((v) => prefixPath(v, false)), all: false };
    case 'PathPrefixStripRegex': return { terms: each((v) => prefixPath(v, true)), all: false };
    case 'Method': return { terms: each((v) => ok(matcher('Method', v.toUpperCase()))), all: false };
    case 'Headers': return { terms: pairs('Header'), all: true };
    case 'HeadersRegexp': return { terms: pairs('HeaderRegexp'), all: true };
    case 'Query': return { terms: each(queryTerm), all: true };
    case 'AddPrefix':
    case 'ReplacePath':
    case 'ReplacePathRegex': return undefined;
    default: {
      const unreachable: never = call.name;
      return unreachable;
    }
  }
}

type ModifierSlot = 'stripPrefix' | 'stripPrefixRegex' | 'addPrefix' | 'replacePath' | 'replacePathRegex';

const modifierSlots: Partial<Record<V1MatcherName, ModifierSlot>> = {
  PathStrip: 'stripPrefix',
  PathPrefixStrip: 'stripPrefix',
  PathStripRegex: 'stripPrefixRegex',
  PathPrefixStripRegex: 'stripPrefixRegex',
  AddPrefix: 'addPrefix',
  ReplacePath: 'replacePath',
  ReplacePathRegex: 'replacePathRegex',
};

const byLengthDescending = (a: string, b: string): number => b.length - a.length;

/**
 * Translates the routes of one frontend. Undefined (with an error diagnostic on the rule) when
 * a rule does not parse or translate: 1.x skipped such a frontend.
 */
export function translateV1Routes(routes: readonly V1Route[], ctx: V1Context): V1RuleTranslation | undefined {
  const expressions: { readonly text: string; readonly orGroup: boolean }[] = [];
  const modifiers: { -readonly [K in keyof V1PathModifiers]: V1PathModifiers[K] } = {};
  const setBy = new Map<ModifierSlot, string>();
  let defaultPriority = 0;
  let failed = false;

  for (const route of routes) {
    defaultPriority += new TextEncoder().encode(route.rule).length;
    const parsed = parseV1Rule(route.rule);
    if (!parsed.ok) {
      ctx.error('V1_INVALID_RULE', route.path, `${parsed.message} (Traefik 1.x skipped such a frontend)`);
      failed = true;
      continue;
    }
    for (const call of parsed.calls) {
      const matched = matchTerms(call);
      if (matched !== undefined) {
        const problems = matched.terms.filter((t): t is Extract<Term, { ok: false }> => !t.ok);
        if (problems.length > 0) {
          for (const p of problems) ctx.error('V1_INVALID_RULE', route.path, p.message);
          failed = true;
          continue;
        }
        const terms = matched.terms as Extract<Term, { ok: true }>[];
        for (const t of terms) if (t.warning !== undefined) ctx.warn('V1_NEVER_MATCHES', route.path, t.warning);
        const texts = terms.map((t) => t.expression);
        if (matched.all) expressions.push(...texts.map((text) => ({ text, orGroup: false })));
        else expressions.push({ text: texts.join(' || '), orGroup: texts.length > 1 });
      }
      const slot = modifierSlots[call.name];
      if (slot === undefined) continue;
      const previous = setBy.get(slot);
      if (previous !== undefined) {
        ctx.warn('V1_OVERRIDDEN', route.path,
          `${call.name} replaces the ${describeSlot(slot)} set by ${previous} (Traefik 1.x kept only one; across several routes, which one was random); the last one written is used`);
      }
      setBy.set(slot, call.name);
      if (!applyModifier(call, slot, modifiers, route.path, ctx)) failed = true;
    }
  }
  if (failed) return undefined;
  // An OR group needs parentheses only next to another term.
  const rule = expressions.length === 0 ? matcher('PathPrefix', '/')
    : expressions.length === 1 ? expressions[0]!.text
      : expressions.map((e) => (e.orGroup ? `(${e.text})` : e.text)).join(' && ');
  return { rule, modifiers, defaultPriority };
}

function describeSlot(slot: ModifierSlot): string {
  switch (slot) {
    case 'stripPrefix': return 'prefixes to strip';
    case 'stripPrefixRegex': return 'prefix regexes to strip';
    case 'addPrefix': return 'prefix to add';
    case 'replacePath': return 'replacement path';
    case 'replacePathRegex': return 'path replacement regex';
    default: {
      const unreachable: never = slot;
      return unreachable;
    }
  }
}

function applyModifier(
  call: V1Call, slot: ModifierSlot, modifiers: { -readonly [K in keyof V1PathModifiers]: V1PathModifiers[K] },
  path: ConfigPath, ctx: V1Context,
): boolean {
  const last = call.values[call.values.length - 1]!;
  if ((slot === 'addPrefix' || slot === 'replacePath' || slot === 'replacePathRegex') && call.values.length > 1) {
    ctx.warn('V1_OVERRIDDEN', path, `${call.name} takes one value; only the last one, "${last}", is used (as in Traefik 1.x)`);
  }
  switch (slot) {
    case 'stripPrefix':
      modifiers.stripPrefix = [...call.values].sort(byLengthDescending);
      return true;
    case 'stripPrefixRegex': {
      const regexes: string[] = [];
      for (const value of [...call.values].sort(byLengthDescending)) {
        const converted = templateToRegex(value, 'prefix');
        if (!converted.ok) {
          ctx.error('V1_INVALID_RULE', path, converted.message);
          return false;
        }
        regexes.push(converted.regex);
      }
      modifiers.stripPrefixRegex = regexes;
      return true;
    }
    case 'addPrefix':
      modifiers.addPrefix = last;
      return true;
    case 'replacePath':
      modifiers.replacePath = last;
      return true;
    case 'replacePathRegex': {
      const parts = last.split(' ');
      if (parts.length !== 2) {
        // 1.x logged a warning and ignored the modifier.
        ctx.warn('V1_NOT_TRANSLATED', path,
          `ReplacePathRegex expects "regex replacement" separated by one space, got "${last}"; it is ignored, as in Traefik 1.x`);
        delete modifiers.replacePathRegex;
        return true;
      }
      modifiers.replacePathRegex = { regex: parts[0]!, replacement: parts[1]! };
      return true;
    }
    default: {
      const unreachable: never = slot;
      return unreachable;
    }
  }
}
