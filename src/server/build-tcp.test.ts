/**
 * buildTcp(): route tables in Traefik's order, TLS facts per router, what disables an item and
 * with which diagnostic, and routers forwarding through their middlewares on real sockets.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:tls';
import { createTestCa } from '../../test/support/certs.ts';
import type { RuntimeConfig } from '../config/runtime.ts';
import { createManualClock } from '../lib/manual-clock.ts';
import type { TcpConnectionFacts } from '../lib/matcher.ts';
import { resolveYaml } from '../pipeline/fixture-snapshot.ts';
import { createHealthRegistry } from '../services/health/server-health.ts';
import { exchange, listen, nameServer, type Listening } from '../services/tcp/testing/tcp-rig.ts';
import { buildTcp, type BuiltTcpState, type TcpBuildDeps } from './build-tcp.ts';

const open: Listening[] = [];
const states: BuiltTcpState[] = [];
after(async () => {
  for (const s of states) s.dispose();
  for (const l of open) await l.close();
});

function deps(extra: Partial<TcpBuildDeps> = {}): TcpBuildDeps {
  const clock = createManualClock();
  return { clock, health: createHealthRegistry(clock), ...extra };
}

function build(runtime: RuntimeConfig, extra: Partial<TcpBuildDeps> = {}): BuiltTcpState {
  const state = buildTcp(runtime, deps(extra));
  states.push(state);
  return state;
}

function facts(partial: Partial<TcpConnectionFacts>): TcpConnectionFacts {
  return { remoteAddress: '192.0.2.1', serverName: '', isTls: false, alpn: [], ...partial };
}

const routing = resolveYaml({
  file: `
tcp:
  routers:
    catchall: {rule: "HostSNI(\`*\`)", service: s, entryPoints: [web]}
    lan: {rule: "HostSNI(\`*\`) && ClientIP(\`10.0.0.0/8\`)", service: s, entryPoints: [web]}
    vip: {rule: "ClientIP(\`10.1.2.3\`)", service: s, priority: 100, entryPoints: [web]}
    sni-db: {rule: "HostSNI(\`db.example.com\`)", service: s, tls: {passthrough: true}, entryPoints: [websecure]}
    sni-wild: {rule: "HostSNI(\`*.example.com\`)", service: s, tls: {options: modern}, entryPoints: [websecure]}
    tls-all: {rule: "HostSNI(\`*\`)", service: s, tls: {}, entryPoints: [websecure]}
    h2: {rule: "HostSNI(\`*\`) && ALPN(\`h2\`)", service: s, tls: {}, entryPoints: [websecure]}
  services:
    s: {loadBalancer: {servers: [{address: "127.0.0.1:1"}]}}
tls:
  options:
    modern: {minVersion: VersionTLS13}
`,
});

test('non-TLS routers: priority first, then the longer rule; ClientIP decides, the catch-all comes last', () => {
  const web = build(routing).entryPoints.get('web')!;
  assert.equal(web.find(facts({ remoteAddress: '10.1.2.3' }))?.routerName, 'vip@file');
  assert.equal(web.find(facts({ remoteAddress: '10.9.9.9' }))?.routerName, 'lan@file');
  const last = web.find(facts({ remoteAddress: '192.168.1.1' }))!;
  assert.equal(last.routerName, 'catchall@file');
  assert.equal(last.catchAll, true);
  assert.equal(last.tls, null);
  assert.deepEqual([web.hasNonTlsRouters, web.hasTlsRouters, web.hasCatchAllNonTls], [true, false, true]);
});

test('TLS routers: a specific HostSNI beats a wildcard, which beats the catch-all; ALPN by its priority', () => {
  const secure = build(routing).entryPoints.get('websecure')!;
  const tls = (serverName: string, alpn: string[] = []) => secure.find(facts({ isTls: true, serverName, alpn }));
  assert.equal(tls('db.example.com')?.routerName, 'sni-db@file');
  assert.deepEqual(tls('db.example.com')?.tls, { passthrough: true, options: 'default' });
  assert.equal(tls('api.example.com')?.routerName, 'sni-wild@file');
  assert.deepEqual(tls('api.example.com')?.tls, { passthrough: false, options: 'modern@file' });
  assert.equal(tls('api.example.com')?.catchAll, false);
  assert.equal(tls('other.org')?.routerName, 'tls-all@file');
  assert.equal(tls('other.org')?.catchAll, true);
  // `HostSNI(*) && ALPN(h2)` is the longest rule here: it goes first when the client offers h2.
  assert.equal(tls('db.example.com', ['h2', 'http/1.1'])?.routerName, 'h2@file');
  assert.equal(tls('other.org', ['http/1.1'])?.routerName, 'tls-all@file');
  assert.deepEqual([secure.hasNonTlsRouters, secure.hasTlsRouters, secure.hasCatchAllNonTls], [false, true, false]);
});

test('a TLS connection never takes a non-TLS router, nor the reverse', () => {
  const state = build(routing);
  assert.equal(state.entryPoints.get('web')!.find(facts({ isTls: true, serverName: 'x.org' })), undefined);
  assert.equal(state.entryPoints.get('websecure')!.find(facts({ isTls: false })), undefined);
});

test('equal priorities: provider precedence, then the name', () => {
  const runtime = resolveYaml({
    file: 'tcp: {routers: {b: {rule: "HostSNI(`*`)", service: s, entryPoints: [web]}, a: {rule: "HostSNI(`*`)", service: s, entryPoints: [web]}}, services: {s: {loadBalancer: {servers: [{address: "127.0.0.1:1"}]}}}}',
    kubernetescrd: 'tcp: {routers: {z: {rule: "HostSNI(`*`)", service: s@file, entryPoints: [web]}}}',
  });
  assert.equal(build(runtime).entryPoints.get('web')!.find(facts({}))?.routerName, 'z@kubernetescrd');
  const fileOnly = resolveYaml({
    file: 'tcp: {routers: {b: {rule: "HostSNI(`*`)", service: s, entryPoints: [web]}, a: {rule: "HostSNI(`*`)", service: s, entryPoints: [web]}}, services: {s: {loadBalancer: {servers: [{address: "127.0.0.1:1"}]}}}}',
  });
  assert.equal(build(fileOnly).entryPoints.get('web')!.find(facts({}))?.routerName, 'a@file');
});

test('a service that cannot be built disables it and its routers with diagnostics; the rest goes live', () => {
  const runtime = resolveYaml({
    file: `
tcp:
  routers:
    broken: {rule: "HostSNI(\`*\`)", service: bad, entryPoints: [web], priority: 10}
    ok: {rule: "HostSNI(\`*\`)", service: good, entryPoints: [web]}
  services:
    bad: {loadBalancer: {servers: [{address: "db.internal"}]}}
    good: {loadBalancer: {servers: [{address: "127.0.0.1:1"}]}}
`,
  });
  const state = build(runtime);
  const service = runtime.tcp.services.get('bad@file')!;
  assert.equal(service.status, 'disabled');
  assert.equal(service.diagnostics.at(-1)!.code, 'SERVICE_SERVER_ADDRESS_INVALID');
  assert.equal(service.diagnostics.at(-1)!.path, 'tcp.services.bad.loadBalancer.servers[0].address');
  const router = runtime.tcp.routers.get('broken@file')!;
  assert.equal(router.status, 'disabled');
  assert.equal(router.diagnostics.at(-1)!.code, 'ROUTER_SERVICE_UNAVAILABLE');
  assert.equal(state.entryPoints.get('web')!.find(facts({}))?.routerName, 'ok@file');
});

test('weighted: an unavailable child, or a child without health under healthCheck: {}, disables the service', () => {
  const runtime = resolveYaml({
    file: `
tcp:
  routers:
    r1: {rule: "HostSNI(\`*\`)", service: w1, entryPoints: [web]}
    r2: {rule: "HostSNI(\`*\`)", service: w2, entryPoints: [websecure]}
  services:
    bad: {loadBalancer: {servers: [{address: "nope"}]}}
    plain: {loadBalancer: {servers: [{address: "127.0.0.1:1"}]}}
    w1: {weighted: {services: [{name: plain}, {name: bad}]}}
    w2: {weighted: {services: [{name: plain}], healthCheck: {}}}
`,
  });
  build(runtime);
  const w1 = runtime.tcp.services.get('w1@file')!;
  assert.equal(w1.diagnostics.at(-1)!.code, 'SERVICE_CHILD_UNAVAILABLE');
  assert.equal(w1.diagnostics.at(-1)!.path, 'tcp.services.w1.weighted.services[1].name');
  const w2 = runtime.tcp.services.get('w2@file')!;
  assert.equal(w2.diagnostics.at(-1)!.code, 'SERVICE_CHILD_NOT_HEALTH_AWARE');
  assert.equal(w2.diagnostics.at(-1)!.path, 'tcp.services.w2.weighted.healthCheck');
  assert.equal(runtime.tcp.routers.get('r1@file')!.status, 'disabled');
  assert.equal(runtime.tcp.routers.get('r2@file')!.status, 'disabled');
});

test('servers transports: an unreadable rootCAs file disables the transport and the services naming it', () => {
  const runtime = resolveYaml({
    file: `
tcp:
  routers:
    r: {rule: "HostSNI(\`*\`)", service: s, entryPoints: [web]}
  services:
    s: {loadBalancer: {servers: [{address: "127.0.0.1:1", tls: true}], serversTransport: secure}}
  serversTransports:
    secure: {tls: {rootCAs: [/nonexistent/ca.pem]}}
`,
  });
  build(runtime);
  const transport = runtime.tcp.serversTransports.get('secure@file')!;
  assert.equal(transport.status, 'disabled');
  assert.equal(transport.diagnostics.at(-1)!.code, 'TRANSPORT_FILE_UNREADABLE');
  assert.equal(transport.diagnostics.at(-1)!.path, 'tcp.serversTransports.secure.tls.rootCAs[0]');
  const service = runtime.tcp.services.get('s@file')!;
  assert.equal(service.diagnostics.at(-1)!.code, 'SERVICE_TRANSPORT_UNAVAILABLE');
  assert.equal(runtime.tcp.routers.get('r@file')!.status, 'disabled');
});

test('deprecated loadBalancer options are ignored with a warning when a serversTransport is named', () => {
  const runtime = resolveYaml({
    file: `
tcp:
  routers:
    r: {rule: "HostSNI(\`*\`)", service: s, entryPoints: [web]}
  services:
    s: {loadBalancer: {servers: [{address: "127.0.0.1:1"}], serversTransport: t, terminationDelay: 50}}
  serversTransports:
    t: {terminationDelay: 1s}
`,
  });
  const state = build(runtime);
  const service = runtime.tcp.services.get('s@file')!;
  assert.equal(service.status, 'warning');
  assert.equal(service.diagnostics.at(-1)!.code, 'SERVICE_DEPRECATED_OPTION_IGNORED');
  assert.ok(state.entryPoints.get('web')!.find(facts({})));
});

test('a TCP middleware that cannot be built is reported on itself, even when no router uses it', () => {
  const runtime = resolveYaml({
    file: `
tcp:
  middlewares:
    empty: {ipAllowList: {sourceRange: []}}
    limit: {inFlightConn: {amount: 1}}
`,
  });
  build(runtime);
  const empty = runtime.tcp.middlewares.get('empty@file')!;
  assert.equal(empty.status, 'disabled');
  assert.equal(empty.diagnostics.at(-1)!.code, 'MIDDLEWARE_INVALID_VALUE');
  assert.equal(empty.diagnostics.at(-1)!.path, 'tcp.middlewares.empty.ipAllowList.sourceRange');
  assert.equal(runtime.tcp.middlewares.get('limit@file')!.status, 'enabled');
});

test('routers forward to their service through their middlewares, on real sockets', async () => {
  const server = await nameServer('db');
  open.push(server);
  const runtime = resolveYaml({
    file: `
tcp:
  routers:
    open: {rule: "HostSNI(\`*\`)", service: db, entryPoints: [web]}
    guarded: {rule: "HostSNI(\`*\`)", service: db, middlewares: [lan-only], entryPoints: [websecure]}
  middlewares:
    lan-only: {ipAllowList: {sourceRange: [10.0.0.0/8]}}
  services:
    db: {loadBalancer: {servers: [{address: "127.0.0.1:${server.port}"}]}}
`,
  });
  const state = build(runtime);
  const frontFor = async (ep: string): Promise<number> => {
    const table = state.entryPoints.get(ep)!;
    const front = await listen((socket) => {
      const match = table.find(facts({ remoteAddress: '127.0.0.1' }))!;
      match.handler({
        remoteAddress: '127.0.0.1', remotePort: socket.remotePort!, localAddress: '127.0.0.1', localPort: socket.localPort!,
        socket, close: () => socket.destroy(), onClose: (l) => void socket.once('close', l),
      });
    });
    open.push(front);
    return front.port;
  };
  assert.equal((await exchange(await frontFor('web'))).data, 'db');
  assert.equal((await exchange(await frontFor('websecure'))).data, '', 'ipAllowList closes a client outside sourceRange');
  assert.deepEqual(state.services.get('db@file')!.serverStatus(), { [`127.0.0.1:${server.port}`]: 'UP' });
});

test('transports nobody uses are still checked: one using spiffe is reported as not implemented', () => {
  const runtime = resolveYaml({
    file: `
tcp:
  serversTransports:
    spiffed: {tls: {spiffe: {trustDomain: example.org}}}
    mtls: {tls: {certificates: [{certFile: /nonexistent/c.pem, keyFile: /nonexistent/k.pem}]}}
`,
  });
  build(runtime);
  const spiffed = runtime.tcp.serversTransports.get('spiffed@file')!;
  assert.equal(spiffed.status, 'disabled');
  assert.equal(spiffed.diagnostics.at(-1)!.code, 'TRANSPORT_FEATURE_NOT_IMPLEMENTED');
  assert.equal(spiffed.diagnostics.at(-1)!.path, 'tcp.serversTransports.spiffed.tls.spiffe');
  const mtls = runtime.tcp.serversTransports.get('mtls@file')!;
  assert.equal(mtls.diagnostics.at(-1)!.code, 'TRANSPORT_FILE_UNREADABLE');
  assert.equal(mtls.diagnostics.at(-1)!.path, 'tcp.serversTransports.mtls.tls.certificates[0].certFile');
});

test('a transport\'s rootCAs and client certificate files are read and used towards a TLS server', async () => {
  const ca = createTestCa();
  const serverCert = ca.issue({ dns: ['db.internal'] });
  const clientCert = ca.issue({ client: true, commonName: 'switchyard' });
  const server = createServer({ cert: serverCert.cert, key: serverCert.key, ca: [ca.cert], requestCert: true, rejectUnauthorized: true },
    (s) => s.end(`hello ${s.getPeerCertificate().subject.CN}`));
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  open.push({ port: 0, server: server as never, close: () => new Promise((r) => server.close(() => r())) });
  const port = (server.address() as { port: number }).port;
  const runtime = resolveYaml({
    file: `
tcp:
  routers:
    r: {rule: "HostSNI(\`*\`)", service: db, entryPoints: [web]}
  services:
    db: {loadBalancer: {servers: [{address: "127.0.0.1:${port}", tls: true}], serversTransport: mtls}}
  serversTransports:
    mtls:
      tls:
        serverName: db.internal
        rootCAs: [${ca.certFile}]
        certificates: [{certFile: ${clientCert.certFile}, keyFile: ${clientCert.keyFile}}]
`,
  });
  const table = build(runtime).entryPoints.get('web')!;
  assert.equal(runtime.tcp.serversTransports.get('mtls@file')!.status, 'enabled');
  const front = await listen((socket) => table.find(facts({}))!.handler({
    remoteAddress: '127.0.0.1', remotePort: socket.remotePort!, localAddress: '127.0.0.1', localPort: socket.localPort!,
    socket, close: () => socket.destroy(), onClose: (l) => void socket.once('close', l),
  }));
  open.push(front);
  assert.equal((await exchange(front.port)).data, 'hello switchyard');
});
