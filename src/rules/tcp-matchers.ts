/**
 * TCP matchers (Traefik pkg/muxer/tcp/matcher.go and matcher_v2.go, reference §2.4/§2.5):
 * HostSNI, HostSNIRegexp, ClientIP and ALPN, in v3 (one value each) and v2 (several values, any
 * matches; HostSNIRegexp takes gorilla/mux host templates).
 */
import type { TcpConnectionFacts } from '../lib/matcher.ts';
import { compileIpMatcher } from './ip-matcher.ts';
import { isAscii } from './is-ascii.ts';
import { compileMuxTemplate } from './mux-template.ts';
import { compileRegex } from './regex.ts';
import type { RuleArgument } from './rule-parser.ts';
import type { LeafResult, MatcherSpec, MatcherTable } from './rule-tree.ts';

/** A built TCP matcher leaf. */
export interface TcpLeaf {
  readonly test: (connection: TcpConnectionFacts) => boolean;
  /** True when the leaf reads the ClientHello (SNI or ALPN). */
  readonly readsTls: boolean;
}

/** The ACME TLS-ALPN-01 protocol: Traefik answers it itself, so rules may not claim it. */
const acmeTlsProtocol = 'acme-tls/1';

function leaf(test: TcpLeaf['test'], readsTls: boolean): LeafResult<TcpLeaf> {
  return { ok: true, leaf: { test, readsTls } };
}

function problem(arg: RuleArgument, message: string): LeafResult<TcpLeaf> {
  return { ok: false, problem: { message, offset: arg.offset } };
}

function spec(arity: readonly number[] | 'many', build: MatcherSpec<TcpLeaf>['build']): MatcherSpec<TcpLeaf> {
  return { arity, build };
}

// Go's `^[[:word:]\.\-\:]+$`, with the v3 one-label wildcard prefix.
const v3HostOrIp = /^(\*\.)?[A-Za-z0-9_.\-:]+$/;
const v2HostOrIp = /^[A-Za-z0-9_.\-:]+$/;

/**
 * A v3 HostSNI value (not `*`): lower-cased, its trailing dot dropped; `*.suffix` matches exactly
 * one extra label. The SNI itself is never trimmed (RFC 6066 forbids a trailing dot).
 */
function compileSniHost(value: string): (serverName: string) => boolean {
  const host = (value.endsWith('.') ? value.slice(0, -1) : value).toLowerCase();
  if (!host.startsWith('*.')) return (serverName) => serverName === host;
  const suffix = host.slice(1);
  return (serverName) => {
    const dot = serverName.indexOf('.');
    return dot >= 0 && serverName.length - dot === suffix.length && serverName.startsWith(suffix, dot);
  };
}

/** The v3 TCP matcher table. */
export const tcpMatchersV3: MatcherTable<TcpLeaf> = {
  HostSNI: spec([1], ([arg]) => {
    // HostSNI(`*`) is the catch-all: it also matches non-TLS connections and an empty SNI.
    if (arg!.value === '*') return leaf(() => true, false);
    if (!v3HostOrIp.test(arg!.value)) return problem(arg!, `invalid value for HostSNI matcher, ${JSON.stringify(arg!.value)} is not a valid hostname`);
    const matches = compileSniHost(arg!.value);
    return leaf((c) => c.serverName !== '' && matches(c.serverName), true);
  }),
  HostSNIRegexp: spec([1], ([arg]) => {
    if (!isAscii(arg!.value)) return problem(arg!, `invalid value for HostSNIRegexp matcher, ${JSON.stringify(arg!.value)} is not a valid hostname`);
    const compiled = compileRegex(arg!.value);
    if (!compiled.ok) return problem(arg!, `compiling HostSNIRegexp matcher: ${compiled.message}`);
    const re = compiled.regex;
    return leaf((c) => re.test(c.serverName), true);
  }),
  ClientIP: spec([1], ([arg]) => {
    const compiled = compileIpMatcher([arg!.value]);
    if (!compiled.ok) return problem(arg!, `initializing IP checker for ClientIP matcher: ${compiled.message}`);
    const matches = compiled.matcher;
    return leaf((c) => matches(c.remoteAddress), false);
  }),
  ALPN: spec([1], ([arg]) => {
    const proto = arg!.value;
    if (proto === acmeTlsProtocol) return problem(arg!, `invalid protocol value for ALPN matcher, ${JSON.stringify(proto)} is not allowed`);
    return leaf((c) => c.alpn.includes(proto), true);
  }),
};

/** The v2 TCP matcher table. */
export const tcpMatchersV2: MatcherTable<TcpLeaf> = {
  HostSNI: spec('many', (args) => {
    const hosts: string[] = [];
    for (const arg of args) {
      if (arg.value === '*') {
        hosts.push('*');
        continue;
      }
      if (!v2HostOrIp.test(arg.value)) return problem(arg, `invalid value for "HostSNI" matcher, ${JSON.stringify(arg.value)} is not a valid hostname or IP`);
      hosts.push(arg.value.toLowerCase());
    }
    // Traefik's order of checks: a leading `*` matches even without SNI; a later `*` needs one.
    if (hosts[0] === '*') return leaf(() => true, false);
    const trimmed = hosts.map((h) => (h.endsWith('.') ? h.slice(0, -1) : h));
    return leaf((c) => {
      if (c.serverName === '') return false;
      for (let i = 0; i < hosts.length; i++) {
        if (hosts[i] === '*' || hosts[i] === c.serverName || trimmed[i] === c.serverName) return true;
      }
      return false;
    }, true);
  }),
  HostSNIRegexp: spec('many', (args) => {
    const tests: ((serverName: string) => boolean)[] = [];
    for (const arg of args) {
      const compiled = compileMuxTemplate(arg.value, 'host');
      if (!compiled.ok) return problem(arg, `invalid pattern value for "HostSNIRegexp" matcher, ${JSON.stringify(arg.value)} is not a valid pattern: ${compiled.message}`);
      const { literal, regex } = compiled.template;
      tests.push(literal === null ? (s) => regex.test(s) : (s) => s === literal);
    }
    return leaf((c) => tests.some((t) => t(c.serverName)), true);
  }),
  ClientIP: spec('many', (args) => {
    const compiled = compileIpMatcher(args.map((a) => a.value));
    if (!compiled.ok) return problem(args[compiled.index]!, `could not initialize IP Checker for "ClientIP" matcher: ${compiled.message}`);
    const matches = compiled.matcher;
    return leaf((c) => c.remoteAddress !== '' && matches(c.remoteAddress), false);
  }),
  ALPN: spec('many', (args) => {
    const forbidden = args.find((a) => a.value === acmeTlsProtocol);
    if (forbidden !== undefined) return problem(forbidden, `invalid protocol value for "ALPN" matcher, ${JSON.stringify(acmeTlsProtocol)} is not allowed`);
    const protos = args.map((a) => a.value);
    return leaf((c) => c.alpn.some((p) => protos.includes(p)), true);
  }),
};
