/**
 * gRPC through the proxy path, with real parts at both ends: a @grpc/grpc-js client speaks
 * HTTP/2 to a small node:http2 front (test support standing in for the entry point), whose
 * streams become Exchanges for a real load balancer, which forwards them over h2c or h2 (TLS,
 * private CA) to a real @grpc/grpc-js server. Unary, server-, client- and bidirectional
 * streaming calls; metadata both ways; trailers and error statuses intact; messages relayed one
 * by one (each side waits for the other before sending the next, so buffering would deadlock).
 * Then a servers transport whose files are wrong, through `check`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { LoadBalancerService } from '../src/config/dynamic.ts';
import { loadBalancerSchema } from '../src/config/http-services.ts';
import { loadStaticConfig } from '../src/config/load-static-config.ts';
import { createManualClock } from '../src/lib/manual-clock.ts';
import { createUpstreamPools, defaultTransport, type TransportSettings, type UpstreamPools } from '../src/proxy/upstream-pools.ts';
import { checkConfiguration } from '../src/server/check-command.ts';
import type { BuiltService } from '../src/services/built-service.ts';
import { createHealthRegistry } from '../src/services/health/server-health.ts';
import { createLoadBalancer } from '../src/services/load-balancer.ts';
import { createAffinityRegistry } from '../src/services/sticky/client-ip-affinity.ts';
import { startH2Front } from '../src/services/testing/h2-front.ts';
import { createTestCa } from './support/certs.ts';

const same = (b: Buffer): Buffer => b;
const method = (name: string, requestStream: boolean, responseStream: boolean) => ({
  path: `/test.Echo/${name}`, requestStream, responseStream,
  requestSerialize: same, requestDeserialize: same, responseSerialize: same, responseDeserialize: same,
});
const echoService = {
  Unary: method('Unary', false, false),
  ServerStream: method('ServerStream', false, true),
  ClientStream: method('ClientStream', true, false),
  Bidi: method('Bidi', true, true),
} satisfies grpc.ServiceDefinition;

/** Lets a test step the server: each `next()` resolves when the client says so. */
function turns() {
  const waiting: (() => void)[] = [];
  let credit = 0;
  return {
    next: () => (credit > 0 ? (credit--, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve))),
    go: () => {
      const w = waiting.shift();
      if (w) w();
      else credit++;
    },
  };
}

interface Rig {
  readonly client: grpc.Client;
  /** The server-streaming call waits for the client's go between messages. */
  readonly serverTurns: ReturnType<typeof turns>;
  /** The client-streaming call's server tells the client when a message arrived. */
  readonly arrivals: Buffer[];
  readonly onArrival: { fn: () => void };
  readonly seenMetadata: grpc.Metadata[];
  close(): Promise<void>;
}

/** A gRPC server behind a load balancer behind an HTTP/2 front; `tls` uses a private CA. */
async function startRig(tls: boolean): Promise<Rig> {
  const serverTurns = turns();
  const arrivals: Buffer[] = [];
  const onArrival = { fn: (): void => undefined };
  const seenMetadata: grpc.Metadata[] = [];
  const server = new grpc.Server();
  server.addService(echoService, {
    Unary: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      seenMetadata.push(call.metadata);
      const text = call.request.toString();
      if (text === 'missing') {
        callback({ code: grpc.status.NOT_FOUND, details: 'no such thing: missing', metadata: new grpc.Metadata() });
        return;
      }
      const initial = new grpc.Metadata();
      initial.set('x-server', 'echo');
      call.sendMetadata(initial);
      const trailer = new grpc.Metadata();
      trailer.set('x-trailer', 'done');
      callback(null, Buffer.from(`echo:${text}`), trailer);
    },
    ServerStream: async (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      seenMetadata.push(call.metadata);
      const n = Number(call.request.toString());
      for (let i = 1; i <= n; i++) {
        call.write(Buffer.from(`part ${i}`));
        await serverTurns.next();
      }
      if (call.metadata.get('x-fail').length > 0) {
        call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: 'stopped after the parts' });
        return;
      }
      const trailer = new grpc.Metadata();
      trailer.set('x-parts', String(n));
      call.end(trailer);
    },
    ClientStream: (call: grpc.ServerReadableStream<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const got: string[] = [];
      call.on('data', (m: Buffer) => {
        got.push(m.toString());
        arrivals.push(m);
        onArrival.fn();
      });
      call.on('end', () => callback(null, Buffer.from(got.join('+'))));
    },
    Bidi: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      call.on('data', (m: Buffer) => call.write(Buffer.from(`re:${m.toString()}`)));
      call.on('end', () => call.end());
    },
  });
  const ca = tls ? createTestCa() : null;
  const credentials = ca === null ? grpc.ServerCredentials.createInsecure() : (() => {
    const leaf = ca.issue({ ips: ['127.0.0.1'] });
    return grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(leaf.key), cert_chain: Buffer.from(leaf.cert) }], false);
  })();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));

  const clock = createManualClock();
  const pools = createUpstreamPools({ clock });
  const transport: TransportSettings = ca === null ? defaultTransport : { ...defaultTransport, name: 'grpc-tls@file', rootCAs: [ca.cert] };
  const url = `${tls ? 'https' : 'h2c'}://127.0.0.1:${port}`;
  const lb = loadBalancer(url, pools, transport, clock);
  const front = await startH2Front(lb.handler);
  const client = new grpc.Client(front.address, grpc.credentials.createInsecure());
  return {
    client, serverTurns, arrivals, onArrival, seenMetadata,
    async close() {
      client.close();
      server.forceShutdown();
      await front.close();
      lb.dispose();
      await pools.dispose();
    },
  };
}

