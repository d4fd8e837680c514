/**
 * The ruleSyntax v2 HTTP matchers (Traefik pkg/muxer/http/matcher_v2.go, reference §2.5):
 * multi-value Host/HostHeader/Path/PathPrefix/Method/ClientIP/HostRegexp (any value matches),
 * Headers/HeadersRegexp key–value pairs (all pairs must match), Query("k=v", …) (all must
 * match), and gorilla/mux templates for paths, host regexps and query values.
 */
import type { RequestHead } from '../lib/exchange.ts';
import { hasHeaderLine, someHeaderLine } from './header-lines.ts';
import { compileExactHost } from './host-expression.ts';
import { anyHostLeaf, argumentProblem, compileArgumentRegex } from './http-matchers.ts';
import type { HttpLeaf } from './http-matchers.ts';
import { compileIpMatcher } from './ip-matcher.ts';
import { isAscii } from './is-ascii.ts';
import { compileMuxTemplate } from './mux-template.ts';
import type { MuxTemplateKind } from './mux-template.ts';
import type { Predicate } from './predicate.ts';
import { firstQueryValue } from './query-string.ts';
import type { RuleArgument, RuleCall } from './rule-parser.ts';
import type { LeafResult, MatcherSpec, MatcherTable } from './rule-tree.ts';

type Build = MatcherSpec<HttpLeaf>['build'];

function many(build: Build): MatcherSpec<HttpLeaf> {
  return { arity: 'many', build };
}

function any<T>(items: readonly T[], test: (item: T) => boolean): boolean {
  for (let i = 0; i < items.length; i++) if (test(items[i]!)) return true;
  return false;
}

const hostV2: Build = (args) => {
  const tests: ((host: string) => boolean)[] = [];
  const keys: string[] = [];
  let indexable = true;
  for (const arg of args) {
    if (!isAscii(arg.value)) {
      return argumentProblem(arg, `invalid value ${JSON.stringify(arg.value)} for "Host" matcher, non-ASCII characters are not allowed`);
    }
    const host = compileExactHost(arg.value);
    tests.push(host.test);
    if (host.indexKey === null) indexable = false;
    else if (!keys.includes(host.indexKey)) keys.push(host.indexKey);
  }
  return { ok: true, leaf: { test: (req) => any(tests, (t) => t(req.host)), hosts: indexable ? keys : null } };
};

/** Path/PathPrefix/HostRegexp: OR over templates; a template without variables is a string compare. */
function templates(kind: MuxTemplateKind, read: (req: RequestHead, routingPath: string) => string): Build {
  return (args) => {
    const tests: ((subject: string) => boolean)[] = [];
    for (const arg of args) {
      if (kind === 'host' && !isAscii(arg.value)) {
        return argumentProblem(arg, `invalid value ${JSON.stringify(arg.value)} for HostRegexp matcher, non-ASCII characters are not allowed`);
      }
      if (kind !== 'host' && !arg.value.startsWith('/')) {
        return argumentProblem(arg, `mux: path must start with a slash, got ${JSON.stringify(arg.value)}`);
      }
      const compiled = compileMuxTemplate(arg.value, kind);
      if (!compiled.ok) return argumentProblem(arg, compiled.message);
      const { literal, regex } = compiled.template;
      if (literal === null) tests.push((s) => regex.test(s));
      else if (kind === 'prefix') tests.push((s) => s.startsWith(literal));
      else tests.push((s) => s === literal);
    }
    const test: Predicate<RequestHead, string> = tests.length === 1
      ? ((only) => (req, path) => only(read(req, path)))(tests[0]!)
      : (req, path) => {
        const subject = read(req, path);
        return any(tests, (t) => t(subject));
      };
    return anyHostLeaf(test);
  };
}

/** gorilla/mux takes key/value pairs into a map: an odd count is an error, a repeated key keeps the last value. */
function pairs(args: readonly RuleArgument[], call: RuleCall): Map<string, RuleArgument> | LeafResult<HttpLeaf> {
  if (args.length % 2 !== 0) {
    return {
      ok: false,
      problem: { message: `mux: number of parameters must be multiple of 2, got [${args.map((a) => a.value).join(' ')}]`, offset: call.offset },
    };
  }
  const map = new Map<string, RuleArgument>();
  for (let i = 0; i < args.length; i += 2) map.set(args[i]!.value.toLowerCase(), args[i + 1]!);
  return map;
}

