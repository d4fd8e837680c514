import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { createTestCa } from '../../../test/support/certs.ts';
import { healthCheckSchema } from '../../config/http-services.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createUpstreamPools, defaultTransport, type TransportSettings } from '../../proxy/upstream-pools.ts';
import { startActiveHealthCheck } from './active-check.ts';
import { resolveGrpcProbeTarget, servingStatus } from './grpc-probe.ts';
import { createHealthRegistry } from './server-health.ts';

const same = (b: Buffer): Buffer => b;
const healthService = {
  Check: {
    path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false,
    requestSerialize: same, requestDeserialize: same, responseSerialize: same, responseDeserialize: same,
  },
} satisfies grpc.ServiceDefinition;
const otherService = { Other: { ...healthService.Check, path: '/test.Other/Call' } } satisfies grpc.ServiceDefinition;

interface HealthServer {
  readonly port: number;
  /** SERVING = 1, NOT_SERVING = 2; what Check answers. */
  status: number;
  /** Each Check: the service name asked and the x-probe metadata. */
  readonly checks: { service: string; probe: string[] }[];
  close(): void;
}

/** A real gRPC server; with `health: false` it does not implement grpc.health.v1. */
async function startHealthServer(options: { health?: boolean; tls?: { cert: string; key: string } } = {}): Promise<HealthServer> {
  const server = new grpc.Server();
  const state: HealthServer = {
    port: 0, status: 1, checks: [],
    close: () => server.forceShutdown(),
  };
  if (options.health === false) {
    server.addService(otherService, { Other: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.alloc(0)) });
  } else {
    server.addService(healthService, {
      Check: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        // HealthCheckRequest: field 1 (service), a string; absent when empty.
        const req = call.request;
        const service = req.length > 2 && req[0] === 0x0a ? req.subarray(2, 2 + req[1]!).toString() : '';
        state.checks.push({ service, probe: call.metadata.get('x-probe').map(String) });
        cb(null, Buffer.from([0x08, state.status]));
      },
    });
  }
  const credentials = options.tls === undefined ? grpc.ServerCredentials.createInsecure()
    : grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }], false);
  (state as { port: number }).port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
  return state;
}

/** Runs an active check of `url` on a manual clock; `probe()` moves time to the next probe. */
function checker(url: string, config: object, transport: TransportSettings = defaultTransport) {
  const clock = createManualClock();
  const registry = createHealthRegistry(clock);
  const pools = createUpstreamPools({ clock });
  const health = registry.acquire('grpc@file', url);
  const waiters: ((r: { ok: boolean; reason: string }) => void)[] = [];
  const check = startActiveHealthCheck({
    service: 'grpc@file',
    config: healthCheckSchema.parse({ mode: 'grpc', interval: '10s', ...config }),
    servers: [{ url, health }],
    transport,
    pools,
    clock,
    onProbe: (_u, ok, reason) => waiters.shift()?.({ ok, reason }),
  });
  return {
    health,
    probe() {
      const next = new Promise<{ ok: boolean; reason: string }>((resolve) => waiters.push(resolve));
      clock.advance(10_000);
      return next;
    },
    async stop() {
      check.stop();
      await pools.dispose();
    },
  };
}

test('a server answering SERVING stays UP; NOT_SERVING takes it DOWN; SERVING again brings it back (h2c)', async () => {
  const server = await startHealthServer();
  const c = checker(`h2c://127.0.0.1:${server.port}`, { headers: { 'X-Probe': 'switchyard' } });
  const where = `grpc h2c://127.0.0.1:${server.port}/grpc.health.v1.Health/Check`;
  try {
    assert.deepEqual(await c.probe(), { ok: true, reason: `${where}: SERVING` });
    assert.equal(c.health.status, 'UP');
    server.status = 2;
    assert.deepEqual(await c.probe(), { ok: false, reason: `${where}: NOT_SERVING (expected SERVING)` });
    assert.equal(c.health.status, 'DOWN');
    server.status = 1;
    assert.equal((await c.probe()).ok, true);
    assert.equal(c.health.status, 'UP');
    // Traefik asks about the whole server: an empty service name.
    assert.deepEqual(server.checks[0], { service: '', probe: ['switchyard'] });
  } finally {
    await c.stop();
    server.close();
  }
});

