/**
 * The v3 HTTP matchers (Traefik pkg/muxer/http/matcher.go, reference §2.3). Each builds a leaf:
 * a predicate over the request head and its routing path, plus the hosts it restricts the rule
 * to (for the route table's host index).
 */
import type { RequestHead } from '../lib/exchange.ts';
import { hasHeaderLine, someHeaderLine } from './header-lines.ts';
import { compileHostExpression } from './host-expression.ts';
import { compileIpMatcher } from './ip-matcher.ts';
import { isAscii } from './is-ascii.ts';
import type { Predicate } from './predicate.ts';
import { someQueryValue } from './query-string.ts';
import { compileRegex } from './regex.ts';
import type { UserRegex } from './regex.ts';
import type { RuleProblem } from './rule-error.ts';
import type { RuleArgument } from './rule-parser.ts';
import type { LeafResult, MatcherSpec, MatcherTable } from './rule-tree.ts';

/** A built HTTP matcher leaf. */
export interface HttpLeaf {
  readonly test: Predicate<RequestHead, string>;
  /** Index keys (exact hosts or `*.parent`) this leaf can only match; null when any host. */
  readonly hosts: readonly string[] | null;
}

/** A leaf that does not restrict hosts. */
export function anyHostLeaf(test: Predicate<RequestHead, string>): LeafResult<HttpLeaf> {
  return { ok: true, leaf: { test, hosts: null } };
}

/** A failed leaf build pointing at one argument. */
export function argumentProblem(arg: RuleArgument, message: string): LeafResult<HttpLeaf> {
  return { ok: false, problem: { message, offset: arg.offset } };
}

/** Compiles an argument as a regex, or describes the problem at that argument. */
export function compileArgumentRegex(arg: RuleArgument, matcher: string): UserRegex | RuleProblem {
  const compiled = compileRegex(arg.value);
  if (compiled.ok) return compiled.regex;
  return { message: `compiling ${matcher} matcher: ${compiled.message}`, offset: arg.offset };
}

function spec(arity: readonly number[], build: MatcherSpec<HttpLeaf>['build']): MatcherSpec<HttpLeaf> {
  return { arity, build };
}

function regexLeaf(arg: RuleArgument, matcher: string, make: (re: UserRegex) => Predicate<RequestHead, string>): LeafResult<HttpLeaf> {
  const re = compileArgumentRegex(arg, matcher);
  if ('offset' in re) return { ok: false, problem: re };
  return anyHostLeaf(make(re));
}

function pathArgument(arg: RuleArgument): string | null {
  return arg.value.startsWith('/') ? arg.value : null;
}

/** The v3 matcher table. */
export const httpMatchersV3: MatcherTable<HttpLeaf> = {
  ClientIP: spec([1], ([arg]) => {
    const compiled = compileIpMatcher([arg!.value]);
    if (!compiled.ok) return argumentProblem(arg!, `initializing IP checker for ClientIP matcher: ${compiled.message}`);
    const matches = compiled.matcher;
    return anyHostLeaf((req) => matches(req.remoteAddress));
  }),
  Method: spec([1], ([arg]) => {
    const method = arg!.value.toUpperCase();
    return anyHostLeaf((req) => req.method === method);
  }),
  Host: spec([1], ([arg]) => {
    if (!isAscii(arg!.value)) {
      return argumentProblem(arg!, `invalid value ${JSON.stringify(arg!.value)} for Host matcher, non-ASCII characters are not allowed`);
    }
    const expr = compileHostExpression(arg!.value);
    const test = expr.test;
    return { ok: true, leaf: { test: (req) => test(req.host), hosts: expr.indexKey === null ? null : [expr.indexKey] } };
  }),
  HostRegexp: spec([1], ([arg]) => {
    if (!isAscii(arg!.value)) {
      return argumentProblem(arg!, `invalid value ${JSON.stringify(arg!.value)} for HostRegexp matcher, non-ASCII characters are not allowed`);
    }
    return regexLeaf(arg!, 'HostRegexp', (re) => (req) => re.test(req.host));
  }),
  Path: spec([1], ([arg]) => {
    const path = pathArgument(arg!);
    if (path === null) return argumentProblem(arg!, `path ${JSON.stringify(arg!.value)} does not start with a '/'`);
    return anyHostLeaf((_req, routingPath) => routingPath === path);
  }),
  PathPrefix: spec([1], ([arg]) => {
    const prefix = pathArgument(arg!);
    if (prefix === null) return argumentProblem(arg!, `path ${JSON.stringify(arg!.value)} does not start with a '/'`);
    return anyHostLeaf((_req, routingPath) => routingPath.startsWith(prefix));
  }),
  PathRegexp: spec([1], ([arg]) => regexLeaf(arg!, 'PathRegexp', (re) => (_req, routingPath) => re.test(routingPath))),
  Header: spec([2], ([key, value]) => {
    const name = key!.value.toLowerCase();
    const expected = value!.value;
    return anyHostLeaf((req) => hasHeaderLine(req.headers, name, expected));
  }),
  HeaderRegexp: spec([2], ([key, value]) => {
    const name = key!.value.toLowerCase();
    return regexLeaf(value!, 'HeaderRegexp', (re) => {
      const accept = (v: string): boolean => re.test(v);
      return (req) => someHeaderLine(req.headers, name, accept);
    });
  }),
  Query: spec([1, 2], (args) => queryLeaf(args)),
  QueryRegexp: spec([1, 2], (args) => {
    // The one-argument form is Query(`k`): key present with an empty value.
    if (args.length === 1) return queryLeaf(args);
    const key = args[0]!.value;
    return regexLeaf(args[1]!, 'QueryRegexp', (re) => {
      const accept = (v: string): boolean => re.test(v);
      return (req) => someQueryValue(req.query, key, accept);
    });
  }),
};

/** Query(`k`, `v`): some value of k equals v; Query(`k`) means k with an empty value. */
function queryLeaf(args: readonly RuleArgument[]): LeafResult<HttpLeaf> {
  const key = args[0]!.value;
  const expected = args[1]?.value ?? '';
  const accept = (v: string): boolean => v === expected;
  return anyHostLeaf((req) => someQueryValue(req.query, key, accept));
}

const renamedInV3: Readonly<Record<string, string>> = {
  Headers: 'Header',
  HeadersRegexp: 'HeaderRegexp',
  HostHeader: 'Host',
};

/** Points a v2 matcher name used in a v3 rule at its v3 spelling. */
export function v3NameHint(name: string): string | undefined {
  const renamed = Object.entries(renamedInV3).find(([v2]) => v2.toLowerCase() === name.toLowerCase());
  return renamed === undefined ? undefined : `${renamed[0]} is ruleSyntax v2; v3 uses ${renamed[1]}`;
}