const headersV2: Build = (args, call) => {
  const map = pairs(args, call);
  if (!(map instanceof Map)) return map;
  const checks = [...map].map(([name, value]) => (req: RequestHead) => hasHeaderLine(req.headers, name, value.value));
  return anyHostLeaf((req) => checks.every((check) => check(req)));
};

const headersRegexpV2: Build = (args, call) => {
  const map = pairs(args, call);
  if (!(map instanceof Map)) return map;
  const checks: ((req: RequestHead) => boolean)[] = [];
  for (const [name, value] of map) {
    const re = compileArgumentRegex(value, 'HeadersRegexp');
    if ('offset' in re) return { ok: false, problem: re };
    const accept = (v: string): boolean => re.test(v);
    checks.push((req) => someHeaderLine(req.headers, name, accept));
  }
  return anyHostLeaf((req) => checks.every((check) => check(req)));
};

/**
 * Query("k=v", …): Traefik splits each value at its first `=` and hands the flattened list to
 * gorilla's Queries as key/value pairs (so Query(`a`, `b`) means a=b). Each pair is a template
 * matched against "key=" + the first value of key in the request.
 */
const queryV2: Build = (args, call) => {
  const parts: { text: string; arg: RuleArgument }[] = [];
  for (const arg of args) {
    const eq = arg.value.indexOf('=');
    if (eq < 0) parts.push({ text: arg.value, arg });
    else parts.push({ text: arg.value.slice(0, eq), arg }, { text: arg.value.slice(eq + 1), arg });
  }
  if (parts.length % 2 !== 0) {
    return {
      ok: false,
      problem: { message: `mux: number of parameters must be multiple of 2, got [${parts.map((p) => p.text).join(' ')}]`, offset: call.offset },
    };
  }
  const checks: ((query: string) => boolean)[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const template = `${parts[i]!.text}=${parts[i + 1]!.text}`;
    const compiled = compileMuxTemplate(template, 'query');
    if (!compiled.ok) return argumentProblem(parts[i]!.arg, compiled.message);
    const regex = compiled.template.regex;
    const key = template.slice(0, template.indexOf('='));
    checks.push((query) => {
      const value = firstQueryValue(query, key);
      return regex.test(value === null ? '' : `${key}=${value}`);
    });
  }
  return anyHostLeaf((req) => checks.every((check) => check(req.query)));
};

/** The v2 matcher table. */
export const httpMatchersV2: MatcherTable<HttpLeaf> = {
  Host: many(hostV2),
  HostHeader: many(hostV2),
  HostRegexp: many(templates('host', (req) => req.host)),
  ClientIP: many((args) => {
    const compiled = compileIpMatcher(args.map((a) => a.value));
    if (!compiled.ok) return argumentProblem(args[compiled.index]!, `could not initialize IP Checker for "ClientIP" matcher: ${compiled.message}`);
    const matches = compiled.matcher;
    return anyHostLeaf((req) => matches(req.remoteAddress));
  }),
  Path: many(templates('path', (_req, path) => path)),
  PathPrefix: many(templates('prefix', (_req, path) => path)),
  Method: many((args) => {
    const methods = args.map((a) => a.value.toUpperCase());
    return anyHostLeaf((req) => methods.includes(req.method));
  }),
  Headers: many(headersV2),
  HeadersRegexp: many(headersRegexpV2),
  Query: many(queryV2),
};

const renamedInV2: Readonly<Record<string, string>> = {
  Header: 'Headers',
  HeaderRegexp: 'HeadersRegexp',
};

/** Explains v3-only matcher names used in a v2 rule. */
export function v2NameHint(name: string): string | undefined {
  const lower = name.toLowerCase();
  const renamed = Object.entries(renamedInV2).find(([v3]) => v3.toLowerCase() === lower);
  if (renamed !== undefined) return `${renamed[0]} is ruleSyntax v3; v2 uses ${renamed[1]}`;
  if (lower === 'pathregexp' || lower === 'queryregexp') return `${name} exists only in ruleSyntax v3`;
  return undefined;
}
