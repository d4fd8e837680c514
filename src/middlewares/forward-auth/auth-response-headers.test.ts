import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRegex } from '../../rules/regex.ts';
import { authCookieHook, canonicalHeaderName, copyGrantedHeaders, deniedResponseHeaders } from './auth-response-headers.ts';
import { fakeExchange } from '../testing/fake-exchange.ts';

function regex(pattern: string) {
  const r = compileRegex(pattern);
  if (!r.ok) throw new Error(r.message);
  return r.regex;
}

describe('forwardAuth response headers', () => {
  for (const [name, canonical] of [['x-auth-user', 'X-Auth-User'], ['X-AUTH', 'X-Auth'], ['www-authenticate', 'Www-Authenticate'], ['bad name', 'bad name']] as const) {
    it(`canonicalises ${JSON.stringify(name)} as Go does`, () => assert.equal(canonicalHeaderName(name), canonical));
  }

  it('replaces the listed request headers with the auth server values, removing those it lacks', () => {
    const request = ['Host', 'h', 'X-User', 'spoofed', 'X-Role', 'spoofed', 'X-Keep', 'k'];
    copyGrantedHeaders(request, ['x-user', 'alice', 'x-other', 'o'], { names: ['x-user', 'x-role'], regex: null });
    assert.deepEqual(request, ['Host', 'h', 'X-Keep', 'k', 'X-User', 'alice']);
  });

  it('with the regex, strips matching request headers and copies matching auth headers', () => {
    const request = ['Host', 'h', 'x-auth-spoof', 'evil', 'X-Keep', 'k'];
    copyGrantedHeaders(request, ['x-auth-user', 'alice', 'x-auth-groups', 'a', 'x-auth-groups', 'b', 'other', 'o'], { names: [], regex: regex('^X-Auth-') });
    assert.deepEqual(request, ['Host', 'h', 'X-Keep', 'k', 'X-Auth-User', 'alice', 'X-Auth-Groups', 'a', 'X-Auth-Groups', 'b']);
  });

  const locations: ReadonlyArray<{ title: string; location: string; preserve: boolean; expected: string }> = [
    { title: 'resolves a relative Location against the auth address', location: '/login?rd=x', preserve: false, expected: 'http://auth.example:9000/login?rd=x' },
    { title: 'resolves a path-relative Location against the auth address', location: 'login', preserve: false, expected: 'http://auth.example:9000/verify/login' },
    { title: 'keeps an absolute Location', location: 'https://sso.example/start', preserve: false, expected: 'https://sso.example/start' },
    { title: 'keeps a relative Location with preserveLocationHeader', location: '/login?rd=x', preserve: true, expected: '/login?rd=x' },
  ];
  for (const c of locations) {
    it(c.title, () => {
      const head = deniedResponseHeaders(['location', c.location, 'connection', 'close', 'content-length', '99'], 5, 'http://auth.example:9000/verify/check', c.preserve);
      assert.deepEqual(head.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()).sort(), ['content-length', 'location']);
      assert.equal(head[head.indexOf(head.find((n) => n.toLowerCase() === 'location')!) + 1], c.expected);
      assert.equal(head.at(-1), '5');
    });
  }

  it('puts the auth cookies on the response, replacing the service cookies of those names only', () => {
    const hook = authCookieHook(new Set(['session']), ['session=auth; Path=/']);
    const headers = ['Set-Cookie', 'session=service', 'Set-Cookie', 'theme=dark', 'Content-Length', '2'];
    assert.equal(hook(200, headers, fakeExchange()), 200);
    assert.deepEqual(headers, ['Set-Cookie', 'theme=dark', 'Content-Length', '2', 'Set-Cookie', 'session=auth; Path=/']);
  });
});