test('an http:// server is probed in cleartext too, as Traefik does', async () => {
  const server = await startHealthServer();
  const c = checker(`http://127.0.0.1:${server.port}`, {});
  try {
    assert.equal((await c.probe()).ok, true);
  } finally {
    await c.stop();
    server.close();
  }
});

test('a server without grpc.health.v1 goes DOWN saying so; so does one that is not there', async () => {
  const server = await startHealthServer({ health: false });
  const c = checker(`h2c://127.0.0.1:${server.port}`, {});
  try {
    const r = await c.probe();
    assert.equal(r.ok, false);
    assert.match(r.reason, /gRPC status UNIMPLEMENTED: the server does not implement grpc\.health\.v1/);
    assert.equal(c.health.status, 'DOWN');
  } finally {
    await c.stop();
    server.close();
  }
  const gone = checker(`h2c://127.0.0.1:${server.port}`, {});
  try {
    const r = await gone.probe();
    assert.equal(r.ok, false);
    assert.match(r.reason, /connection refused/);
  } finally {
    await gone.stop();
  }
});

test('an https:// server is probed over TLS with the service\'s transport (rootCAs), even with disableHTTP2', async () => {
  const ca = createTestCa();
  const server = await startHealthServer({ tls: ca.issue({ ips: ['127.0.0.1'] }) });
  const transport: TransportSettings = { ...defaultTransport, name: 'tls@file', rootCAs: [ca.cert], disableHTTP2: true };
  const c = checker(`https://127.0.0.1:${server.port}`, {}, transport);
  try {
    const r = await c.probe();
    assert.deepEqual(r, { ok: true, reason: `grpc https://127.0.0.1:${server.port}/grpc.health.v1.Health/Check: SERVING` });
  } finally {
    await c.stop();
  }
  const untrusted = checker(`https://127.0.0.1:${server.port}`, {});
  try {
    assert.equal((await untrusted.probe()).ok, false, 'the private CA is not trusted without rootCAs');
  } finally {
    await untrusted.stop();
    server.close();
  }
});

test('where a grpc probe goes: the server host, port override, scheme from the config or the server URL', () => {
  const cases: { url: string; config: object; want: string }[] = [
    { url: 'h2c://10.0.0.1:50051', config: {}, want: 'h2c://10.0.0.1:50051' },
    { url: 'http://10.0.0.1:50051/api', config: { path: '/health' }, want: 'h2c://10.0.0.1:50051' },
    { url: 'http://10.0.0.1', config: {}, want: 'h2c://10.0.0.1:80' },
    { url: 'https://10.0.0.1', config: {}, want: 'https://10.0.0.1:443' },
    { url: 'https://10.0.0.1:8443', config: { scheme: 'h2c' }, want: 'h2c://10.0.0.1:8443' },
    { url: 'http://10.0.0.1:50051', config: { scheme: 'https', port: 9443 }, want: 'https://10.0.0.1:9443' },
  ];
  for (const c of cases) {
    const target = resolveGrpcProbeTarget(c.url, healthCheckSchema.parse({ mode: 'grpc', ...c.config }));
    assert.deepEqual(target, { origin: c.want }, JSON.stringify(c));
  }
  assert.equal(resolveGrpcProbeTarget('http://10.0.0.1', healthCheckSchema.parse({ mode: 'grpc', scheme: 'ws' })),
    'health check scheme ws is not http, h2c or https (grpc mode)');
});

test('reads the serving status out of a HealthCheckResponse frame', () => {
  const frame = (message: number[]): Buffer => Buffer.from([0, 0, 0, 0, message.length, ...message]);
  assert.equal(servingStatus(frame([0x08, 1])), 1);
  assert.equal(servingStatus(frame([])), 0, 'proto3: an absent enum is UNKNOWN');
  assert.equal(servingStatus(frame([0x12, 2, 0x61, 0x62, 0x08, 2])), 2, 'unknown fields are skipped');
  assert.equal(servingStatus(Buffer.from([1, 0, 0, 0, 2, 0x08, 1])), null, 'a compressed message is not read');
  assert.equal(servingStatus(Buffer.alloc(0)), null);
});
