import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStaticConfig } from './load-static-config.ts';
import { acmeResolverDiagnostics, acmeResolvers, httpChallengeEntryPoints, letsEncryptProductionUrl } from './static-acme.ts';
import { parseStaticConfig } from './static.ts';

function parse(raw: unknown) {
  return parseStaticConfig(raw, { resource: 'traefik.yml' });
}

test("an acme resolver gets Traefik's defaults", () => {
  const { config, diagnostics } = parse({ certificatesResolvers: { le: { acme: { email: 'ops@example.com', httpChallenge: { entryPoint: 'web' } } } } });
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(acmeResolvers(config!.certificatesResolvers).get('le'), {
    email: 'ops@example.com',
    caServer: letsEncryptProductionUrl,
    emailAddresses: [],
    disableCommonName: false,
    storage: 'acme.json',
    keyType: 'RSA4096',
    certificatesDuration: 2160,
    clientTimeout: 120_000,
    clientResponseHeaderTimeout: 30_000,
    certificateTimeout: 30_000,
    caCertificates: [],
    caSystemCertPool: false,
    httpChallenge: { entryPoint: 'web', delay: 0 },
  });
});

test('no certificatesResolvers section is no resolver', () => {
  assert.equal(acmeResolvers(parse({}).config!.certificatesResolvers).size, 0);
});

test('CLI flags set resolvers the way Traefik reads them', () => {
  const loaded = loadStaticConfig({
    argv: [
      '--certificatesresolvers.le.acme.email=ops@example.com',
      '--certificatesresolvers.le.acme.storage=/data/acme.json',
      '--certificatesresolvers.le.acme.tlschallenge=true',
      '--certificatesresolvers.le.acme.eab.kid=kid-1',
      '--certificatesresolvers.le.acme.eab.hmacencoded=c2VjcmV0',
      '--certificatesresolvers.le.acme.cacertificates=/ca/a.pem,/ca/b.pem',
      '--certificatesresolvers.le.acme.httpchallenge.entrypoint=web',
      '--certificatesresolvers.le.acme.httpchallenge.delay=5',
    ],
    env: {}, cwd: '/', readFile: () => null,
  });
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
  const le = acmeResolvers(loaded.config!.certificatesResolvers).get('le')!;
  assert.equal(le.storage, '/data/acme.json');
  assert.deepEqual(le.tlsChallenge, { delay: 0 });
  assert.deepEqual(le.httpChallenge, { entryPoint: 'web', delay: 5_000 });
  assert.deepEqual(le.eab, { kid: 'kid-1', hmacEncoded: 'c2VjcmV0' });
  assert.deepEqual(le.caCertificates, ['/ca/a.pem', '/ca/b.pem']);
});

test('mistakes are errors naming the field', () => {
  const cases: [unknown, string, RegExp][] = [
    [{ keyType: 'RSA1024' }, 'keyType', /expected one of EC256, EC384, RSA2048, RSA4096, RSA8192/],
    [{ httpChallenge: {} }, 'httpChallenge.entryPoint', /required field is missing/],
    [{ certificatesDuration: 0 }, 'certificatesDuration', /at least 1/],
    [{ clientTimeout: '10s', clientResponseHeaderTimeout: '30s' }, 'clientTimeout', /at least clientResponseHeaderTimeout/],
    [{ eab: { kid: 'k' } }, 'eab.hmacEncoded', /required field is missing/],
    [{ emial: 'x' }, 'emial', /did you mean "email"/],
    [{ caServer: 'acme-v02.api.letsencrypt.org/directory' }, 'caServer', /expected the URL of an ACME directory/],
  ];
  for (const [acme, path, message] of cases) {
    const { config, diagnostics } = parse({ certificatesResolvers: { le: { acme } } });
    assert.equal(config, null, path);
    const d = diagnostics.find((x) => x.path === `certificatesResolvers.le.acme.${path}`);
    assert.ok(d, `${path}: ${JSON.stringify(diagnostics)}`);
    assert.match(d.message, message);
  }
});

test('DNS-01, resolvers without a challenge and missing entry points are warned about', () => {
  const { config } = parse({
    entryPoints: { web: { address: ':80' } },
    certificatesResolvers: {
      dns: { acme: { dnsChallenge: { provider: 'cloudflare', propagation: { delayBeforeChecks: '10s' } } } },
      both: { acme: { dnsChallenge: { provider: 'route53' }, tlsChallenge: {} } },
      http: { acme: { httpChallenge: { entryPoint: 'websecure' } } },
      ts: { tailscale: {} },
    },
  });
  const found = acmeResolverDiagnostics(config!.certificatesResolvers, new Set(Object.keys(config!.entryPoints)))
    .map((d) => `${d.code} ${d.path}`);
  assert.deepEqual(found, [
    'ACME_DNS_CHALLENGE_NOT_SUPPORTED certificatesResolvers.dns.acme.dnsChallenge',
    'ACME_NO_CHALLENGE certificatesResolvers.dns.acme',
    'ACME_DNS_CHALLENGE_NOT_SUPPORTED certificatesResolvers.both.acme.dnsChallenge',
    'ACME_ENTRY_POINT_NOT_FOUND certificatesResolvers.http.acme.httpChallenge.entryPoint',
    'STATIC_KEY_NOT_SUPPORTED certificatesResolvers.ts.tailscale',
  ]);
  assert.deepEqual([...httpChallengeEntryPoints(config!.certificatesResolvers)], ['websecure']);
});
