/**
 * Test support: real @grpc/grpc-js servers and calls without protobuf. Messages are raw Buffers
 * (identity serialize/deserialize), so the test service `test.Echo` needs no .proto file; the
 * standard `grpc.health.v1.Health/Check` is answered with its two-field messages encoded by
 * hand, and the server's health can be switched while it runs (what a health check probes).
 */
import * as grpc from '@grpc/grpc-js';
import type { TestCert } from './certs.ts';

const same = (b: Buffer): Buffer => b;

function method(path: string, requestStream: boolean, responseStream: boolean) {
  return {
    path, requestStream, responseStream,
    requestSerialize: same, requestDeserialize: same, responseSerialize: same, responseDeserialize: same,
  };
}

/** `test.Echo`: Unary, ServerStream (the request is a count) and Bidi, all on raw bytes. */
export const echoService = {
  Unary: method('/test.Echo/Unary', false, false),
  ServerStream: method('/test.Echo/ServerStream', false, true),
  Bidi: method('/test.Echo/Bidi', true, true),
} satisfies grpc.ServiceDefinition;

/** `grpc.health.v1.Health` with its one unary method. */
const healthService = {
  Check: method('/grpc.health.v1.Health/Check', false, false),
} satisfies grpc.ServiceDefinition;

/** HealthCheckResponse.ServingStatus values of grpc.health.v1. */
export type ServingStatus = 'SERVING' | 'NOT_SERVING';
const servingStatusNumber: Record<ServingStatus, number> = { SERVING: 1, NOT_SERVING: 2 };

export interface EchoServer {
  /** The `name` given: sent back as the `x-server` response header of every call. */
  readonly name: string;
  readonly port: number;
  /** Metadata of every call the server received, in order (health checks excluded). */
  readonly seenMetadata: grpc.Metadata[];
  /** What grpc.health.v1.Health/Check answers from now on. */
  setHealth(status: ServingStatus): void;
  /** Number of health checks answered so far. */
  healthChecks(): number;
  close(): void;
}

/**
 * Starts a gRPC server on 127.0.0.1 port 0, over TLS when `tls` is given. Unary answers
 * `echo:<text>` with the `x-server` header and an `x-trailer: done` trailer, or NOT_FOUND with
 * "no such thing: missing" for the text `missing` (no message, no headers: a trailers-only
 * response). ServerStream sends `part 1` … `part n` and the trailer `x-parts: n`. Bidi answers
 * each message with `re:<text>`.
 */
export async function startEchoServer(name: string, options: { tls?: TestCert; health?: ServingStatus } = {}): Promise<EchoServer> {
  let health: ServingStatus = options.health ?? 'SERVING';
  let checks = 0;
  const seenMetadata: grpc.Metadata[] = [];
  const server = new grpc.Server();
  const initialMetadata = (): grpc.Metadata => {
    const m = new grpc.Metadata();
    m.set('x-server', name);
    return m;
  };
  server.addService(echoService, {
    Unary: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      seenMetadata.push(call.metadata);
      const text = call.request.toString();
      if (text === 'missing') {
        callback({ code: grpc.status.NOT_FOUND, details: 'no such thing: missing' });
        return;
      }
      call.sendMetadata(initialMetadata());
      const trailer = new grpc.Metadata();
      trailer.set('x-trailer', 'done');
      callback(null, Buffer.from(`echo:${text}`), trailer);
    },
    ServerStream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      seenMetadata.push(call.metadata);
      call.sendMetadata(initialMetadata());
      const n = Number(call.request.toString());
      for (let i = 1; i <= n; i++) call.write(Buffer.from(`part ${i}`));
      const trailer = new grpc.Metadata();
      trailer.set('x-parts', String(n));
      call.end(trailer);
    },
    Bidi: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      seenMetadata.push(call.metadata);
      call.sendMetadata(initialMetadata());
      call.on('data', (m: Buffer) => call.write(Buffer.from(`re:${m.toString()}`)));
      call.on('end', () => call.end());
    },
  });
  server.addService(healthService, {
    Check: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      checks += 1;
      // HealthCheckResponse { ServingStatus status = 1; }: field 1, varint.
      callback(null, Buffer.from([0x08, servingStatusNumber[health]]));
    },
  });
  const credentials = options.tls === undefined
    ? grpc.ServerCredentials.createInsecure()
    : grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }], false);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p)));
  });
  return {
    name, port, seenMetadata,
    setHealth: (status) => { health = status; },
    healthChecks: () => checks,
    close: () => server.forceShutdown(),
  };
}

/**
 * A client for `127.0.0.1:port` that sends `authority` as `:authority` (what Host rules see);
 * with `ca`, over TLS trusting only that CA, with `authority` as SNI and as the name checked.
 */
export function echoClient(port: number, authority: string, ca?: string): grpc.Client {
  const credentials = ca === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(Buffer.from(ca));
  return new grpc.Client(`127.0.0.1:${port}`, credentials, {
    'grpc.default_authority': authority,
    ...(ca === undefined ? {} : { 'grpc.ssl_target_name_override': authority }),
  });
}

export interface UnaryResult {
  readonly error: grpc.ServiceError | null;
  readonly response: Buffer | undefined;
  /** Response headers (undefined for a trailers-only response). */
  readonly headers: grpc.Metadata | undefined;
  readonly status: grpc.StatusObject;
}

/** One Unary call of test.Echo; resolves once both the result and the status are known. */
export function unary(client: grpc.Client, text: string, metadata = new grpc.Metadata()): Promise<UnaryResult> {
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
    call.on('metadata', (m: grpc.Metadata) => { headers = m; });
    call.on('status', (s: grpc.StatusObject) => {
      status = s;
      settle();
    });
  });
}

export interface StreamResult {
  readonly messages: string[];
  readonly headers: grpc.Metadata | undefined;
  readonly status: grpc.StatusObject;
}

/** A ServerStream call asking for `n` parts. */
export function serverStream(client: grpc.Client, n: number): Promise<StreamResult> {
  return new Promise((resolve) => {
    const messages: string[] = [];
    let headers: grpc.Metadata | undefined;
    const call = client.makeServerStreamRequest(echoService.ServerStream.path, same, same, Buffer.from(String(n)), new grpc.Metadata());
    call.on('metadata', (m: grpc.Metadata) => { headers = m; });
    call.on('data', (m: Buffer) => messages.push(m.toString()));
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => resolve({ messages, headers, status }));
  });
}

/**
 * A Bidi call in lockstep: each message is written only once the answer to the previous one has
 * arrived, so a proxy that buffered either direction would stall it.
 */
export function bidiLockstep(client: grpc.Client, texts: readonly string[]): Promise<{ messages: string[]; status: grpc.StatusObject }> {
  return new Promise((resolve) => {
    const messages: string[] = [];
    const rest = [...texts];
    const call = client.makeBidiStreamRequest(echoService.Bidi.path, same, same, new grpc.Metadata());
    const writeNext = (): void => {
      const next = rest.shift();
      if (next === undefined) call.end();
      else call.write(Buffer.from(next));
    };
    call.on('data', (m: Buffer) => {
      messages.push(m.toString());
      writeNext();
    });
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => resolve({ messages, status }));
    writeNext();
  });
}