function loadBalancer(url: string, pools: UpstreamPools, transport: TransportSettings, clock: ReturnType<typeof createManualClock>): BuiltService {
  const config = loadBalancerSchema.parse({ servers: [{ url }] }) as LoadBalancerService;
  return createLoadBalancer('grpc@file', config, {
    pools, transport, notAppendXForwardedFor: false,
    health: createHealthRegistry(clock), affinity: createAffinityRegistry(clock), clock, random: () => 0.5,
  });
}

interface UnaryResult {
  readonly error: grpc.ServiceError | null;
  readonly response: Buffer | undefined;
  readonly headers: grpc.Metadata | undefined;
  readonly status: grpc.StatusObject;
}

function unary(client: grpc.Client, text: string, metadata = new grpc.Metadata()): Promise<UnaryResult> {
  return new Promise((resolve) => {
    let headers: grpc.Metadata | undefined;
    let result: { error: grpc.ServiceError | null; response: Buffer | undefined } | undefined;
    let status: grpc.StatusObject | undefined;
    const settle = (): void => {
      if (result !== undefined && status !== undefined) resolve({ ...result, headers, status });
    };
    const call = client.makeUnaryRequest(echoService.Unary.path, same, same, Buffer.from(text), metadata, (error, response) => {
      result = { error, response };
      settle();
    });
    call.on('metadata', (m: grpc.Metadata) => (headers = m));
    call.on('status', (s: grpc.StatusObject) => {
      status = s;
      settle();
    });
  });
}

interface StreamResult {
  readonly messages: string[];
  readonly status: grpc.StatusObject;
}

/** A server-streaming call of `n` parts; the client lets the server send the next part only once it holds the last one. */
function serverStream(rig: Rig, n: number, metadata = new grpc.Metadata()): Promise<StreamResult> {
  return new Promise((resolve) => {
    const messages: string[] = [];
    const call = rig.client.makeServerStreamRequest(echoService.ServerStream.path, same, same, Buffer.from(String(n)), metadata);
    call.on('data', (m: Buffer) => {
      messages.push(m.toString());
      rig.serverTurns.go();
    });
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => resolve({ messages, status }));
  });
}

