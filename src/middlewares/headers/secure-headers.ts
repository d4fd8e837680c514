/**
 * The security part of the headers middleware: Traefik delegates it to unrolled/secure
 * [Traefik pkg/middlewares/headers/secure.go], whose behaviour this reproduces — the
 * allowed-hosts check on the request, and security headers set on the response (replacing any
 * the server sent).
 */
import { randomBytes } from 'node:crypto';
import type { HeadersMiddleware } from '../../config/dynamic.ts';
import { getHeader, writeHeadThroughHooks, type Exchange, type ResponseHeadHook } from '../../lib/exchange.ts';
import { requestHost } from '../request-host.ts';
import { putHeader } from './header-edits.ts';

/** Security behaviour built once from a headers config. */
export interface SecureHeaders {
  /**
   * Runs unrolled/secure's request checks. Returns false after answering a host not in
   * `allowedHosts` (500 `Bad Host`, unrolled/secure's default handler, which Traefik keeps);
   * otherwise registers the response hook and returns true.
   */
  admit(exchange: Exchange): boolean;
}

/** True when any security option is set (Traefik's `HasSecureHeadersDefined`). */
export function hasSecureOptions(config: HeadersMiddleware): boolean {
  return (config.allowedHosts?.length ?? 0) > 0
    || (config.hostsProxyHeaders?.length ?? 0) > 0
    || Object.keys(config.sslProxyHeaders ?? {}).length > 0
    || config.stsSeconds !== 0
    || config.stsIncludeSubdomains
    || config.stsPreload
    || config.forceSTSHeader
    || config.frameDeny
    || (config.customFrameOptionsValue ?? '') !== ''
    || config.contentTypeNosniff
    || config.browserXssFilter
    || (config.customBrowserXSSValue ?? '') !== ''
    || (config.contentSecurityPolicy ?? '') !== ''
    || (config.contentSecurityPolicyReportOnly ?? '') !== ''
    || (config.publicKey ?? '') !== ''
    || (config.referrerPolicy ?? '') !== ''
    || (config.permissionsPolicy ?? '') !== ''
    || config.isDevelopment;
}

/** A response header with its lowered name. */
interface FixedHeader {
  readonly name: string;
  readonly lower: string;
  readonly value: string;
}

function fixed(name: string, value: string): FixedHeader {
  return { name, lower: name.toLowerCase(), value };
}

/** unrolled/secure's per-request CSP nonce: 16 random bytes, unpadded standard base64. */
function cspNonce(): string {
  return randomBytes(16).toString('base64').replace(/=+$/, '');
}

const badHostBody = Buffer.from('Bad Host\n');

/** Builds the security behaviour: every header value is decided here except SSL-dependent ones. */
export function createSecureHeaders(config: HeadersMiddleware): SecureHeaders {
  const development = config.isDevelopment;
  const allowedHosts = development ? null : (config.allowedHosts ?? []);
  const allowed = allowedHosts === null || allowedHosts.length === 0 ? null : new Set(allowedHosts.map((h) => h.toLowerCase()));
  const hostsProxyHeaders = (config.hostsProxyHeaders ?? []).map((h) => h.toLowerCase());
  const sslProxyHeaders = Object.entries(config.sslProxyHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value] as const);

  let sts: FixedHeader | null = null;
  if (config.stsSeconds !== 0 && !development) {
    const flags = (config.stsIncludeSubdomains ? '; includeSubDomains' : '') + (config.stsPreload ? '; preload' : '');
    sts = fixed('Strict-Transport-Security', `max-age=${config.stsSeconds}${flags}`);
  }
  const forceSts = config.forceSTSHeader;
  const hpkp = (config.publicKey ?? '') !== '' && !development ? fixed('Public-Key-Pins', config.publicKey!) : null;

  const always: FixedHeader[] = [];
  const frameOptions = (config.customFrameOptionsValue ?? '') !== '' ? config.customFrameOptionsValue! : config.frameDeny ? 'DENY' : '';
  if (frameOptions !== '') always.push(fixed('X-Frame-Options', frameOptions));
  if (config.contentTypeNosniff) always.push(fixed('X-Content-Type-Options', 'nosniff'));
  const xss = (config.customBrowserXSSValue ?? '') !== '' ? config.customBrowserXSSValue! : config.browserXssFilter ? '1; mode=block' : '';
  if (xss !== '') always.push(fixed('X-XSS-Protection', xss));

  // `$NONCE` in a policy becomes `'nonce-<random>'`, fresh for every response.
  const policies: { readonly header: FixedHeader; readonly parts: readonly string[] }[] = [];
  for (const [name, value] of [
    ['Content-Security-Policy', config.contentSecurityPolicy ?? ''],
    ['Content-Security-Policy-Report-Only', config.contentSecurityPolicyReportOnly ?? ''],
  ] as const) {
    if (value === '') continue;
    if (value.includes('$NONCE')) policies.push({ header: fixed(name, value), parts: value.split('$NONCE') });
    else always.push(fixed(name, value));
  }
  if ((config.referrerPolicy ?? '') !== '') always.push(fixed('Referrer-Policy', config.referrerPolicy!));
  if ((config.permissionsPolicy ?? '') !== '') always.push(fixed('Permissions-Policy', config.permissionsPolicy!));

  const setAll = (headers: string[], ssl: boolean): void => {
    if (sts !== null && (ssl || forceSts)) putHeader(headers, sts.name, sts.lower, sts.value);
    for (let i = 0; i < always.length; i++) {
      const h = always[i]!;
      putHeader(headers, h.name, h.lower, h.value);
    }
    if (hpkp !== null && ssl) putHeader(headers, hpkp.name, hpkp.lower, hpkp.value);
    if (policies.length > 0) {
      const nonce = `'nonce-${cspNonce()}'`;
      for (const policy of policies) putHeader(headers, policy.header.name, policy.header.lower, policy.parts.join(nonce));
    }
  };
  // Whether the request is HTTPS is decided when the request passes (as unrolled/secure does),
  // so one hook per answer is built here instead of a closure per request.
  const sslHook: ResponseHeadHook = (status, headers) => {
    if (status >= 200) setAll(headers, true);
    return status;
  };
  const plainHook: ResponseHeadHook = (status, headers) => {
    if (status >= 200) setAll(headers, false);
    return status;
  };

  return {
    admit(exchange) {
      const request = exchange.request;
      if (allowed !== null) {
        let host = requestHost(request);
        for (const name of hostsProxyHeaders) {
          const proxied = getHeader(request.headers, name);
          if (proxied !== undefined && proxied !== '') {
            host = proxied;
            break;
          }
        }
        if (!allowed.has(host.toLowerCase())) {
          writeHeadThroughHooks(exchange, 500, [
            'Content-Type', 'text/plain; charset=utf-8', 'X-Content-Type-Options', 'nosniff',
            'Content-Length', String(badHostBody.length),
          ]);
          if (request.method !== 'HEAD') exchange.response.write(badHostBody);
          exchange.response.end();
          return false;
        }
      }
      let ssl = request.tls !== undefined;
      for (let i = 0; !ssl && i < sslProxyHeaders.length; i++) {
        const [name, value] = sslProxyHeaders[i]!;
        // Go compares `Header.Get`, which is '' for an absent header.
        ssl = (getHeader(request.headers, name) ?? '') === value;
      }
      // Inner middlewares edit the response head before outer ones (see headers.ts).
      exchange.responseHeadHooks.unshift(ssl ? sslHook : plainHook);
      return true;
    },
  };
}
