/**
 * Issue 6, end to end: Ingress semantics through the real binary, the fake API server and the
 * real Kubernetes client. Switchyard watches the fake API server (KUBECONFIG); Services are
 * backed by real echo pods on 127.0.0.2 … 127.0.0.11; every request goes through the `web` or
 * `websecure` entry point by Host (and SNI).
 *
 * Kubernetes' Ingress semantics, where they differ from Traefik's (DESIGN.md): Prefix paths match
 * element-wise, a trailing slash in a Prefix path is ignored, the longest path wins, Exact beats
 * Prefix on the same path, a wildcard host matches one label, and an Ingress with rules and a
 * defaultBackend falls back to it for its hosts. Class filtering, the TLS certificate from a
 * kubernetes.io/tls Secret, the published status address (written once, not rewritten when
 * unchanged) and a broken Ingress disabled alone with a Warning Event on it.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTestCa, type TestCa } from './support/certs.ts';
import {
  deployServices, get, getTls, kubeStaticConfig, publishedIp, routesTo, startKubeSwitchyard, untilApplied,
} from './support/kube-e2e.ts';
import { startFakeKubeApi, type FakeKubeApi, type FakeObject, type RecordedRequest } from './support/kube-fake/fake-api.ts';
import { startPodFleet, type PodFleet } from './support/pods.ts';
import type { SwitchyardProcess } from './support/switchyard-process.ts';

const ns = 'apps';

const backend = (service: string, port = 80): string => `{service: {name: ${service}, port: {number: ${port}}}}`;

const ingresses = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: paths, namespace: ${ns}}
spec:
  rules:
  - host: paths.test
    http:
      paths:
      - {path: /foo, pathType: Exact, backend: ${backend('exact-foo')}}
      - {path: /foo, pathType: Prefix, backend: ${backend('prefix-foo')}}
      - {path: /aaa, pathType: Prefix, backend: ${backend('prefix-aaa')}}
      - {path: /aaa/bbb, pathType: Prefix, backend: ${backend('prefix-aaa-bbb')}}
      - {path: /bar/, pathType: Prefix, backend: ${backend('prefix-bar')}}
      - {path: /baz/, pathType: Exact, backend: ${backend('exact-baz')}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: wildcard, namespace: ${ns}}
spec:
  rules:
  - host: "*.wild.test"
    http:
      paths:
      - {path: /, pathType: Prefix, backend: ${backend('wildcard')}}
  - host: exact.wild.test
    http:
      paths:
      - {path: /, pathType: Prefix, backend: ${backend('prefix-bar')}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: fallback, namespace: ${ns}}
spec:
  defaultBackend: ${backend('fallback-default')}
  rules:
  - host: fallback.test
    http:
      paths:
      - {path: /app, pathType: Prefix, backend: ${backend('fallback-app')}}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: ours}
spec: {controller: traefik.io/ingress-controller}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: theirs}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: class-ours, namespace: ${ns}}
spec:
  ingressClassName: ours
  rules:
  - host: class-ours.test
    http: {paths: [{path: /, pathType: Prefix, backend: ${backend('classy')}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: class-theirs, namespace: ${ns}}
spec:
  ingressClassName: theirs
  rules:
  - host: class-theirs.test
    http: {paths: [{path: /, pathType: Prefix, backend: ${backend('classy')}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: class-unknown, namespace: ${ns}}
spec:
  ingressClassName: nowhere
  rules:
  - host: class-unknown.test
    http: {paths: [{path: /, pathType: Prefix, backend: ${backend('classy')}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: legacy-traefik
  namespace: ${ns}
  annotations: {kubernetes.io/ingress.class: traefik}
spec:
  rules:
  - host: legacy-traefik.test
    http: {paths: [{path: /, pathType: Prefix, backend: ${backend('classy')}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: legacy-nginx
  namespace: ${ns}
  annotations: {kubernetes.io/ingress.class: nginx}
spec:
  rules:
  - host: legacy-nginx.test
    http: {paths: [{path: /, pathType: Prefix, backend: ${backend('classy')}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: secure, namespace: ${ns}}
spec:
  tls:
  - hosts: [secure.test]
    secretName: secure-tls
  rules:
  - host: secure.test
    http: {paths: [{path: /, pathType: Prefix, backend: ${backend('secure')}}]}
`;

/** The Ingresses this controller serves, and those it must leave alone (other class). */
const served = ['fallback', 'class-ours', 'legacy-traefik', 'paths', 'secure', 'wildcard'];
const notOurs = ['class-theirs', 'class-unknown', 'legacy-nginx'];