for (const tls of [false, true]) {
  const over = tls ? 'h2 over TLS (private CA in rootCAs)' : 'h2c';
  test(`unary call over ${over}: request metadata in, response headers and trailers out`, async () => {
    const rig = await startRig(tls);
    try {
      const metadata = new grpc.Metadata();
      metadata.set('x-request-id', 'r-1');
      const r = await unary(rig.client, 'hello', metadata);
      assert.equal(r.error, null);
      assert.equal(r.response?.toString(), 'echo:hello');
      assert.deepEqual(r.headers?.get('x-server'), ['echo']);
      assert.equal(r.status.code, grpc.status.OK);
      assert.deepEqual(r.status.metadata.get('x-trailer'), ['done']);
      const seen = rig.seenMetadata[0]!;
      assert.deepEqual(seen.get('x-request-id'), ['r-1']);
      assert.equal(seen.get('x-forwarded-for').length, 1, 'the proxy appended the client address');
    } finally {
      await rig.close();
    }
  });

  test(`a gRPC error status and message reach the client over ${over} (trailers-only response)`, async () => {
    const rig = await startRig(tls);
    try {
      const r = await unary(rig.client, 'missing');
      assert.equal(r.error?.code, grpc.status.NOT_FOUND);
      assert.equal(r.status.code, grpc.status.NOT_FOUND);
      assert.equal(r.status.details, 'no such thing: missing');
    } finally {
      await rig.close();
    }
  });

  test(`server-streaming call over ${over}: each message is relayed before the next is produced, trailers last`, async () => {
    const rig = await startRig(tls);
    try {
      const r = await serverStream(rig, 3);
      assert.deepEqual(r.messages, ['part 1', 'part 2', 'part 3']);
      assert.equal(r.status.code, grpc.status.OK);
      assert.deepEqual(r.status.metadata.get('x-parts'), ['3']);

      const failing = new grpc.Metadata();
      failing.set('x-fail', 'yes');
      const f = await serverStream(rig, 2, failing);
      assert.deepEqual(f.messages, ['part 1', 'part 2']);
      assert.equal(f.status.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.equal(f.status.details, 'stopped after the parts');
    } finally {
      await rig.close();
    }
  });

  test(`client-streaming and bidirectional calls over ${over} stream the request body`, async () => {
    const rig = await startRig(tls);
    try {
      const sum = await new Promise<string>((resolve, reject) => {
        const call = rig.client.makeClientStreamRequest(echoService.ClientStream.path, same, same, new grpc.Metadata(), (err, res) => (err ? reject(err) : resolve(res!.toString())));
        const parts = ['a', 'b', 'c'];
        // The next part is written only once the server has the previous one.
        rig.onArrival.fn = () => {
          const next = parts.shift();
          if (next === undefined) call.end();
          else call.write(Buffer.from(next));
        };
        call.write(Buffer.from('start'));
      });
      assert.equal(sum, 'start+a+b+c');

      const echoed = await new Promise<string[]>((resolve, reject) => {
        const got: string[] = [];
        const parts = ['x', 'y', 'z'];
        const call = rig.client.makeBidiStreamRequest(echoService.Bidi.path, same, same, new grpc.Metadata());
        call.on('data', (m: Buffer) => {
          got.push(m.toString());
          const next = parts.shift();
          if (next === undefined) call.end();
          else call.write(Buffer.from(next));
        });
        call.on('error', reject);
        call.on('status', () => resolve(got));
        call.write(Buffer.from('w'));
      });
      assert.deepEqual(echoed, ['re:w', 're:x', 're:y', 're:z']);
    } finally {
      await rig.close();
    }
  });
}

test('a servers transport with an unreadable rootCAs file is disabled at that field, and so are the services using it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-transport-check-'));
  writeFileSync(join(dir, 'dynamic.yml'), `http:
  routers:
    app:
      rule: "Host(\`app.example\`)"
      service: app
  services:
    app:
      loadBalancer:
        serversTransport: internal-tls
        servers: [{url: "https://10.0.0.1:8443"}]
    other:
      loadBalancer:
        servers: [{url: "h2c://10.0.0.2:50051"}]
        healthCheck: {mode: grpc}
  serversTransports:
    internal-tls:
      serverName: api.internal
      rootCAs:
        - ${join(dir, 'missing-ca.pem')}
`);
  writeFileSync(join(dir, 'static.yml'), `entryPoints:
  web:
    address: ":8000"
providers:
  file:
    filename: ${JSON.stringify(join(dir, 'dynamic.yml'))}
`);
  const loaded = loadStaticConfig({ argv: [`--configFile=${join(dir, 'static.yml')}`], env: {}, cwd: dir });
  assert.ok(loaded.config !== null);
  const diagnostics = await checkConfiguration(loaded.config);
  const transport = diagnostics.find((d) => d.resource === 'internal-tls@file');
  assert.ok(transport !== undefined, JSON.stringify(diagnostics));
  assert.equal(transport.code, 'SERVERS_TRANSPORT_FILE_UNREADABLE');
  assert.equal(transport.path, 'http.serversTransports.internal-tls.rootCAs[0]');
  assert.equal(transport.source?.line, 19);
  const service = diagnostics.find((d) => d.resource === 'app@file');
  assert.match(service?.message ?? '', /servers transport "internal-tls@file" cannot be used: rootCAs\[0\]/);
  assert.ok(!diagnostics.some((d) => d.resource === 'other@file'), 'h2c servers and grpc health checks are served');
});