const statusPath = (name: string): string => `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses/${name}/status`;
const isStatusWrite = (name: string) => (r: RecordedRequest): boolean => r.method === 'PUT' && r.path === statusPath(name);

function statusIps(api: FakeKubeApi, name: string): unknown {
  const ingress = api.get({ kind: 'Ingress', namespace: ns, name }) as (FakeObject & { status?: { loadBalancer?: { ingress?: unknown } } }) | undefined;
  return ingress?.status?.loadBalancer?.ingress;
}

describe('Kubernetes Ingress semantics through the binary', { timeout: 50_000 }, () => {
  let api: FakeKubeApi;
  let fleet: PodFleet;
  let more: PodFleet;
  let sy: SwitchyardProcess;
  let ca: TestCa;
  let certPem: string;
  const web = (): number | undefined => sy.ports.get('web');

  before(async () => {
    api = await startFakeKubeApi();
    fleet = await startPodFleet();
    more = await startPodFleet();
    await deployServices(api, fleet, ns, {
      'exact-foo': 1, 'prefix-foo': 1, 'prefix-aaa': 1, 'prefix-aaa-bbb': 1, 'prefix-bar': 1, 'exact-baz': 1, wildcard: 2,
    });
    await deployServices(api, more, ns, { 'fallback-app': 1, 'fallback-default': 1, classy: 1, secure: 1, 'cluster-default': 1 });
    ca = createTestCa('Ingress TLS test CA');
    const leaf = ca.issue({ dns: ['secure.test'] });
    certPem = leaf.cert;
    api.apply({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'secure-tls', namespace: ns }, type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(leaf.cert).toString('base64'), 'tls.key': Buffer.from(leaf.key).toString('base64') },
    } as FakeObject);
    api.apply(ingresses);
    sy = await startKubeSwitchyard(api, ['web', 'websecure'], (dynamicFile) => kubeStaticConfig({
      dynamicFile, entryPoints: '  websecure:\n    address: "127.0.0.1:0"\n',
    }));
  });

  after(async () => {
    await sy?.stop();
    await fleet?.close();
    await more?.close();
    await api?.close();
  });

  test('Exact and Prefix paths: element-wise prefixes, trailing slashes, longest match, Exact before Prefix', async () => {
    await untilApplied(sy, 'the paths Ingress', routesTo(web, [['paths.test', '/foo', 'exact-foo']]));
    const cases: [string, string][] = [
      // Exact /foo beats Prefix /foo on the same path; it matches only /foo (any query).
      ['/foo', 'exact-foo'], ['/foo?x=1', 'exact-foo'], ['/foo/', 'prefix-foo'], ['/foo/x', 'prefix-foo'],
      // Paths are case-sensitive.
      ['/FOO', 'status 404'],
      // Prefix /aaa: element-wise.
      ['/aaa', 'prefix-aaa'], ['/aaa/', 'prefix-aaa'], ['/aaa/b', 'prefix-aaa'], ['/aaaccc', 'status 404'],
      // The longest matching prefix wins.
      ['/aaa/bbb', 'prefix-aaa-bbb'], ['/aaa/bbb/', 'prefix-aaa-bbb'], ['/aaa/bbb/ccc', 'prefix-aaa-bbb'], ['/aaa/bbbccc', 'prefix-aaa'],
      // Prefix /bar/ is the same as /bar.
      ['/bar', 'prefix-bar'], ['/bar/', 'prefix-bar'], ['/bar/x', 'prefix-bar'], ['/barx', 'status 404'],
      // Exact /baz/ keeps its slash: neither /baz nor /baz/x.
      ['/baz/', 'exact-baz'], ['/baz', 'status 404'], ['/baz/x', 'status 404'],
      ['/', 'status 404'],
    ];
    const got: [string, string][] = [];
    for (const [path] of cases) got.push([path, (await get(web(), 'paths.test', path)).target]);
    assert.deepEqual(got, cases);
  });

  test('a wildcard host matches exactly one label, case-insensitively; an exact host beats it', async () => {
    const cases: [string, string][] = [
      ['a.wild.test', 'wildcard'], ['B.WILD.TEST', 'wildcard'], ['exact.wild.test', 'prefix-bar'],
      ['b.a.wild.test', 'status 404'], ['wild.test', 'status 404'], ['a.wild.test.other', 'status 404'],
    ];
    const got: [string, string][] = [];
    for (const [host] of cases) got.push([host, (await get(web(), host, '/x')).target]);
    assert.deepEqual(got, cases);
    // The pod sees the Host the client sent.
    assert.equal((await get(web(), 'a.wild.test', '/')).reply?.headers['host'], 'a.wild.test');
  });

  test('an Ingress with rules falls back to its defaultBackend for its own hosts only', async () => {
    const cases: [string, string, string][] = [
      ['fallback.test', '/app', 'fallback-app'], ['fallback.test', '/app/x', 'fallback-app'],
      ['fallback.test', '/application', 'fallback-default'], ['fallback.test', '/', 'fallback-default'],
      ['nothing.test', '/', 'status 404'],
    ];
    const got: [string, string, string][] = [];
    for (const [host, path] of cases) got.push([host, path, (await get(web(), host, path)).target]);
    assert.deepEqual(got, cases);
  });

  test('class filtering: our IngressClass and the legacy annotation "traefik" are served, other classes are not', async () => {
    const cases: [string, string][] = [
      ['class-ours.test', 'classy'], ['legacy-traefik.test', 'classy'],
      ['class-theirs.test', 'status 404'], ['class-unknown.test', 'status 404'], ['legacy-nginx.test', 'status 404'],
    ];
    const got: [string, string][] = [];
    for (const [host] of cases) got.push([host, (await get(web(), host, '/')).target]);
    assert.deepEqual(got, cases);
  });

  test('a TLS host is served over HTTPS with the certificate of its kubernetes.io/tls Secret', async () => {
    const answer = await getTls(sy.ports.get('websecure'), 'secure.test', ca.cert, '/hello');
    assert.equal(answer.status, 200);
    assert.equal(answer.target, 'secure');
    assert.ok(answer.certificate.equals(new X509Certificate(certPem).raw), 'the certificate of Secret apps/secure-tls');
    // Plain HTTP keeps working (Traefik serves the Ingress on every entry point).
    assert.equal((await get(web(), 'secure.test', '/')).target, 'secure');
  });

  test('the published address is written on every served Ingress, never on others, and not rewritten when unchanged', async () => {
    for (const name of served) await api.waitForRequest(isStatusWrite(name));
    for (const name of served) assert.deepEqual(statusIps(api, name), [{ ip: publishedIp }], `status of ${name}`);

    // Ingress paths changes (its spec, not its address): no new status write. The new Ingress
    // zz-late comes last in a pass's order, so its write shows that a pass after the change ran.
    api.apply(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: paths
  namespace: ${ns}
  annotations: {example.com/owner: team-a}
spec:
  rules:
  - host: paths.test
    http:
      paths:
      - {path: /foo, pathType: Exact, backend: ${backend('exact-foo')}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: zz-late, namespace: ${ns}}
spec:
  rules:
  - host: late.test
    http: {paths: [{path: /, pathType: Prefix, backend: ${backend('classy')}}]}
`);
    await api.waitForRequest(isStatusWrite('zz-late'));
    assert.deepEqual(statusIps(api, 'zz-late'), [{ ip: publishedIp }]);
    const writes = Object.fromEntries([...served, ...notOurs].map((name) => [name, api.requests.filter(isStatusWrite(name)).length]));
    assert.deepEqual(writes, Object.fromEntries([...served.map((n) => [n, 1]), ...notOurs.map((n) => [n, 0])]));
    for (const name of notOurs) assert.equal(statusIps(api, name), undefined, `no status on ${name}`);
    await untilApplied(sy, 'the shortened paths Ingress', routesTo(web, [['late.test', '/', 'classy'], ['paths.test', '/aaa', 'status 404']]));
  });

  test('a broken Ingress is disabled alone, with a Warning Event on it; the others keep routing', async () => {
    api.apply(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: broken-port, namespace: ${ns}}
spec:
  rules:
  - host: broken.test
    http:
      paths:
      - {path: /good, pathType: Prefix, backend: ${backend('classy')}}
      - {path: /bad, pathType: Prefix, backend: ${backend('classy', 81)}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: broken-annotation
  namespace: ${ns}
  annotations: {traefik.ingress.kubernetes.io/router.priority: high}
spec:
  rules:
  - host: broken-annotation.test
    http: {paths: [{path: /, pathType: Prefix, backend: ${backend('classy')}}]}
`);
    // Three problems, three Events (the log is searched from its start, so matches are counted in order).
    let posted = 0;
    await api.waitForRequest((r) => r.method === 'POST' && r.path === `/api/v1/namespaces/${ns}/events` && ++posted === 3);
    await untilApplied(sy, 'the good path of broken-port', routesTo(web, [['broken.test', '/good', 'classy']]));

    // One Event per problem, on the Ingress it concerns: "<code> <field>: <message>".
    const events = api.objects('Event', ns).map((e) => e as FakeObject & {
      involvedObject: { kind: string; namespace: string; name: string }; type: string; reason: string; message: string;
    });
    const seen = events.map((e) => {
      const [, code = '', field = ''] = /^(\S+) (\S+):/.exec(e.message) ?? [];
      return [`${e.involvedObject.kind}/${e.involvedObject.namespace}/${e.involvedObject.name}`, e.type, e.reason, code, field].join(' ');
    }).sort();
    assert.deepEqual(seen, [
      `Ingress/${ns}/broken-annotation Warning SwitchyardConfigError INGRESS_ANNOTATION_INVALID metadata.annotations['traefik.ingress.kubernetes.io/router.priority']`,
      `Ingress/${ns}/broken-annotation Warning SwitchyardConfigError INGRESS_LEFT_OUT metadata.annotations`,
      `Ingress/${ns}/broken-port Warning SwitchyardConfigError INGRESS_SERVICE_UNRESOLVED spec.rules[0].http.paths[1].backend.service.port`,
    ]);
    assert.match(events.find((e) => e.message.startsWith('INGRESS_ANNOTATION_INVALID'))!.message, /expected an integer, got "high"/);
    assert.match(events.find((e) => e.message.startsWith('INGRESS_SERVICE_UNRESOLVED'))!.message, /Service apps\/classy has no port 81/);

    const cases: [string, string, string][] = [
      ['broken.test', '/good', 'classy'], ['broken.test', '/bad', 'status 404'], ['broken-annotation.test', '/', 'status 404'],
      ['paths.test', '/foo', 'exact-foo'], ['a.wild.test', '/', 'wildcard'], ['class-ours.test', '/', 'classy'], ['fallback.test', '/', 'fallback-default'],
    ];
    const got: [string, string, string][] = [];
    for (const [host, path] of cases) got.push([host, path, (await get(web(), host, path)).target]);
    assert.deepEqual(got, cases);
  });

  test('an Ingress without rules is the default backend for every request no rule matches', async () => {
    api.apply(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: cluster-default, namespace: ${ns}}
spec:
  defaultBackend: ${backend('cluster-default')}
`);
    await untilApplied(sy, 'the cluster default backend', routesTo(web, [
      ['nothing.test', '/', 'cluster-default'], ['paths.test', '/FOO', 'cluster-default'], ['class-theirs.test', '/', 'cluster-default'],
      ['paths.test', '/foo', 'exact-foo'], ['fallback.test', '/x', 'fallback-default'],
    ]));
    api.delete({ kind: 'Ingress', namespace: ns, name: 'cluster-default' });
    await untilApplied(sy, 'the cluster default backend gone', routesTo(web, [['nothing.test', '/', 'status 404'], ['paths.test', '/foo', 'exact-foo']]));
  });
});
